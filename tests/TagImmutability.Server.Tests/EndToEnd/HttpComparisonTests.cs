using System.Net;
using System.Text;
using System.Text.Json;
using TagImmutability.Server.Tests.Distribution;
using Xunit.Abstractions;

namespace TagImmutability.Server.Tests.EndToEnd;

/// <summary>Our server (repositories created on push, MUTABLE, as the reference registry has no policy) and the reference registry.</summary>
public sealed class HttpComparisonFixture : IAsyncLifetime
{
    internal TestServer Ours { get; private set; } = null!;

    internal ReferenceRegistry Reference { get; private set; } = null!;

    internal HttpClient ReferenceHttp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Reference = await ReferenceRegistry.StartAsync();
        ReferenceHttp = new HttpClient { BaseAddress = Reference.BaseAddress };
        Ours = await TestServer.StartAsync(new RegistryServerOptions { CreateOnPush = true });
    }

    public async Task DisposeAsync()
    {
        ReferenceHttp?.Dispose();
        if (Ours is not null)
        {
            await Ours.DisposeAsync();
        }

        if (Reference is not null)
        {
            await Reference.DisposeAsync();
        }
    }
}

/// <summary>
/// Raw HTTP against both registries, request for request: the statuses, error codes and the content that comes back
/// agree. The rows where they differ on purpose are listed with the difference they must show, so that a change on
/// either side fails the test.
/// </summary>
public sealed class HttpComparisonTests(HttpComparisonFixture fixture, ITestOutputHelper output) : IClassFixture<HttpComparisonFixture>
{
    private const string Repository = "compare/app";

    [Fact]
    public async Task Statuses_error_codes_and_content_agree_request_for_request()
    {
        TestImage image = TestImage.Scratch("example-0001");
        TestImage other = TestImage.Scratch("example-0002");
        string missingDigest = TestImage.DigestOf("missing"u8.ToArray());
        var rows = new (string Name, Func<HttpClient, Task<Observation>> Probe)[]
        {
            ("GET /v2/", c => ObserveAsync(c.GetAsync("/v2/"))),
            ("push blob (POST, PUT ?digest=)", c => ObserveAsync(c.UploadBlobAsync(Repository, image.Layer), "Docker-Content-Digest")),
            ("push config blob", c => ObserveAsync(c.UploadBlobAsync(Repository, image.Config), "Docker-Content-Digest")),
            ("HEAD blob", c => ObserveAsync(Send(c, HttpMethod.Head, $"/v2/{Repository}/blobs/{image.LayerDigest}"), "Docker-Content-Digest", "Content-Length")),
            ("GET blob", c => ObserveAsync(c.GetAsync($"/v2/{Repository}/blobs/{image.LayerDigest}"), body: true, headers: "Docker-Content-Digest")),
            ("PUT manifest by tag", c => ObserveAsync(c.PutManifestAsync(Repository, "latest", image.Manifest, image.MediaType), "Docker-Content-Digest")),
            ("PUT the same manifest as other tags", c => ObserveAsync(PushTagsAsync(c, Repository, image, "a", "b", "c"))),
            ("HEAD manifest by tag", c => ObserveAsync(c.GetManifestAsync(Repository, "latest", HttpMethod.Head), "Docker-Content-Digest", "Content-Type", "Content-Length")),
            ("GET manifest by tag", c => ObserveAsync(c.GetManifestAsync(Repository, "latest"), body: true, headers: ["Docker-Content-Digest", "Content-Type"])),
            ("HEAD manifest by digest", c => ObserveAsync(c.GetManifestAsync(Repository, image.ManifestDigest, HttpMethod.Head), "Docker-Content-Digest", "Content-Type", "Content-Length")),
            ("GET manifest by digest", c => ObserveAsync(c.GetManifestAsync(Repository, image.ManifestDigest), body: true, headers: "Docker-Content-Digest")),
            ("GET unknown tag", c => ObserveAsync(c.GetManifestAsync(Repository, "nosuch"))),
            ("HEAD unknown tag", c => ObserveAsync(c.GetManifestAsync(Repository, "nosuch", HttpMethod.Head))),
            ("GET unknown manifest digest", c => ObserveAsync(c.GetManifestAsync(Repository, missingDigest))),
            ("GET unknown blob", c => ObserveAsync(c.GetAsync($"/v2/{Repository}/blobs/{missingDigest}"))),
            ("HEAD unknown blob", c => ObserveAsync(Send(c, HttpMethod.Head, $"/v2/{Repository}/blobs/{missingDigest}"))),
            ("GET Accept without the manifest's type", c => ObserveAsync(c.GetManifestAsync(Repository, "latest", accept: "application/vnd.docker.distribution.manifest.v2+json"))),
            ("tags/list of an unknown repository", c => ObserveAsync(c.GetAsync("/v2/compare/nosuch/tags/list"))),
            ("tags/list", c => ObserveTagsAsync(c.GetAsync($"/v2/{Repository}/tags/list"))),
            ("session PUT with a wrong digest", c => ObserveAsync(c.UploadBlobAsync(Repository, [1, 2, 3], missingDigest))),
            ("session PUT with a malformed digest", c => ObserveAsync(c.UploadBlobAsync(Repository, [1, 2, 3], "sha256:zz"))),
            ("chunked upload: POST, PATCH, PATCH, GET, PUT", c => ChunkedAsync(c, Encoding.UTF8.GetBytes(new string('x', 3000)))),
            ("mount from a repository that has the blob", c => ObserveAsync(c.PostAsync($"/v2/compare/mounted/blobs/uploads/?mount={image.LayerDigest}&from={Repository}", null), "Docker-Content-Digest")),
            ("mount a blob the source lacks", c => ObserveAsync(c.PostAsync($"/v2/compare/mounted/blobs/uploads/?mount={missingDigest}&from={Repository}", null))),
            ("PUT a manifest whose blobs are missing", c => ObserveAsync(c.PutManifestAsync(Repository, "missing", other.Manifest, other.MediaType))),
            ("PUT a manifest that is not JSON", c => ObserveAsync(c.PutManifestAsync(Repository, "broken", "{not json"u8.ToArray(), TestImage.OciManifest))),
            ("PUT a manifest by a digest that is not its own", c => ObserveAsync(c.PutManifestAsync(Repository, missingDigest, image.Manifest, image.MediaType))),
            ("DELETE a blob", c => ObserveAsync(c.DeleteAsync($"/v2/compare/mounted/blobs/{image.LayerDigest}"))),
            ("GET the deleted blob", c => ObserveAsync(c.GetAsync($"/v2/compare/mounted/blobs/{image.LayerDigest}"))),
            ("DELETE manifest by digest", c => ObserveAsync(c.DeleteAsync($"/v2/{Repository}/manifests/{image.ManifestDigest}"))),
            ("GET the deleted manifest by digest", c => ObserveAsync(c.GetManifestAsync(Repository, image.ManifestDigest))),
            ("GET a tag of the deleted manifest", c => ObserveAsync(c.GetManifestAsync(Repository, "latest"))),
            ("DELETE an unknown manifest digest", c => ObserveAsync(c.DeleteAsync($"/v2/{Repository}/manifests/{missingDigest}"))),
        };

        var disagreements = new List<string>();
        foreach ((string name, Func<HttpClient, Task<Observation>> probe) in rows)
        {
            Observation ours = await probe(fixture.Ours.Http);
            Observation reference = await probe(fixture.ReferenceHttp);
            output.WriteLine($"{name}: ours {ours} | reference {reference}");
            if (ours != reference)
            {
                disagreements.Add($"{name}: ours {ours}, reference {reference}");
            }
        }

        Assert.Empty(disagreements);
    }

    [Fact]
    public async Task The_deliberate_differences_are_exactly_these()
    {
        TestImage image = TestImage.Scratch("example-0005");
        foreach (HttpClient client in new[] { fixture.Ours.Http, fixture.ReferenceHttp })
        {
            (await client.PushAsync("compare/diff", image, "v1")).EnsureSuccessStatusCode();
            (await PushTagsAsync(client, "compare/diff", image, "v2", "v3")).EnsureSuccessStatusCode();
        }

        async Task<(Observation Ours, Observation Reference)> BothAsync(string name, Func<HttpClient, Task<Observation>> probe)
        {
            (Observation Ours, Observation Reference) seen = (await probe(fixture.Ours.Http), await probe(fixture.ReferenceHttp));
            output.WriteLine($"{name}: ours {seen.Ours} | reference {seen.Reference}");
            return seen;
        }

        // 1. A read in a repository that does not exist: ECR answers NAME_UNKNOWN (with its RepositoryNotFound message);
        //    the reference registry answers as for an unknown manifest or blob. Both 404.
        var manifest = await BothAsync("GET manifest of an unknown repository", c => ObserveAsync(c.GetManifestAsync("compare/nosuch", "latest")));
        Assert.Equal((new Observation(404, "NAME_UNKNOWN"), new Observation(404, "MANIFEST_UNKNOWN")), manifest);
        var blob = await BothAsync("GET blob of an unknown repository", c => ObserveAsync(c.GetAsync($"/v2/compare/nosuch/blobs/{image.LayerDigest}")));
        Assert.Equal((new Observation(404, "NAME_UNKNOWN"), new Observation(404, "BLOB_UNKNOWN")), blob);

        // 2. Pagination: the reference registry 2.8 ignores n and last; ours pages as distribution-spec v1.1 says.
        var page = await BothAsync("tags/list?n=2", c => ObserveTagsAsync(c.GetAsync("/v2/compare/diff/tags/list?n=2"), link: true));
        Assert.Equal((new Observation(200, string.Empty, "v1,v2 </v2/compare/diff/tags/list?n=2&last=v2>; rel=\"next\""), new Observation(200, string.Empty, "v1,v2,v3 ")), page);
        var next = await BothAsync("tags/list?n=2&last=v2", c => ObserveTagsAsync(c.GetAsync("/v2/compare/diff/tags/list?n=2&last=v2"), link: true));
        Assert.Equal((new Observation(200, string.Empty, "v3 "), new Observation(200, string.Empty, "v1,v2,v3 ")), next);

        // 3. A single-request monolithic upload (POST ?digest=): ours stores the blob (201), 2.8 opens a session (202);
        //    the spec allows both, and clients then PUT to the session.
        byte[] content = Encoding.UTF8.GetBytes("monolithic");
        var monolithic = await BothAsync("POST ?digest= with the blob", c => ObserveAsync(c.PostAsync($"/v2/compare/diff/blobs/uploads/?digest={TestImage.DigestOf(content)}", BlobEndpointTests.Octets(content))));
        Assert.Equal((new Observation(201, string.Empty), new Observation(202, string.Empty)), monolithic);

        // 4. DELETE by tag: ours removes the tag (202, as ECR's BatchDeleteImage by tag); 2.8 deletes by digest only (400).
        var untag = await BothAsync("DELETE manifest by tag", c => ObserveAsync(c.DeleteAsync("/v2/compare/diff/manifests/v3")));
        Assert.Equal((new Observation(202, string.Empty), new Observation(400, "DIGEST_INVALID")), untag);

        // 5. An upload session the registry never opened: both 404; ours says BLOB_UPLOAD_UNKNOWN, the spec's code for
        //    it; 2.8 first misses its signed _state parameter and says BLOB_UPLOAD_INVALID.
        var session = await BothAsync("GET an unknown upload session", c => ObserveAsync(c.GetAsync("/v2/compare/diff/blobs/uploads/2b4a7c1e-5d1f-4c57-9b7e-0f2a0c1b3d4e")));
        Assert.Equal((new Observation(404, "BLOB_UPLOAD_UNKNOWN"), new Observation(404, "BLOB_UPLOAD_INVALID")), session);

        // 6. The referrers API (distribution-spec v1.1) does not exist in 2.8.
        var referrers = await BothAsync("GET referrers", c => ObserveAsync(c.GetAsync($"/v2/compare/diff/referrers/{image.ManifestDigest}")));
        Assert.Equal(200, referrers.Ours.Status);
        Assert.Equal(404, referrers.Reference.Status);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path) => client.SendAsync(new HttpRequestMessage(method, path));

    private static async Task<HttpResponseMessage> PushTagsAsync(HttpClient client, string repository, TestImage image, params string[] tags)
    {
        HttpResponseMessage last = null!;
        foreach (string tag in tags)
        {
            last?.Dispose();
            last = await client.PutManifestAsync(repository, tag, image.Manifest, image.MediaType);
            if (!last.IsSuccessStatusCode)
            {
                return last;
            }
        }

        return last;
    }

    private static async Task<Observation> ChunkedAsync(HttpClient client, byte[] content)
    {
        var statuses = new List<string>();
        using HttpResponseMessage start = await client.PostAsync($"/v2/{Repository}/blobs/uploads/", null);
        statuses.Add(((int)start.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + start.Header("Range"));
        Uri location = start.Headers.Location!;
        using HttpResponseMessage first = await BlobEndpointTests.PatchAsync(client, location, content[..1000], "0-999");
        statuses.Add(((int)first.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + first.Header("Range"));
        using HttpResponseMessage second = await BlobEndpointTests.PatchAsync(client, first.Headers.Location!, content[1000..2000], "1000-1999");
        statuses.Add(((int)second.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + second.Header("Range"));
        using HttpResponseMessage status = await client.GetAsync(second.Headers.Location);
        statuses.Add(((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + status.Header("Range"));
        using HttpResponseMessage closed = await client.PutAsync(RegistryClient.AppendQuery(second.Headers.Location!, "digest=" + TestImage.DigestOf(content)), BlobEndpointTests.Octets(content[2000..]));
        statuses.Add(((int)closed.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + closed.Header("Docker-Content-Digest"));
        byte[] stored = await client.GetByteArrayAsync($"/v2/{Repository}/blobs/{TestImage.DigestOf(content)}");
        return new Observation((int)closed.StatusCode, string.Empty, string.Join(" | ", statuses) + (stored.AsSpan().SequenceEqual(content) ? " content ok" : " content differs"));
    }

    private static Task<Observation> ObserveAsync(Task<HttpResponseMessage> request, params string[] headers) => ObserveAsync(request, false, headers);

    private static async Task<Observation> ObserveAsync(Task<HttpResponseMessage> request, bool body, params string[] headers)
    {
        using HttpResponseMessage response = await request;
        string codes = (int)response.StatusCode >= 400 && response.Content.Headers.ContentType?.MediaType == "application/json"
            ? string.Join(",", await response.ErrorCodesAsync())
            : string.Empty;
        var extra = new StringBuilder();
        foreach (string header in headers)
        {
            extra.Append(header).Append('=').Append(header == "Content-Type" ? response.Content.Headers.ContentType?.MediaType : response.Header(header)).Append(' ');
        }

        if (body)
        {
            extra.Append("sha256(body)=").Append(TestImage.DigestOf(await response.Content.ReadAsByteArrayAsync()));
        }

        return new Observation((int)response.StatusCode, codes, extra.ToString().Trim());
    }

    // The reference registry 2.8 lists tags in storage order; the spec asks for lexical order. Compare the sets here.
    private static async Task<Observation> ObserveTagsAsync(Task<HttpResponseMessage> request, bool link = false)
    {
        using HttpResponseMessage response = await request;
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string[] tags = body.RootElement.GetProperty("tags").ValueKind == JsonValueKind.Array
            ? [.. body.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal)]
            : [];
        return new Observation((int)response.StatusCode, string.Empty, string.Join(",", tags) + (link ? " " + response.Header("Link") : string.Empty));
    }

    private sealed record Observation(int Status, string ErrorCodes, string Content = "")
    {
        public override string ToString() => $"{Status}{(ErrorCodes.Length == 0 ? string.Empty : " " + ErrorCodes)}{(Content.Length == 0 ? string.Empty : " " + Content)}";
    }
}
