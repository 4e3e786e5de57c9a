using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace TagImmutability.Server.Tests.Distribution;

public sealed class BlobEndpointTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private HttpClient Http => _server.Http;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _server.Create("team/app");
        _server.Create("team/other");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_monolithic_post_with_its_digest_creates_the_blob()
    {
        byte[] content = RandomNumberGenerator.GetBytes(1000);
        string digest = TestImage.DigestOf(content);
        using HttpResponseMessage created = await Http.PostAsync($"/v2/team/app/blobs/uploads/?digest={digest}", Octets(content));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/v2/team/app/blobs/{digest}", created.Headers.Location!.OriginalString);
        Assert.Equal(digest, created.Header("Docker-Content-Digest"));

        using HttpResponseMessage got = await Http.GetAsync($"/v2/team/app/blobs/{digest}");
        Assert.Equal(content, await got.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest, got.Header("Docker-Content-Digest"));
        using HttpResponseMessage head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/team/app/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(1000, head.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task A_monolithic_post_with_another_digest_answers_digest_invalid_and_stores_nothing()
    {
        byte[] content = RandomNumberGenerator.GetBytes(100);
        string wrong = TestImage.DigestOf([1, 2, 3]);
        using HttpResponseMessage refused = await Http.PostAsync($"/v2/team/app/blobs/uploads/?digest={wrong}", Octets(content));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await refused.ErrorCodesAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/v2/team/app/blobs/{wrong}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/v2/team/app/blobs/{TestImage.DigestOf(content)}")).StatusCode);
    }

    [Fact]
    public async Task A_session_closed_with_the_wrong_digest_answers_digest_invalid_and_ends()
    {
        Uri location = await StartAsync("team/app");
        using HttpResponseMessage refused = await Http.PutAsync(RegistryClient.AppendQuery(location, "digest=" + TestImage.DigestOf([9])), Octets([1, 2, 3]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await refused.ErrorCodesAsync());
        using HttpResponseMessage gone = await Http.GetAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(["BLOB_UPLOAD_UNKNOWN"], await gone.ErrorCodesAsync());
    }

    [Fact]
    public async Task Chunks_append_in_order_and_report_their_range()
    {
        byte[] content = RandomNumberGenerator.GetBytes(300);
        Uri location = await StartAsync("team/app");
        using HttpResponseMessage first = await PatchAsync(location, content[..100], "0-99");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("0-99", first.Header("Range"));
        using HttpResponseMessage status = await Http.GetAsync(first.Headers.Location);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal("0-99", status.Header("Range"));
        Assert.False(string.IsNullOrEmpty(status.Header("Docker-Upload-UUID")));

        using HttpResponseMessage second = await PatchAsync(first.Headers.Location!, content[100..250], null);
        Assert.Equal("0-249", second.Header("Range"));
        using HttpResponseMessage closed = await Http.PutAsync(RegistryClient.AppendQuery(second.Headers.Location!, "digest=" + TestImage.DigestOf(content)), Octets(content[250..]));
        Assert.Equal(HttpStatusCode.Created, closed.StatusCode);
        Assert.Equal(content, await Http.GetByteArrayAsync($"/v2/team/app/blobs/{TestImage.DigestOf(content)}"));
    }

    [Fact]
    public async Task A_chunk_out_of_order_answers_416_with_the_current_range_and_changes_nothing()
    {
        Uri location = await StartAsync("team/app");
        (await PatchAsync(location, new byte[10], "0-9")).EnsureSuccessStatusCode();
        using HttpResponseMessage skipped = await PatchAsync(location, new byte[10], "20-29");
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, skipped.StatusCode);
        Assert.Equal("0-9", skipped.Header("Range"));
        using HttpResponseMessage status = await Http.GetAsync(location);
        Assert.Equal("0-9", status.Header("Range"));
    }

    [Fact]
    public async Task A_chunk_shorter_than_its_range_answers_size_invalid_and_is_dropped()
    {
        Uri location = await StartAsync("team/app");
        using HttpResponseMessage refused = await PatchAsync(location, new byte[10], "0-19");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["SIZE_INVALID"], await refused.ErrorCodesAsync());
        using HttpResponseMessage status = await Http.GetAsync(location);
        Assert.Equal("0-0", status.Header("Range"));
        byte[] content = [1, 2, 3];
        using HttpResponseMessage closed = await Http.PutAsync(RegistryClient.AppendQuery(location, "digest=" + TestImage.DigestOf(content)), Octets(content));
        Assert.Equal(HttpStatusCode.Created, closed.StatusCode);
    }

    [Fact]
    public async Task A_cancelled_session_is_gone()
    {
        Uri location = await StartAsync("team/app");
        using HttpResponseMessage cancelled = await Http.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, cancelled.StatusCode);
        using HttpResponseMessage gone = await PatchAsync(location, [1], null);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(["BLOB_UPLOAD_UNKNOWN"], await gone.ErrorCodesAsync());
    }

    [Theory]
    [InlineData("/v2/team/app/blobs/uploads/not-a-uuid")]
    [InlineData("/v2/team/app/blobs/uploads/6f1c2a34-0000-4000-8000-000000000000")]
    public async Task Unknown_sessions_answer_blob_upload_unknown(string path)
    {
        using HttpResponseMessage response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(["BLOB_UPLOAD_UNKNOWN"], await response.ErrorCodesAsync());
    }

    [Fact]
    public async Task A_session_belongs_to_its_repository()
    {
        Uri location = await StartAsync("team/app");
        string id = location.OriginalString[(location.OriginalString.LastIndexOf('/') + 1)..];
        using HttpResponseMessage elsewhere = await Http.GetAsync($"/v2/team/other/blobs/uploads/{id}");
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
    }

    [Fact]
    public async Task A_blob_pushed_to_one_repository_is_unknown_in_another_until_mounted()
    {
        byte[] content = RandomNumberGenerator.GetBytes(64);
        string digest = TestImage.DigestOf(content);
        (await Http.UploadBlobAsync("team/app", content)).EnsureSuccessStatusCode();
        using HttpResponseMessage unknown = await Http.GetAsync($"/v2/team/other/blobs/{digest}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(["BLOB_UNKNOWN"], await unknown.ErrorCodesAsync());

        using HttpResponseMessage mounted = await Http.PostAsync($"/v2/team/other/blobs/uploads/?mount={digest}&from=team/app", null);
        Assert.Equal(HttpStatusCode.Created, mounted.StatusCode);
        Assert.Equal($"/v2/team/other/blobs/{digest}", mounted.Headers.Location!.OriginalString);
        Assert.Equal(content, await Http.GetByteArrayAsync($"/v2/team/other/blobs/{digest}"));
    }

    [Fact]
    public async Task A_mount_the_source_cannot_serve_starts_an_upload_session_instead()
    {
        string digest = TestImage.DigestOf([7, 7, 7]);
        using HttpResponseMessage response = await Http.PostAsync($"/v2/team/other/blobs/uploads/?mount={digest}&from=team/app", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("/v2/team/other/blobs/uploads/", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_blob_is_unknown_afterwards()
    {
        byte[] content = RandomNumberGenerator.GetBytes(64);
        string digest = TestImage.DigestOf(content);
        (await Http.UploadBlobAsync("team/app", content)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Accepted, (await Http.DeleteAsync($"/v2/team/app/blobs/{digest}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/v2/team/app/blobs/{digest}")).StatusCode);
        using HttpResponseMessage again = await Http.DeleteAsync($"/v2/team/app/blobs/{digest}");
        Assert.Equal(["BLOB_UNKNOWN"], await again.ErrorCodesAsync());
    }

    [Fact]
    public async Task A_range_request_answers_the_part()
    {
        byte[] content = RandomNumberGenerator.GetBytes(1000);
        (await Http.UploadBlobAsync("team/app", content)).EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/team/app/blobs/{TestImage.DigestOf(content)}");
        request.Headers.Range = new RangeHeaderValue(100, 199);
        using HttpResponseMessage response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(content[100..200], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_manifest_is_served_on_the_blob_endpoint_by_its_digest()
    {
        TestImage image = TestImage.Scratch("example-0001");
        (await Http.PushAsync("team/app", image, "latest")).EnsureSuccessStatusCode();
        Assert.Equal(image.Manifest, await Http.GetByteArrayAsync($"/v2/team/app/blobs/{image.ManifestDigest}"));
    }

    [Theory]
    [InlineData("/v2/team/app/blobs/sha256:zz")]
    [InlineData("/v2/team/app/blobs/md5:abc")]
    public async Task A_malformed_digest_answers_digest_invalid(string path)
    {
        using HttpResponseMessage response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await response.ErrorCodesAsync());
    }

    [Fact]
    public async Task A_blob_over_the_size_cap_answers_413_whether_declared_or_streamed()
    {
        await using TestServer server = await TestServer.StartAsync(new RegistryServerOptions { MaxBlobSizeInBytes = 100 });
        server.Create("team/app");
        byte[] content = new byte[101];
        using HttpResponseMessage declared = await server.Http.PostAsync($"/v2/team/app/blobs/uploads/?digest={TestImage.DigestOf(content)}", Octets(content));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(["SIZE_INVALID"], await declared.ErrorCodesAsync());

        using HttpResponseMessage start = await server.Http.PostAsync("/v2/team/app/blobs/uploads/", null);
        (await PatchAsync(server.Http, start.Headers.Location!, new byte[60], null)).EnsureSuccessStatusCode();
        using HttpResponseMessage streamed = await PatchAsync(server.Http, start.Headers.Location!, new byte[60], null, chunked: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        using HttpResponseMessage status = await server.Http.GetAsync(start.Headers.Location);
        Assert.Equal("0-59", status.Header("Range"));
    }

    [Fact]
    public async Task The_memory_cap_refuses_uploads_beyond_it_with_507()
    {
        await using TestServer server = await TestServer.StartAsync(new RegistryServerOptions { MaxMemoryBlobBytes = 10_000 });
        server.Create("team/app");
        (await server.Http.UploadBlobAsync("team/app", new byte[6000])).EnsureSuccessStatusCode();
        using HttpResponseMessage full = await server.Http.UploadBlobAsync("team/app", RandomNumberGenerator.GetBytes(6000));
        Assert.Equal(HttpStatusCode.InsufficientStorage, full.StatusCode);
        Assert.Equal(["BLOB_UPLOAD_INVALID"], await full.ErrorCodesAsync());
        Assert.Equal(HttpStatusCode.Accepted, (await server.Http.DeleteAsync($"/v2/team/app/blobs/{TestImage.DigestOf(new byte[6000])}")).StatusCode);
        (await server.Http.UploadBlobAsync("team/app", RandomNumberGenerator.GetBytes(6000))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task An_abandoned_session_expires_after_the_timeout()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using TestServer server = await TestServer.StartAsync(new RegistryServerOptions
        {
            Registry = new RegistryOptions { TimeProvider = clock },
            UploadSessionTimeout = TimeSpan.FromMinutes(10),
        });
        server.Create("team/app");
        using HttpResponseMessage start = await server.Http.PostAsync("/v2/team/app/blobs/uploads/", null);
        clock.Advance(TimeSpan.FromMinutes(9));
        (await PatchAsync(server.Http, start.Headers.Location!, [1], null)).EnsureSuccessStatusCode();
        clock.Advance(TimeSpan.FromMinutes(9));
        (await PatchAsync(server.Http, start.Headers.Location!, [2], null)).EnsureSuccessStatusCode();
        clock.Advance(TimeSpan.FromMinutes(11));
        using HttpResponseMessage expired = await PatchAsync(server.Http, start.Headers.Location!, [3], null);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        Assert.Equal(["BLOB_UPLOAD_UNKNOWN"], await expired.ErrorCodesAsync());
    }

    [Fact]
    public async Task With_a_data_directory_blobs_are_files_named_by_their_digest()
    {
        string directory = Path.Combine(Path.GetTempPath(), "tagimm-blobs-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (TestServer server = await TestServer.StartAsync(new RegistryServerOptions { DataDirectory = directory }))
            {
                server.Create("team/app");
                byte[] content = RandomNumberGenerator.GetBytes(200_000);
                string hex = TestImage.DigestOf(content)["sha256:".Length..];
                (await server.Http.UploadBlobAsync("team/app", content)).EnsureSuccessStatusCode();
                Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(directory, "blobs", "sha256", hex[..2], hex)));
                Assert.Empty(Directory.GetFiles(Path.Combine(directory, "uploads")));
                Assert.Equal(content, await server.Http.GetByteArrayAsync($"/v2/team/app/blobs/sha256:{hex}"));

                using HttpResponseMessage start = await server.Http.PostAsync("/v2/team/app/blobs/uploads/", null);
                (await PatchAsync(server.Http, start.Headers.Location!, [1, 2, 3], null)).EnsureSuccessStatusCode();
                Assert.Single(Directory.GetFiles(Path.Combine(directory, "uploads")));
            }

            Assert.Empty(Directory.GetFiles(Path.Combine(directory, "uploads")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<Uri> StartAsync(string repository)
    {
        using HttpResponseMessage start = await Http.PostAsync($"/v2/{repository}/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal("0-0", start.Header("Range"));
        return start.Headers.Location!;
    }

    private Task<HttpResponseMessage> PatchAsync(Uri location, byte[] chunk, string? range) => PatchAsync(Http, location, chunk, range);

    internal static Task<HttpResponseMessage> PatchAsync(HttpClient client, Uri location, byte[] chunk, string? range, bool chunked = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, location)
        {
            Content = chunked ? new StreamContent(new MemoryStream(chunk)) : Octets(chunk),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (range is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Range", range);
        }

        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        return client.SendAsync(request);
    }

    internal static ByteArrayContent Octets(byte[] content)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return body;
    }
}

/// <summary>A clock that moves only when told to.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
