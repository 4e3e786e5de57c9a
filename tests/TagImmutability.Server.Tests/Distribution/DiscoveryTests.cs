using System.Net;
using System.Text.Json;

namespace TagImmutability.Server.Tests.Distribution;

/// <summary>The tags list (end-8a, end-8b) and the referrers API (distribution spec v1.1).</summary>
public sealed class DiscoveryTests : IAsyncLifetime
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
    public async Task Tags_are_listed_in_lexical_order_ignoring_case()
    {
        TestImage image = TestImage.Scratch("example-0001");
        foreach (string tag in new[] { "b", "B2", "a", "latest", "A1", "1.0" })
        {
            (await Http.PushAsync("team/app", image, tag)).EnsureSuccessStatusCode();
        }

        (string Name, string[] Tags, string Link) page = await ListAsync("/v2/team/app/tags/list");
        Assert.Equal("team/app", page.Name);
        Assert.Equal(["1.0", "a", "A1", "b", "B2", "latest"], page.Tags);
        Assert.Equal(string.Empty, page.Link);
    }

    [Fact]
    public async Task N_and_last_page_through_the_list_with_a_link_to_the_next_page()
    {
        TestImage image = TestImage.Scratch("example-0001");
        foreach (string tag in new[] { "d", "c", "b", "a", "e" })
        {
            (await Http.PushAsync("team/app", image, tag)).EnsureSuccessStatusCode();
        }

        var first = await ListAsync("/v2/team/app/tags/list?n=2");
        Assert.Equal(["a", "b"], first.Tags);
        Assert.Equal("</v2/team/app/tags/list?n=2&last=b>; rel=\"next\"", first.Link);
        var second = await ListAsync("/v2/team/app/tags/list?n=2&last=b");
        Assert.Equal(["c", "d"], second.Tags);
        var last = await ListAsync("/v2/team/app/tags/list?n=2&last=d");
        Assert.Equal(["e"], last.Tags);
        Assert.Equal(string.Empty, last.Link);
        Assert.Equal(["c", "d", "e"], (await ListAsync("/v2/team/app/tags/list?last=bb")).Tags);
        var none = await ListAsync("/v2/team/app/tags/list?n=0");
        Assert.Empty(none.Tags);
        Assert.Equal(string.Empty, none.Link);
    }

    [Fact]
    public async Task A_repository_without_tags_lists_none_and_a_missing_one_answers_name_unknown()
    {
        Assert.Empty((await ListAsync("/v2/team/app/tags/list")).Tags);
        using HttpResponseMessage missing = await Http.GetAsync("/v2/nosuch/tags/list");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(["NAME_UNKNOWN"], await missing.ErrorCodesAsync());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("two")]
    public async Task A_malformed_n_is_refused(string n)
    {
        using HttpResponseMessage response = await Http.GetAsync($"/v2/team/app/tags/list?n={n}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Referrers_lists_the_manifests_whose_subject_is_the_digest_with_artifact_type_and_annotations()
    {
        TestImage image = TestImage.Scratch("example-0001");
        (await Http.PushAsync("team/app", image, "latest")).EnsureSuccessStatusCode();
        TestImage signature = TestImage.Referrer(image, "application/vnd.example.signature", "sig");
        TestImage sbom = TestImage.Referrer(image, "application/vnd.example.sbom", "sbom");
        (await Http.UploadBlobAsync("team/app", signature.Config)).EnsureSuccessStatusCode();
        (await Http.PutManifestAsync("team/app", signature.ManifestDigest, signature.Manifest, signature.MediaType)).EnsureSuccessStatusCode();
        (await Http.PutManifestAsync("team/app", sbom.ManifestDigest, sbom.Manifest, sbom.MediaType)).EnsureSuccessStatusCode();

        using HttpResponseMessage all = await Http.GetAsync($"/v2/team/app/referrers/{image.ManifestDigest}");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal(TestImage.OciIndex, all.Content.Headers.ContentType!.MediaType);
        using JsonDocument index = JsonDocument.Parse(await all.Content.ReadAsStringAsync());
        JsonElement[] manifests = [.. index.RootElement.GetProperty("manifests").EnumerateArray()];
        Assert.Equal(
            new[] { signature.ManifestDigest, sbom.ManifestDigest }.Order(StringComparer.Ordinal),
            manifests.Select(m => m.GetProperty("digest").GetString()!).Order(StringComparer.Ordinal));
        JsonElement signatureEntry = manifests.Single(m => m.GetProperty("digest").GetString() == signature.ManifestDigest);
        Assert.Equal("application/vnd.example.signature", signatureEntry.GetProperty("artifactType").GetString());
        Assert.Equal(signature.Manifest.Length, signatureEntry.GetProperty("size").GetInt32());
        Assert.Equal("sig", signatureEntry.GetProperty("annotations").GetProperty("org.example.note").GetString());

        using HttpResponseMessage filtered = await Http.GetAsync($"/v2/team/app/referrers/{image.ManifestDigest}?artifactType=application/vnd.example.sbom");
        using JsonDocument one = JsonDocument.Parse(await filtered.Content.ReadAsStringAsync());
        Assert.Equal(sbom.ManifestDigest, Assert.Single(one.RootElement.GetProperty("manifests").EnumerateArray()).GetProperty("digest").GetString());
        Assert.Equal("artifactType", filtered.Header("OCI-Filters-Applied"));
    }

    [Theory]
    [InlineData("team/app")]
    [InlineData("nosuch")]
    public async Task Referrers_of_a_digest_nothing_refers_to_is_an_empty_index(string repository)
    {
        using HttpResponseMessage response = await Http.GetAsync($"/v2/{repository}/referrers/{TestImage.DigestOf([1])}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument index = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Empty(index.RootElement.GetProperty("manifests").EnumerateArray());
    }

    [Fact]
    public async Task Referrers_of_a_malformed_digest_answers_400()
    {
        using HttpResponseMessage response = await Http.GetAsync("/v2/team/app/referrers/sha256:nothex");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["DIGEST_INVALID"], await response.ErrorCodesAsync());
    }

    private async Task<(string Name, string[] Tags, string Link)> ListAsync(string path)
    {
        using HttpResponseMessage response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("name").GetString()!,
            [.. body.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)],
            response.Header("Link"));
    }
}
