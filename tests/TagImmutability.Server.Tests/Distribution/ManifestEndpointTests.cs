using System.Net;
using System.Text;

namespace TagImmutability.Server.Tests.Distribution;

public sealed class ManifestEndpointTests : IAsyncLifetime
{
    private TestServer _server = null!;

    private HttpClient Http => _server.Http;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _server.Create("team/app");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_base_endpoint_answers_200_with_the_api_version_header()
    {
        using HttpResponseMessage response = await Http.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", response.Header("Docker-Distribution-API-Version"));
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_pushed_manifest_reads_back_byte_for_byte_by_tag_and_by_digest()
    {
        TestImage image = TestImage.Scratch("example-0001");
        using HttpResponseMessage pushed = await Http.PushAsync("team/app", image, "latest");
        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        Assert.Equal(image.ManifestDigest, pushed.Header("Docker-Content-Digest"));
        Assert.Equal($"/v2/team/app/manifests/{image.ManifestDigest}", pushed.Headers.Location!.OriginalString);

        foreach (string reference in new[] { "latest", image.ManifestDigest })
        {
            using HttpResponseMessage got = await Http.GetManifestAsync("team/app", reference);
            Assert.Equal(HttpStatusCode.OK, got.StatusCode);
            Assert.Equal(image.Manifest, await got.Content.ReadAsByteArrayAsync());
            Assert.Equal(TestImage.OciManifest, got.Content.Headers.ContentType!.MediaType);
            Assert.Equal(image.ManifestDigest, got.Header("Docker-Content-Digest"));
            Assert.Equal($"\"{image.ManifestDigest}\"", got.Headers.ETag!.Tag);
        }
    }

    [Fact]
    public async Task Head_answers_the_headers_of_get_without_a_body()
    {
        TestImage image = TestImage.Scratch("example-0001");
        (await Http.PushAsync("team/app", image, "latest")).EnsureSuccessStatusCode();
        using HttpResponseMessage head = await Http.GetManifestAsync("team/app", "latest", HttpMethod.Head);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(image.Manifest.Length, head.Content.Headers.ContentLength);
        Assert.Equal(image.ManifestDigest, head.Header("Docker-Content-Digest"));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("application/vnd.docker.distribution.manifest.v2+json", HttpStatusCode.NotFound)]
    [InlineData("application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json;q=0.5", HttpStatusCode.OK)]
    [InlineData("*/*", HttpStatusCode.OK)]
    [InlineData("", HttpStatusCode.OK)]
    public async Task Content_negotiation_returns_the_manifest_as_pushed_or_answers_manifest_unknown(string accept, HttpStatusCode expected)
    {
        (await Http.PushAsync("team/app", TestImage.Scratch("example-0001"), "latest")).EnsureSuccessStatusCode();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/team/app/manifests/latest");
        if (accept.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using HttpResponseMessage response = await Http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.NotFound)
        {
            Assert.Equal(["MANIFEST_UNKNOWN"], await response.ErrorCodesAsync());
        }
    }

    [Fact]
    public async Task Unknown_tags_and_digests_answer_manifest_unknown()
    {
        using HttpResponseMessage tag = await Http.GetManifestAsync("team/app", "nosuch");
        using HttpResponseMessage digest = await Http.GetManifestAsync("team/app", TestImage.DigestOf("x"u8.ToArray()));
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (tag.StatusCode, digest.StatusCode));
        Assert.Equal(["MANIFEST_UNKNOWN"], await tag.ErrorCodesAsync());
        Assert.Equal(["MANIFEST_UNKNOWN"], await digest.ErrorCodesAsync());
    }

    [Fact]
    public async Task A_repository_that_does_not_exist_answers_name_unknown_with_ecr_message()
    {
        using HttpResponseMessage response = await Http.GetManifestAsync("nosuch/repo", "latest");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(
            [("NAME_UNKNOWN", "The repository with name 'nosuch/repo' does not exist in the registry with id '123456789012'")],
            await response.ErrorsAsync());
    }

    [Theory]
    [InlineData("/v2/Team/App/manifests/latest")]
    [InlineData("/v2/a/manifests/latest")]
    [InlineData("/v2/a..b/manifests/latest")]
    [InlineData("/v2/app%2F..%2Fetc/manifests/latest")]
    public async Task Names_outside_the_grammar_answer_name_invalid_before_any_lookup(string path)
    {
        using HttpResponseMessage get = await Http.GetAsync(path);
        using HttpResponseMessage put = await Http.PutAsync(path, new ByteArrayContent(TestImage.Scratch("x").Manifest));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (get.StatusCode, put.StatusCode));
        Assert.Equal(["NAME_INVALID"], await get.ErrorCodesAsync());
        Assert.Equal(["NAME_INVALID"], await put.ErrorCodesAsync());
    }

    [Fact]
    public async Task A_tag_outside_the_grammar_is_refused_with_tag_invalid()
    {
        TestImage image = TestImage.Scratch("example-0001");
        (await Http.UploadBlobAsync("team/app", image.Layer)).EnsureSuccessStatusCode();
        (await Http.UploadBlobAsync("team/app", image.Config)).EnsureSuccessStatusCode();
        using HttpResponseMessage response = await Http.PutManifestAsync("team/app", "bad!tag", image.Manifest, image.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["TAG_INVALID"], await response.ErrorCodesAsync());
    }

    [Fact]
    public async Task A_push_by_digest_with_tag_parameters_binds_each_tag_and_names_them_in_OCI_Tag()
    {
        TestImage image = TestImage.Scratch("example-0001");
        (await Http.PushAsync("team/app", image, image.ManifestDigest)).EnsureSuccessStatusCode();
        var body = new ByteArrayContent(image.Manifest);
        body.Headers.ContentType = new(image.MediaType);
        using HttpResponseMessage response = await Http.PutAsync($"/v2/team/app/manifests/{image.ManifestDigest}?tag=v1&tag=stable", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["v1", "stable"], response.Headers.GetValues("OCI-Tag").SelectMany(v => v.Split(',')).Select(v => v.Trim()));
        Assert.True(_server.Registry.TryResolveTag(RepositoryName.Parse("team/app"), Tag.Parse("v1"), out Digest v1));
        Assert.True(_server.Registry.TryResolveTag(RepositoryName.Parse("team/app"), Tag.Parse("stable"), out Digest stable));
        Assert.Equal((image.ManifestDigest, image.ManifestDigest), (v1.ToString(), stable.ToString()));
    }

    [Fact]
    public async Task A_push_by_digest_that_is_not_the_manifests_answers_digest_invalid()
    {
        TestImage image = TestImage.Scratch("example-0001");
        using HttpResponseMessage response = await Http.PushAsync("team/app", image, TestImage.DigestOf("other"u8.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await response.ErrorCodesAsync());
        Assert.Empty(_server.Registry.ListImages(RepositoryName.Parse("team/app")));
    }

    [Fact]
    public async Task A_manifest_over_4_MiB_is_refused_with_413_and_nothing_is_stored()
    {
        TestImage image = TestImage.Scratch("example-0001");
        (await Http.UploadBlobAsync("team/app", image.Layer)).EnsureSuccessStatusCode();
        (await Http.UploadBlobAsync("team/app", image.Config)).EnsureSuccessStatusCode();
        string manifest = Encoding.UTF8.GetString(image.Manifest);
        byte[] huge = Encoding.UTF8.GetBytes(manifest[..^1] + ",\"annotations\":{\"pad\":\"" + new string('x', 4 * 1024 * 1024) + "\"}}");
        using HttpResponseMessage response = await Http.PutManifestAsync("team/app", "huge", huge, image.MediaType);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(["MANIFEST_INVALID"], await response.ErrorCodesAsync());
        Assert.Empty(_server.Registry.ListImages(RepositoryName.Parse("team/app")));
    }

    [Fact]
    public async Task A_manifest_exactly_at_4_MiB_is_accepted()
    {
        TestImage image = TestImage.Scratch("example-0001");
        (await Http.UploadBlobAsync("team/app", image.Layer)).EnsureSuccessStatusCode();
        (await Http.UploadBlobAsync("team/app", image.Config)).EnsureSuccessStatusCode();
        string head = Encoding.UTF8.GetString(image.Manifest)[..^1] + ",\"annotations\":{\"pad\":\"";
        const string Tail = "\"}}";
        byte[] exact = Encoding.UTF8.GetBytes(head + new string('x', (4 * 1024 * 1024) - head.Length - Tail.Length) + Tail);
        Assert.Equal(4 * 1024 * 1024, exact.Length);
        using HttpResponseMessage response = await Http.PutManifestAsync("team/app", "exact", exact, image.MediaType);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_manifest_that_is_not_json_answers_manifest_invalid()
    {
        using HttpResponseMessage response = await Http.PutManifestAsync("team/app", "bad", "{not json"u8.ToArray(), TestImage.OciManifest);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["MANIFEST_INVALID"], await response.ErrorCodesAsync());
    }

    [Fact]
    public async Task A_manifest_whose_blobs_were_not_pushed_names_each_missing_blob()
    {
        TestImage image = TestImage.Scratch("example-0001");
        using HttpResponseMessage response = await Http.PutManifestAsync("team/app", "latest", image.Manifest, image.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["MANIFEST_BLOB_UNKNOWN", "MANIFEST_BLOB_UNKNOWN"], await response.ErrorCodesAsync());
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains(image.ConfigDigest, body, StringComparison.Ordinal);
        Assert.Contains(image.LayerDigest, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blobs_pushed_to_another_repository_do_not_count()
    {
        _server.Create("team/other");
        TestImage image = TestImage.Scratch("example-0001");
        (await Http.UploadBlobAsync("team/other", image.Layer)).EnsureSuccessStatusCode();
        (await Http.UploadBlobAsync("team/other", image.Config)).EnsureSuccessStatusCode();
        using HttpResponseMessage response = await Http.PutManifestAsync("team/app", "latest", image.Manifest, image.MediaType);
        Assert.Equal(["MANIFEST_BLOB_UNKNOWN", "MANIFEST_BLOB_UNKNOWN"], await response.ErrorCodesAsync());
    }

    [Fact]
    public async Task A_multi_platform_index_pushes_with_its_children_by_digest()
    {
        TestImage amd64 = TestImage.Scratch("example-0001", "amd64");
        TestImage arm64 = TestImage.Scratch("example-0001", "arm64");
        byte[] index = TestImage.Index(amd64, arm64);
        using HttpResponseMessage early = await Http.PutManifestAsync("team/app", "multi", index, TestImage.OciIndex);
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        Assert.Equal(["MANIFEST_BLOB_UNKNOWN", "MANIFEST_BLOB_UNKNOWN"], await early.ErrorCodesAsync());

        (await Http.PushAsync("team/app", amd64, amd64.ManifestDigest)).EnsureSuccessStatusCode();
        (await Http.PushAsync("team/app", arm64, arm64.ManifestDigest)).EnsureSuccessStatusCode();
        using HttpResponseMessage pushed = await Http.PutManifestAsync("team/app", "multi", index, TestImage.OciIndex);
        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        using HttpResponseMessage got = await Http.GetManifestAsync("team/app", "multi");
        Assert.Equal(TestImage.OciIndex, got.Content.Headers.ContentType!.MediaType);
        Assert.Equal(index, await got.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_manifest_with_a_subject_answers_OCI_Subject()
    {
        TestImage image = TestImage.Scratch("example-0001");
        (await Http.PushAsync("team/app", image, "latest")).EnsureSuccessStatusCode();
        TestImage signature = TestImage.Referrer(image, "application/vnd.example.signature", "s1");
        (await Http.UploadBlobAsync("team/app", signature.Config)).EnsureSuccessStatusCode();
        using HttpResponseMessage response = await Http.PutManifestAsync("team/app", signature.ManifestDigest, signature.Manifest, signature.MediaType);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(image.ManifestDigest, response.Header("OCI-Subject"));
    }

    [Fact]
    public async Task Delete_by_digest_removes_the_image_and_by_tag_only_the_tag()
    {
        TestImage first = TestImage.Scratch("example-0001");
        TestImage second = TestImage.Scratch("example-0002");
        (await Http.PushAsync("team/app", first, "v1")).EnsureSuccessStatusCode();
        (await Http.PushAsync("team/app", first, "stable")).EnsureSuccessStatusCode();
        (await Http.PushAsync("team/app", second, "v2")).EnsureSuccessStatusCode();

        using HttpResponseMessage untag = await Http.DeleteAsync("/v2/team/app/manifests/v1");
        Assert.Equal(HttpStatusCode.Accepted, untag.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetManifestAsync("team/app", "v1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetManifestAsync("team/app", "stable")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetManifestAsync("team/app", first.ManifestDigest)).StatusCode);

        // As ECR's BatchDeleteImage by tag: removing an image's last tag deletes the image.
        Assert.Equal(HttpStatusCode.Accepted, (await Http.DeleteAsync("/v2/team/app/manifests/stable")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetManifestAsync("team/app", first.ManifestDigest)).StatusCode);

        using HttpResponseMessage delete = await Http.DeleteAsync($"/v2/team/app/manifests/{second.ManifestDigest}");
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetManifestAsync("team/app", second.ManifestDigest)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetManifestAsync("team/app", "v2")).StatusCode);

        using HttpResponseMessage again = await Http.DeleteAsync($"/v2/team/app/manifests/{second.ManifestDigest}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(["MANIFEST_UNKNOWN"], await again.ErrorCodesAsync());
    }

    [Fact]
    public async Task A_child_of_an_index_cannot_be_deleted_before_the_index()
    {
        TestImage amd64 = TestImage.Scratch("example-0001", "amd64");
        (await Http.PushAsync("team/app", amd64, amd64.ManifestDigest)).EnsureSuccessStatusCode();
        (await Http.PutManifestAsync("team/app", "multi", TestImage.Index(amd64), TestImage.OciIndex)).EnsureSuccessStatusCode();
        using HttpResponseMessage response = await Http.DeleteAsync($"/v2/team/app/manifests/{amd64.ManifestDigest}");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(["DENIED"], await response.ErrorCodesAsync());
        Assert.Equal(HttpStatusCode.OK, (await Http.GetManifestAsync("team/app", amd64.ManifestDigest)).StatusCode);
    }

    [Fact]
    public async Task Methods_an_endpoint_does_not_serve_answer_405_with_allow()
    {
        using HttpResponseMessage response = await Http.PostAsync("/v2/team/app/manifests/latest", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["UNSUPPORTED"], await response.ErrorCodesAsync());
        Assert.Contains("PUT", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task A_path_that_names_no_endpoint_answers_404()
    {
        using HttpResponseMessage response = await Http.GetAsync("/v2/team/app/other/thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(["UNSUPPORTED"], await response.ErrorCodesAsync());
    }
}
