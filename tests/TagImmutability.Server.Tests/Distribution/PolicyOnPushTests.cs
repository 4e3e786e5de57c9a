using System.Net;
using Microsoft.Extensions.Logging;

namespace TagImmutability.Server.Tests.Distribution;

/// <summary>
/// The policy on push, as ECR's registry endpoint applies it: an immutable tag never moves (HTTP 400, TAG_INVALID,
/// ECR's sentence), a mutable re-push succeeds, and a push to a missing repository answers NAME_UNKNOWN unless the
/// server creates repositories on push.
/// </summary>
public sealed class PolicyOnPushTests
{
    private const string EcrSentence = "The image tag 'latest' already exists in the 'immutable-repo' repository and cannot be overwritten because the tag is immutable.";
    private static readonly RepositoryName Immutable = RepositoryName.Parse("immutable-repo");

    [Fact]
    public async Task Moving_an_immutable_tag_answers_400_tag_invalid_with_ecrs_message_and_keeps_the_tag()
    {
        await using TestServer server = await TestServer.StartAsync();
        server.Create("immutable-repo", ImageTagMutability.Immutable);
        TestImage first = TestImage.Scratch("example-0001");
        TestImage rebuilt = TestImage.Scratch("example-0002");
        (await server.Http.PushAsync("immutable-repo", first, "latest")).EnsureSuccessStatusCode();

        using HttpResponseMessage refused = await server.Http.PushAsync("immutable-repo", rebuilt, "latest");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal([("TAG_INVALID", EcrSentence)], await refused.ErrorsAsync());
        Assert.True(server.Registry.TryResolveTag(Immutable, Tag.Parse("latest"), out Digest still));
        Assert.Equal(first.ManifestDigest, still.ToString());
        Assert.False(server.Registry.TryGetImage(Immutable, Digest.Parse(rebuilt.ManifestDigest), out _));
    }

    [Fact]
    public async Task The_refusal_is_logged_with_repository_tag_both_digests_and_the_rule()
    {
        await using TestServer server = await TestServer.StartAsync();
        server.Create("immutable-repo", ImageTagMutability.Immutable);
        TestImage first = TestImage.Scratch("example-0001");
        TestImage rebuilt = TestImage.Scratch("example-0002");
        (await server.Http.PushAsync("immutable-repo", first, "latest")).EnsureSuccessStatusCode();
        (await server.Http.PushAsync("immutable-repo", rebuilt, "latest")).Dispose();

        LogEntry entry = Assert.Single(server.Logs.Entries, e => e.EventName == "ImmutableTagRefused");
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal("immutable-repo", entry.Values["Repository"]);
        Assert.Equal("latest", entry.Values["Tag"]);
        Assert.Equal(first.ManifestDigest, entry.Values["ExistingDigest"]);
        Assert.Equal(rebuilt.ManifestDigest, entry.Values["AttemptedDigest"]);
        Assert.Equal("IMMUTABLE", entry.Values["Rule"]);
    }

    [Fact]
    public async Task Re_pushing_the_same_image_to_an_immutable_tag_is_refused_too()
    {
        // Decision Q1: ECR refuses an immutable tag even when the digest does not change (kaniko re-pushes fail).
        await using TestServer server = await TestServer.StartAsync();
        server.Create("immutable-repo", ImageTagMutability.Immutable);
        TestImage image = TestImage.Scratch("example-0001");
        (await server.Http.PushAsync("immutable-repo", image, "latest")).EnsureSuccessStatusCode();
        using HttpResponseMessage again = await server.Http.PushAsync("immutable-repo", image, "latest");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(["TAG_INVALID"], await again.ErrorCodesAsync());
    }

    [Fact]
    public async Task Re_pushing_the_same_image_to_a_mutable_tag_succeeds_as_through_ecrs_proxy()
    {
        // The registry answers ImageAlreadyExistsException; ECR's push proxy turns it into success.
        await using TestServer server = await TestServer.StartAsync();
        server.Create("mutable-repo");
        TestImage image = TestImage.Scratch("example-0001");
        (await server.Http.PushAsync("mutable-repo", image, "latest")).EnsureSuccessStatusCode();
        using HttpResponseMessage again = await server.Http.PushAsync("mutable-repo", image, "latest");
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(image.ManifestDigest, again.Header("Docker-Content-Digest"));
        using HttpResponseMessage byDigest = await server.Http.PushAsync("mutable-repo", image, image.ManifestDigest);
        Assert.Equal(HttpStatusCode.Created, byDigest.StatusCode);
    }

    [Fact]
    public async Task A_mutable_tag_moves_and_leaves_the_old_image_untagged()
    {
        await using TestServer server = await TestServer.StartAsync();
        server.Create("mutable-repo");
        TestImage first = TestImage.Scratch("example-0001");
        TestImage rebuilt = TestImage.Scratch("example-0002");
        (await server.Http.PushAsync("mutable-repo", first, "latest")).EnsureSuccessStatusCode();
        (await server.Http.PushAsync("mutable-repo", rebuilt, "latest")).EnsureSuccessStatusCode();
        using HttpResponseMessage latest = await server.Http.GetManifestAsync("mutable-repo", "latest");
        Assert.Equal(rebuilt.ManifestDigest, latest.Header("Docker-Content-Digest"));
        using HttpResponseMessage old = await server.Http.GetManifestAsync("mutable-repo", first.ManifestDigest);
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
    }

    [Fact]
    public async Task Exclusion_filters_let_matching_tags_move_and_keep_the_others_locked()
    {
        await using TestServer server = await TestServer.StartAsync();
        server.Create("app", ImageTagMutability.ImmutableWithExclusion, "latest");
        TestImage first = TestImage.Scratch("example-0001");
        TestImage rebuilt = TestImage.Scratch("example-0002");
        (await server.Http.PushAsync("app", first, "latest")).EnsureSuccessStatusCode();
        (await server.Http.PushAsync("app", first, "v1.0.0")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await server.Http.PushAsync("app", rebuilt, "latest")).StatusCode);
        using HttpResponseMessage locked = await server.Http.PushAsync("app", rebuilt, "v1.0.0");
        Assert.Equal(HttpStatusCode.BadRequest, locked.StatusCode);
        Assert.Equal(
            [("TAG_INVALID", "The image tag 'v1.0.0' already exists in the 'app' repository and cannot be overwritten because the tag is immutable.")],
            await locked.ErrorsAsync());
        LogEntry entry = Assert.Single(server.Logs.Entries, e => e.EventName == "ImmutableTagRefused");
        Assert.Equal("IMMUTABLE_WITH_EXCLUSION", entry.Values["Rule"]);
    }

    [Fact]
    public async Task Several_tags_in_one_push_are_refused_together_when_one_is_immutable()
    {
        await using TestServer server = await TestServer.StartAsync();
        server.Create("immutable-repo", ImageTagMutability.Immutable);
        TestImage first = TestImage.Scratch("example-0001");
        TestImage rebuilt = TestImage.Scratch("example-0002");
        (await server.Http.PushAsync("immutable-repo", first, "latest")).EnsureSuccessStatusCode();
        (await server.Http.PushAsync("immutable-repo", rebuilt, rebuilt.ManifestDigest)).EnsureSuccessStatusCode();
        var body = new ByteArrayContent(rebuilt.Manifest);
        body.Headers.ContentType = new(rebuilt.MediaType);
        using HttpResponseMessage refused = await server.Http.PutAsync($"/v2/immutable-repo/manifests/{rebuilt.ManifestDigest}?tag=v2&tag=latest", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal([("TAG_INVALID", EcrSentence)], await refused.ErrorsAsync());
        Assert.False(server.Registry.TryResolveTag(Immutable, Tag.Parse("v2"), out _));
    }

    [Fact]
    public async Task A_push_to_a_missing_repository_answers_name_unknown_with_ecrs_message_and_is_logged()
    {
        await using TestServer server = await TestServer.StartAsync();
        TestImage image = TestImage.Scratch("example-0001");
        using HttpResponseMessage upload = await server.Http.UploadBlobAsync("missing-repo", image.Layer);
        using HttpResponseMessage manifest = await server.Http.PutManifestAsync("missing-repo", "latest", image.Manifest, image.MediaType);
        string expected = "The repository with name 'missing-repo' does not exist in the registry with id '123456789012'";
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (upload.StatusCode, manifest.StatusCode));
        Assert.Equal([("NAME_UNKNOWN", expected)], await upload.ErrorsAsync());
        Assert.Equal([("NAME_UNKNOWN", expected)], await manifest.ErrorsAsync());
        Assert.Equal(2, server.Logs.Entries.Count(e => e.EventName == "WriteRefused" && e.Values["Code"] == "NAME_UNKNOWN" && e.Values["Repository"] == "missing-repo"));
        Assert.Empty(server.Registry.DescribeRepositories());
    }

    [Fact]
    public async Task Create_on_push_creates_the_repository_with_the_configured_policy()
    {
        await using TestServer server = await TestServer.StartAsync(new RegistryServerOptions
        {
            CreateOnPush = true,
            CreateOnPushPolicy = TagMutabilityPolicy.Immutable,
        });
        TestImage first = TestImage.Scratch("example-0001");
        (await server.Http.PushAsync("team/new", first, "latest")).EnsureSuccessStatusCode();
        Assert.Equal(ImageTagMutability.Immutable, server.Registry.GetRepository(RepositoryName.Parse("team/new")).Policy.Mode);
        using HttpResponseMessage refused = await server.Http.PushAsync("team/new", TestImage.Scratch("example-0002"), "latest");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(server.Logs.Entries, e => e.EventName == "RepositoryCreatedOnPush" && e.Values["Mode"] == "IMMUTABLE");
    }

    [Theory]
    [InlineData(RegistryErrorDialect.Oci, 403, "DENIED")]
    [InlineData(RegistryErrorDialect.Harbor, 412, "PRECONDITION")]
    [InlineData(RegistryErrorDialect.Quay, 409, "TAG_IMMUTABLE")]
    [InlineData(RegistryErrorDialect.GitLab, 401, "DENIED")]
    [InlineData(RegistryErrorDialect.Zot, 403, "DENIED")]
    [InlineData(RegistryErrorDialect.EcrDistribution, 400, "TAG_INVALID")]
    public async Task The_refusal_speaks_the_configured_error_profile(RegistryErrorDialect dialect, int status, string code)
    {
        await using TestServer server = await TestServer.StartAsync(new RegistryServerOptions { ErrorDialect = dialect });
        server.Create("immutable-repo", ImageTagMutability.Immutable);
        TestImage first = TestImage.Scratch("example-0001");
        TestImage rebuilt = TestImage.Scratch("example-0002");
        (await server.Http.PushAsync("immutable-repo", first, "latest")).EnsureSuccessStatusCode();
        using HttpResponseMessage refused = await server.Http.PushAsync("immutable-repo", rebuilt, "latest");
        Assert.Equal(status, (int)refused.StatusCode);
        (string Code, string Message) error = Assert.Single(await refused.ErrorsAsync());
        Assert.Equal(code, error.Code);
        RegistryError expected = ImmutabilityPolicy.Ecr(TagMutabilityPolicy.Immutable)
            .DecidePush("immutable-repo", Tag.Parse("latest"), new TagBinding(Tag.Parse("latest"), Digest.Parse(first.ManifestDigest)), Digest.Parse(rebuilt.ManifestDigest))
            .ToRegistryError(dialect);
        Assert.Equal(expected.Message, error.Message);
    }
}
