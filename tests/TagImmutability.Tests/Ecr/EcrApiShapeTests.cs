using System.Text;
using System.Text.Json;
using TagImmutability.Tests.Registries;
using TestManifests = TagImmutability.Tests.Registries.Manifests;

namespace TagImmutability.Tests.Ecr;

/// <summary>
/// The JSON each operation answers with: member names and order as in the ECR API model, omitted optional members,
/// epoch-seconds timestamps, exact manifest bytes, and failures per image id.
/// </summary>
public sealed class EcrApiShapeTests : EcrHarness
{
    private static readonly string Docker = "application/vnd.docker.distribution.manifest.v2+json";

    // --- repositories ---------------------------------------------------------------------------------------------

    [Fact]
    public void CreateRepository_answers_the_Repository_shape_with_MUTABLE_by_default_and_createdAt_in_epoch_seconds()
    {
        JsonElement body = Ok("CreateRepository", """{"repositoryName":"team/app"}""");
        Assert.Equal(["repository"], Names(body));
        JsonElement repository = body.GetProperty("repository");
        Assert.Equal(["repositoryArn", "registryId", "repositoryName", "repositoryUri", "createdAt", "imageTagMutability"], Names(repository));
        Assert.Equal("arn:aws:ecr:ap-northeast-1:123456789012:repository/team/app", repository.GetProperty("repositoryArn").GetString());
        Assert.Equal("123456789012", repository.GetProperty("registryId").GetString());
        Assert.Equal("team/app", repository.GetProperty("repositoryName").GetString());
        Assert.Equal("123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/team/app", repository.GetProperty("repositoryUri").GetString());
        Assert.Equal(JsonValueKind.Number, repository.GetProperty("createdAt").ValueKind);
        Assert.Equal(EpochSeconds(Clock.Now), repository.GetProperty("createdAt").GetInt64());
        Assert.Equal("MUTABLE", repository.GetProperty("imageTagMutability").GetString());
    }

    [Fact]
    public void Timestamps_carry_milliseconds_as_a_fraction_of_a_second()
    {
        Clock.Now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, 250, TimeSpan.Zero);
        string text = Call("CreateRepository", """{"repositoryName":"app"}""").ToString();
        Assert.Contains("\"createdAt\":1767225600.25,", text, StringComparison.Ordinal);
        Clock.Now = new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero);
        text = Call("CreateRepository", """{"repositoryName":"app2"}""").ToString();
        Assert.Contains("\"createdAt\":1767225601,", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_with_filters_is_echoed_as_WILDCARD_filters_in_request_order()
    {
        JsonElement repository = Ok("CreateRepository", """
            {"repositoryName":"app","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION",
             "imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"latest"},{"filterType":"WILDCARD","filter":"dev-*"}]}
            """).GetProperty("repository");
        Assert.Equal("IMMUTABLE_WITH_EXCLUSION", repository.GetProperty("imageTagMutability").GetString());
        Assert.Equal(
            """[{"filterType":"WILDCARD","filter":"latest"},{"filterType":"WILDCARD","filter":"dev-*"}]""",
            repository.GetProperty("imageTagMutabilityExclusionFilters").GetRawText());
    }

    [Fact]
    public void DescribeRepositories_lists_all_in_name_order_or_the_named_ones_in_request_order()
    {
        CreateRepository("zeta");
        CreateRepository("alpha", "IMMUTABLE");
        JsonElement all = Ok("DescribeRepositories", "{}");
        Assert.Equal(["repositories"], Names(all));
        Assert.Equal(["alpha", "zeta"], all.GetProperty("repositories").EnumerateArray().Select(r => r.GetProperty("repositoryName").GetString()));
        JsonElement named = Ok("DescribeRepositories", """{"repositoryNames":["zeta","alpha"]}""");
        Assert.Equal(["MUTABLE", "IMMUTABLE"], named.GetProperty("repositories").EnumerateArray().Select(r => r.GetProperty("imageTagMutability").GetString()));
        Assert.Equal(
            "The repository with name 'nope' does not exist in the registry with id '123456789012'",
            Fail("DescribeRepositories", """{"repositoryNames":["alpha","nope"]}""", "RepositoryNotFoundException"));
    }

    [Fact]
    public void DeleteRepository_answers_the_deleted_repository_and_needs_force_when_images_remain()
    {
        CreateRepository("app", "IMMUTABLE");
        PutOk("app", TestManifests.Image("x", 5), "v1");
        Assert.Equal(
            "The repository with name 'app' in registry with id '123456789012' cannot be deleted because it still contains images",
            Fail("DeleteRepository", """{"repositoryName":"app"}""", "RepositoryNotEmptyException"));
        JsonElement deleted = Ok("DeleteRepository", """{"repositoryName":"app","force":true}""");
        Assert.Equal("IMMUTABLE", deleted.GetProperty("repository").GetProperty("imageTagMutability").GetString());
        Assert.Empty(Registry.DescribeRepositories());
    }

    [Fact]
    public void PutImageTagMutability_answers_registryId_repositoryName_mode_and_filters_only_when_set()
    {
        CreateRepository("app");
        JsonElement body = Ok("PutImageTagMutability", """
            {"repositoryName":"app","imageTagMutability":"MUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"v*"}]}
            """);
        Assert.Equal(["registryId", "repositoryName", "imageTagMutability", "imageTagMutabilityExclusionFilters"], Names(body));
        Assert.Equal("v*", body.GetProperty("imageTagMutabilityExclusionFilters")[0].GetProperty("filter").GetString());
        body = Ok("PutImageTagMutability", """{"repositoryName":"app","imageTagMutability":"IMMUTABLE"}""");
        Assert.Equal(["registryId", "repositoryName", "imageTagMutability"], Names(body));
        Assert.Equal(TagMutabilityPolicy.Immutable, Registry.GetRepository(RepositoryName.Parse("app")).Policy);
    }

    // --- PutImage -------------------------------------------------------------------------------------------------

    [Fact]
    public void PutImage_digests_the_exact_UTF8_bytes_of_the_imageManifest_string_however_the_JSON_escapes_them()
    {
        CreateRepository("app");
        // Whitespace, a trailing newline and a non-ASCII annotation: the digest is over these bytes, not over a re-serialisation.
        string manifest = "{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n"
            + "  \"config\": {\"mediaType\": \"application/vnd.oci.image.config.v1+json\", \"digest\": \"sha256:" + new string('a', 64) + "\", \"size\": 2},\n"
            + "  \"layers\": [],\n  \"annotations\": {\"author\": \"Ren\u00e9\"}\n}\n";
        Digest expected = Digest.Compute(Encoding.UTF8.GetBytes(manifest));
        string escaped = JsonSerializer.Serialize(manifest); // \n, \u0022-free, é escaped as \u00E9
        string raw = "\"" + manifest.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\""; // é as raw UTF-8
        Assert.NotEqual(escaped, raw);

        JsonElement first = Ok("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{escaped},\"imageTag\":\"a\"}}").GetProperty("image");
        JsonElement second = Ok("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{raw},\"imageTag\":\"b\"}}").GetProperty("image");
        Assert.Equal(expected.ToString(), first.GetProperty("imageId").GetProperty("imageDigest").GetString());
        Assert.Equal(expected.ToString(), second.GetProperty("imageId").GetProperty("imageDigest").GetString());
        Assert.Equal(manifest, first.GetProperty("imageManifest").GetString());
        Assert.True(Registry.TryGetImage(RepositoryName.Parse("app"), expected, out ImageDetail? stored));
        Assert.Equal(Encoding.UTF8.GetBytes(manifest), stored.Manifest.ToArray());
        Assert.Equal(["a", "b"], stored.Tags.Select(t => t.Value));
    }

    [Fact]
    public void PutImage_answers_the_Image_shape_with_the_tag_pushed()
    {
        CreateRepository("app");
        ParsedManifest manifest = TestManifests.Image("one", 7);
        JsonElement body = PutOk("app", manifest, "v1");
        Assert.Equal(["image"], Names(body));
        JsonElement image = body.GetProperty("image");
        Assert.Equal(["registryId", "repositoryName", "imageId", "imageManifest", "imageManifestMediaType"], Names(image));
        Assert.Equal(
            $$"""{"imageDigest":"{{manifest.Digest}}","imageTag":"v1"}""",
            image.GetProperty("imageId").GetRawText());
        Assert.Equal(Text(manifest), image.GetProperty("imageManifest").GetString());
        Assert.Equal(Docker, image.GetProperty("imageManifestMediaType").GetString());
        Assert.Contains("\"imageManifestMediaType\":\"" + Docker + "\"", Call("BatchGetImage", $$"""{"repositoryName":"app","imageIds":[{"imageTag":"v1"}]}""").ToString(), StringComparison.Ordinal);
        Assert.Equal(manifest.Digest, Registry.Resolve("app", "v1"));
    }

    [Fact]
    public void PutImage_without_a_tag_answers_an_imageId_without_imageTag()
    {
        CreateRepository("app");
        ParsedManifest manifest = TestManifests.Image("one", 7);
        JsonElement imageId = PutOk("app", manifest).GetProperty("image").GetProperty("imageId");
        Assert.Equal(["imageDigest"], Names(imageId));
    }

    [Fact]
    public void PutImage_takes_imageManifestMediaType_for_a_manifest_without_mediaType()
    {
        CreateRepository("app");
        string manifest = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + new string('b', 64) + "\",\"size\":3},\"layers\":[]}";
        Assert.Equal(
            "Invalid parameter at 'imageManifestMediaType' failed to satisfy constraint: 'image manifest media type not provided in manifest or parameter'",
            Fail("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{Quote(manifest)}}}", "InvalidParameterException"));
        JsonElement image = Ok("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{Quote(manifest)},\"imageManifestMediaType\":\"application/vnd.oci.image.manifest.v1+json\"}}").GetProperty("image");
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", image.GetProperty("imageManifestMediaType").GetString());
    }

    // --- BatchGetImage --------------------------------------------------------------------------------------------

    [Fact]
    public void BatchGetImage_answers_images_and_failures_per_id_in_request_order()
    {
        CreateRepository("app");
        ParsedManifest one = TestManifests.Image("one", 7);
        PutOk("app", one, "v1");
        PutOk("app", one, "v2");
        string digest = one.Digest.ToString();
        string missing = "sha256:" + new string('0', 64);
        JsonElement body = Ok("BatchGetImage", $$"""
            {"repositoryName":"app","imageIds":[
              {"imageTag":"v2"},
              {"imageDigest":"{{digest}}"},
              {"imageTag":"nope"},
              {"imageDigest":"{{missing}}"},
              {"imageDigest":"not-a-digest"},
              {"imageTag":"bad tag!"},
              {}
            ]}
            """);
        Assert.Equal(["images", "failures"], Names(body));
        JsonElement[] images = [.. body.GetProperty("images").EnumerateArray()];
        Assert.Equal($$"""{"imageDigest":"{{digest}}","imageTag":"v2"}""", images[0].GetProperty("imageId").GetRawText());
        Assert.Equal($$"""{"imageDigest":"{{digest}}"}""", images[1].GetProperty("imageId").GetRawText()); // decision Q9
        Assert.All(images, i => Assert.Equal(Text(one), i.GetProperty("imageManifest").GetString()));
        Assert.Equal(
            $$"""
            [{"imageId":{"imageDigest":"not-a-digest"},"failureCode":"InvalidImageDigest","failureReason":"Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'"},{"imageId":{"imageTag":"bad tag!"},"failureCode":"InvalidImageTag","failureReason":"Invalid request parameters: tag 'bad tag!' is invalid at index 3: character ' ' is not allowed; it must match [a-zA-Z0-9_.-]{1,300} (Amazon ECR imageTag)"},{"imageId":{"imageTag":"nope"},"failureCode":"ImageNotFound","failureReason":"Requested image not found"},{"imageId":{"imageDigest":"{{missing}}"},"failureCode":"ImageNotFound","failureReason":"Requested image not found"},{"imageId":{},"failureCode":"MissingDigestAndTag","failureReason":"Invalid request parameters: both tag and digest cannot be null"}]
            """,
            body.GetProperty("failures").GetRawText());
    }

    [Fact]
    public void BatchGetImage_answers_failures_as_an_empty_array_when_there_are_none()
    {
        CreateRepository("app");
        PutOk("app", TestManifests.Image("one", 7), "v1");
        Assert.Equal("[]", Ok("BatchGetImage", """{"repositoryName":"app","imageIds":[{"imageTag":"v1"}]}""").GetProperty("failures").GetRawText());
    }

    [Fact]
    public void A_tag_and_a_digest_that_disagree_fail_with_ImageTagDoesNotMatchDigest()
    {
        CreateRepository("app");
        ParsedManifest one = TestManifests.Image("one", 7), two = TestManifests.Image("two", 7);
        PutOk("app", one, "v1");
        PutOk("app", two, "v2");
        JsonElement failure = Ok("BatchGetImage", $$"""{"repositoryName":"app","imageIds":[{"imageTag":"v1","imageDigest":"{{two.Digest}}"}]}""")
            .GetProperty("failures")[0];
        Assert.Equal("ImageTagDoesNotMatchDigest", failure.GetProperty("failureCode").GetString());
        Assert.Equal($$"""{"imageDigest":"{{two.Digest}}","imageTag":"v1"}""", failure.GetProperty("imageId").GetRawText());
    }

    [Fact]
    public void A_digest_of_ECRs_form_that_no_image_can_have_is_ImageNotFound_not_InvalidImageDigest()
    {
        CreateRepository("app");
        JsonElement failure = Ok("BatchGetImage", $$"""{"repositoryName":"app","imageIds":[{"imageDigest":"sha256:{{new string('A', 64)}}"}]}""")
            .GetProperty("failures")[0];
        Assert.Equal("ImageNotFound", failure.GetProperty("failureCode").GetString());
    }

    // --- BatchDeleteImage -----------------------------------------------------------------------------------------

    [Fact]
    public void BatchDeleteImage_by_tag_removes_only_that_tag_and_by_digest_removes_the_image_with_every_tag()
    {
        CreateRepository("app", "IMMUTABLE");
        ParsedManifest one = TestManifests.Image("one", 7), two = TestManifests.Image("two", 7);
        PutOk("app", one, "a");
        PutOk("app", one, "b");
        PutOk("app", two, "c");
        PutOk("app", two, "d");
        JsonElement body = Ok("BatchDeleteImage", $$"""{"repositoryName":"app","imageIds":[{"imageTag":"a"},{"imageDigest":"{{two.Digest}}"}]}""");
        Assert.Equal(["imageIds", "failures"], Names(body));
        Assert.Equal(
            $$"""[{"imageDigest":"{{one.Digest}}","imageTag":"a"},{"imageDigest":"{{two.Digest}}","imageTag":"c"},{"imageDigest":"{{two.Digest}}","imageTag":"d"}]""",
            body.GetProperty("imageIds").GetRawText());
        Assert.Equal("[]", body.GetProperty("failures").GetRawText());
        Assert.Equal(one.Digest, Registry.Resolve("app", "b"));
        Assert.Null(Registry.Resolve("app", "a"));
        Assert.False(Registry.TryGetImage(RepositoryName.Parse("app"), two.Digest, out _));
    }

    [Fact]
    public void BatchDeleteImage_with_a_matching_tag_and_digest_removes_only_that_tag()
    {
        CreateRepository("app");
        ParsedManifest one = TestManifests.Image("one", 7);
        PutOk("app", one, "a");
        PutOk("app", one, "b");
        JsonElement deleted = Ok("BatchDeleteImage", $$"""{"repositoryName":"app","imageIds":[{"imageTag":"a","imageDigest":"{{one.Digest}}"}]}""")
            .GetProperty("imageIds");
        Assert.Equal($$"""[{"imageDigest":"{{one.Digest}}","imageTag":"a"}]""", deleted.GetRawText());
        Assert.Equal(one.Digest, Registry.Resolve("app", "b"));
    }

    [Fact]
    public void BatchDeleteImage_of_a_child_an_index_references_fails_with_ImageReferencedByManifestList()
    {
        CreateRepository("app");
        ParsedManifest child = TestManifests.Image("amd64", 7), index = TestManifests.Index(child);
        PutOk("app", child, "child");
        PutOk("app", index, "multi");
        JsonElement body = Ok("BatchDeleteImage", """{"repositoryName":"app","imageIds":[{"imageTag":"child"},{"imageDigest":"bad"}]}""");
        Assert.Equal("[]", body.GetProperty("imageIds").GetRawText());
        JsonElement[] failures = [.. body.GetProperty("failures").EnumerateArray()];
        Assert.Equal(["InvalidImageDigest", "ImageReferencedByManifestList"], failures.Select(f => f.GetProperty("failureCode").GetString()));
        Assert.Equal("""{"imageTag":"child"}""", failures[1].GetProperty("imageId").GetRawText());
        Assert.Equal(child.Digest, Registry.Resolve("app", "child"));
    }

    [Fact]
    public void BatchDeleteImage_of_an_untagged_image_by_digest_answers_the_digest_alone()
    {
        CreateRepository("app");
        ParsedManifest one = TestManifests.Image("one", 7);
        PutOk("app", one);
        Assert.Equal(
            $$"""[{"imageDigest":"{{one.Digest}}"}]""",
            Ok("BatchDeleteImage", $$"""{"repositoryName":"app","imageIds":[{"imageDigest":"{{one.Digest}}"}]}""").GetProperty("imageIds").GetRawText());
    }

    [Fact]
    public void Batch_calls_with_only_invalid_ids_still_need_the_repository()
    {
        Assert.Equal(
            "The repository with name 'nope' does not exist in the registry with id '123456789012'",
            Fail("BatchDeleteImage", """{"repositoryName":"nope","imageIds":[{"imageDigest":"bad"}]}""", "RepositoryNotFoundException"));
        CreateRepository("app");
        Assert.Equal("[]", Ok("BatchGetImage", """{"repositoryName":"app","imageIds":[{"imageDigest":"bad"}]}""").GetProperty("images").GetRawText());
    }

    // --- DescribeImages / ListImages -----------------------------------------------------------------------------

    [Fact]
    public void DescribeImages_answers_ImageDetail_and_omits_imageTags_for_an_untagged_image()
    {
        CreateRepository("app");
        ParsedManifest one = TestManifests.Image("one", 10, 22), two = TestManifests.Image("two", 5);
        PutOk("app", one, "latest");
        Clock.Now = Clock.Now.AddSeconds(30);
        PutOk("app", two, "latest"); // moves latest: one stays, untagged (decision Q10)
        JsonElement body = Ok("DescribeImages", """{"repositoryName":"app"}""");
        Assert.Equal(["imageDetails"], Names(body));
        JsonElement[] details = [.. body.GetProperty("imageDetails").EnumerateArray()];
        Assert.Equal(2, details.Length);
        Assert.Equal(
            ["registryId", "repositoryName", "imageDigest", "imageSizeInBytes", "imagePushedAt", "imageManifestMediaType", "artifactMediaType", "imageStatus"],
            Names(details[0]));
        Assert.Equal(one.Digest.ToString(), details[0].GetProperty("imageDigest").GetString());
        Assert.Equal(32, details[0].GetProperty("imageSizeInBytes").GetInt64());
        Assert.Equal(EpochSeconds(Clock.Now) - 30, details[0].GetProperty("imagePushedAt").GetInt64());
        Assert.Equal("application/vnd.docker.container.image.v1+json", details[0].GetProperty("artifactMediaType").GetString());
        Assert.Equal("ACTIVE", details[0].GetProperty("imageStatus").GetString());
        Assert.Equal("""["latest"]""", details[1].GetProperty("imageTags").GetRawText());
        Assert.Equal(EpochSeconds(Clock.Now), details[1].GetProperty("imagePushedAt").GetInt64());
    }

    [Fact]
    public void DescribeImages_filters_by_tagStatus_and_imageStatus()
    {
        CreateRepository("app");
        ParsedManifest one = TestManifests.Image("one", 1), two = TestManifests.Image("two", 2);
        PutOk("app", one);
        PutOk("app", two, "v2");
        string Digests(string filter) => string.Join(",", Ok("DescribeImages", $$"""{"repositoryName":"app","filter":{{filter}}}""")
            .GetProperty("imageDetails").EnumerateArray().Select(d => d.GetProperty("imageDigest").GetString()));
        Assert.Equal(two.Digest.ToString(), Digests("""{"tagStatus":"TAGGED"}"""));
        Assert.Equal(one.Digest.ToString(), Digests("""{"tagStatus":"UNTAGGED"}"""));
        Assert.Equal($"{one.Digest},{two.Digest}", Digests("""{"tagStatus":"ANY","imageStatus":"ACTIVE"}"""));
        Assert.Equal(string.Empty, Digests("""{"imageStatus":"ARCHIVED"}"""));
    }

    [Fact]
    public void DescribeImages_with_ids_fails_whole_when_one_is_missing()
    {
        CreateRepository("app");
        ParsedManifest one = TestManifests.Image("one", 1);
        PutOk("app", one, "v1");
        JsonElement details = Ok("DescribeImages", $$"""{"repositoryName":"app","imageIds":[{"imageTag":"v1"},{"imageDigest":"{{one.Digest}}"}]}""").GetProperty("imageDetails");
        Assert.Equal(1, details.GetArrayLength());
        Assert.Equal(
            "The image with imageId {imageDigest:'null', imageTag:'v9'} does not exist within the repository with name 'app' in the registry with id '123456789012'",
            Fail("DescribeImages", """{"repositoryName":"app","imageIds":[{"imageTag":"v1"},{"imageTag":"v9"}]}""", "ImageNotFoundException"));
        string upper = "sha256:" + new string('F', 64);
        Assert.Equal(
            $"The image with imageId {{imageDigest:'{upper}', imageTag:'null'}} does not exist within the repository with name 'app' in the registry with id '123456789012'",
            Fail("DescribeImages", $$"""{"repositoryName":"app","imageIds":[{"imageTag":"v1"},{"imageDigest":"{{upper}}"}]}""", "ImageNotFoundException"));
        Assert.Equal(
            "Invalid parameter at 'imageDigest' failed to satisfy constraint: 'Member must satisfy regular expression pattern: [a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
            Fail("DescribeImages", """{"repositoryName":"app","imageIds":[{"imageDigest":"nope"}]}""", "InvalidParameterException"));
    }

    [Fact]
    public void ListImages_lists_one_id_per_tag_and_the_digest_alone_for_an_untagged_image()
    {
        CreateRepository("app");
        ParsedManifest one = TestManifests.Image("one", 1), two = TestManifests.Image("two", 2);
        PutOk("app", one);
        PutOk("app", two, "b");
        PutOk("app", two, "a");
        JsonElement body = Ok("ListImages", """{"repositoryName":"app"}""");
        Assert.Equal(["imageIds"], Names(body));
        Assert.Equal(
            $$"""[{"imageDigest":"{{one.Digest}}"},{"imageDigest":"{{two.Digest}}","imageTag":"b"},{"imageDigest":"{{two.Digest}}","imageTag":"a"}]""",
            body.GetProperty("imageIds").GetRawText());
        Assert.Equal(
            $$"""[{"imageDigest":"{{one.Digest}}"}]""",
            Ok("ListImages", """{"repositoryName":"app","filter":{"tagStatus":"UNTAGGED"}}""").GetProperty("imageIds").GetRawText());
    }

    [Fact]
    public void The_facade_and_the_typed_registry_share_one_state()
    {
        CreateRepository("app", "IMMUTABLE");
        ParsedManifest one = TestManifests.Image("one", 1), two = TestManifests.Image("two", 2);
        Registry.Push("app", one, "v1");
        Assert.Equal(
            "The image tag 'v1' already exists in the 'app' repository and cannot be overwritten because the tag is immutable.",
            Fail("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{Quote(Text(two))},\"imageTag\":\"v1\"}}", "ImageTagAlreadyExistsException"));
        Assert.Equal(one.Digest, Registry.Resolve("app", "v1"));
    }
}
