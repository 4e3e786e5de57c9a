using System.Text;
using TagImmutability.Tests.Registries;
using TestManifests = TagImmutability.Tests.Registries.Manifests;

namespace TagImmutability.Tests.Ecr;

/// <summary>
/// How the facade answers bad requests: <c>__type</c>, message and status for each kind of problem, in ECR's message
/// form, and the order of checks (decision Q11).
/// </summary>
public sealed class EcrApiErrorTests : EcrHarness
{
    [Fact]
    public void An_unknown_operation_is_UnknownOperationException_without_a_message()
    {
        EcrResponse response = Call("GetAuthorizationToken", "{}");
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("UnknownOperationException", response.ErrorType);
        Assert.Null(response.ErrorMessage);
        Assert.Equal("""{"__type":"UnknownOperationException"}""", response.ToString());
        Assert.Equal("UnknownOperationException", Call("putimage", "{}").ErrorType);
    }

    [Fact]
    public void The_whole_X_Amz_Target_value_names_an_operation_too()
    {
        Assert.True(Call("AmazonEC2ContainerRegistry_V20150921.CreateRepository", """{"repositoryName":"app"}""").IsSuccess);
        Assert.Equal("UnknownOperationException", Call("OtherService_V1.CreateRepository", """{"repositoryName":"app2"}""").ErrorType);
    }

    [Fact]
    public void Every_listed_operation_is_served()
    {
        Assert.Equal(9, EcrApi.Operations.Length);
        Assert.All(EcrApi.Operations, op => Assert.NotEqual("UnknownOperationException", Call(op, "{}").ErrorType));
    }

    [Theory]
    [InlineData("{\"repositoryName\":")]
    [InlineData("[]")]
    [InlineData("\"app\"")]
    [InlineData("{\"repositoryName\":5}")]
    [InlineData("{\"repositoryName\":\"app\",\"force\":\"yes\"}")]
    [InlineData("{\"repositoryName\":\"app\",\"force\":1}")]
    [InlineData("{\"repositoryName\":[\"app\"]}")]
    [InlineData("{\"repositoryName\":\"app\"} trailing")]
    public void A_body_that_is_not_the_input_shape_is_SerializationException(string body)
    {
        CreateRepository("app");
        EcrResponse response = Call("DeleteRepository", body);
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("SerializationException", response.ErrorType);
        Assert.NotNull(Registry.GetRepository(RepositoryName.Parse("app")));
    }

    [Fact]
    public void A_string_that_is_not_Unicode_text_is_SerializationException()
    {
        CreateRepository("app");
        EcrResponse response = Call("PutImage", """{"repositoryName":"app","imageManifest":"{\ud800}"}""");
        Assert.Equal("SerializationException", response.ErrorType);
        Assert.Equal("The string at 'imageManifest' is not valid Unicode text", response.ErrorMessage);
    }

    [Fact]
    public void A_wrong_type_deep_in_a_request_names_its_path()
    {
        CreateRepository("app");
        EcrResponse response = Call("BatchGetImage", """{"repositoryName":"app","imageIds":[{"imageTag":7}]}""");
        Assert.Equal("SerializationException", response.ErrorType);
        Assert.Equal("Expected a string at 'imageIds.imageTag', found a number", response.ErrorMessage);
        Assert.Equal("Expected an integer (32-bit) at 'maxResults', found a number", Call("ListImages", """{"repositoryName":"app","maxResults":1.5}""").ErrorMessage);
    }

    [Fact]
    public void An_empty_body_reads_as_an_empty_object_and_null_members_read_as_absent()
    {
        Assert.True(Call("DescribeRepositories", string.Empty).IsSuccess);
        Assert.Equal(
            "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'Member must not be null'",
            Fail("CreateRepository", """{"repositoryName":null}""", "InvalidParameterException"));
        Assert.True(Call("CreateRepository", """{"repositoryName":"app","imageTagMutability":null,"registryId":null}""").IsSuccess);
    }

    [Fact]
    public void Unknown_members_are_ignored_as_AWS_services_ignore_them() =>
        Assert.True(Call("CreateRepository", """{"repositoryName":"app","tags":[{"Key":"team","Value":"x"}],"somethingNew":1}""").IsSuccess);

    [Theory]
    [InlineData("CreateRepository")]
    [InlineData("DeleteRepository")]
    [InlineData("PutImageTagMutability")]
    [InlineData("PutImage")]
    [InlineData("BatchGetImage")]
    [InlineData("BatchDeleteImage")]
    [InlineData("DescribeImages")]
    [InlineData("ListImages")]
    public void A_missing_repositoryName_is_Member_must_not_be_null(string operation) =>
        Assert.Equal(
            "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'Member must not be null'",
            Fail(operation, "{}", "InvalidParameterException"));

    [Fact]
    public void A_repository_name_that_breaks_the_grammar_is_InvalidParameterException_naming_repositoryName()
    {
        string message = Fail("CreateRepository", """{"repositoryName":"a"}""", "InvalidParameterException");
        Assert.StartsWith("Invalid parameter at 'repositoryName' failed to satisfy constraint: '", message, StringComparison.Ordinal);
        Assert.StartsWith(
            "Invalid parameter at 'repositoryNames' failed to satisfy constraint: '",
            Fail("DescribeRepositories", """{"repositoryNames":["Upper"]}""", "InvalidParameterException"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_mode_names_are_answered_with_ECRs_enum_constraint()
    {
        const string Expected = "Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [IMMUTABLE, MUTABLE, MUTABLE_WITH_EXCLUSION, IMMUTABLE_WITH_EXCLUSION]'";
        Assert.Equal(Expected, Fail("CreateRepository", """{"repositoryName":"app","imageTagMutability":"immutable"}""", "InvalidParameterException"));
        CreateRepository("app");
        Assert.Equal(Expected, Fail("PutImageTagMutability", """{"repositoryName":"app","imageTagMutability":"LOCKED"}""", "InvalidParameterException"));
        Assert.Equal(
            "Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must not be null'",
            Fail("PutImageTagMutability", """{"repositoryName":"app"}""", "InvalidParameterException"));
    }

    [Fact]
    public void Filter_problems_are_InvalidParameterException_naming_imageTagMutabilityExclusionFilters()
    {
        string Create(string filters, string mode = "IMMUTABLE_WITH_EXCLUSION") =>
            Fail("CreateRepository", $$"""{"repositoryName":"app","imageTagMutability":"{{mode}}","imageTagMutabilityExclusionFilters":{{filters}}}""", "InvalidParameterException");

        Assert.Equal(
            "Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: 'Invalid value for 'filterType' in mutability exclusion filter: REGEX'",
            Create("""[{"filterType":"REGEX","filter":"v.*"}]"""));
        Assert.Equal(
            "Invalid parameter at 'imageTagMutabilityExclusionFilters.filterType' failed to satisfy constraint: 'Member must not be null'",
            Create("""[{"filter":"latest"}]"""));
        Assert.Equal(
            "Invalid parameter at 'imageTagMutabilityExclusionFilters.filter' failed to satisfy constraint: 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}$'",
            Create("""[{"filterType":"WILDCARD","filter":"a/b"}]"""));
        Assert.Equal(
            "Invalid parameter at 'imageTagMutabilityExclusionFilters.filter' failed to satisfy constraint: 'Member must have length less than or equal to 128'",
            Create($$"""[{"filterType":"WILDCARD","filter":"{{new string('x', 129)}}"}]"""));
        Assert.Equal(
            "Invalid parameter at 'imageTagMutabilityExclusionFilters.filter' failed to satisfy constraint: 'Member must have length greater than or equal to 1'",
            Create("""[{"filterType":"WILDCARD","filter":""}]"""));
        Assert.Equal(
            "Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: 'Member must have length greater than or equal to 1'",
            Create("[]"));
        Assert.Equal(
            "Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: 'Member must have length less than or equal to 5'",
            Create("[" + string.Join(',', Enumerable.Range(0, 6).Select(i => $$"""{"filterType":"WILDCARD","filter":"f{{i}}"}""")) + "]"));
        Assert.Equal(
            "Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: 'ImageTagMutabilityExclusionFilters must be null when imageTagMutability is set as IMMUTABLE'",
            Create("""[{"filterType":"WILDCARD","filter":"latest"}]""", "IMMUTABLE"));
        Assert.Empty(Registry.DescribeRepositories());
    }

    [Theory]
    [InlineData("IMMUTABLE_WITH_EXCLUSION")]
    [InlineData("MUTABLE_WITH_EXCLUSION")]
    public void An_exclusion_mode_without_filters_is_answered_with_the_text_ECR_was_seen_to_send(string mode)
    {
        Assert.Equal(
            $"Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: 'ImageTagMutabilityExclusionFilters can't be null when imageTagMutability is set as {mode}'",
            Fail("CreateRepository", $$"""{"repositoryName":"app","imageTagMutability":"{{mode}}"}""", "InvalidParameterException"));
        CreateRepository("app");
        Fail("PutImageTagMutability", $$"""{"repositoryName":"app","imageTagMutability":"{{mode}}"}""", "InvalidParameterException");
        Assert.Equal(TagMutabilityPolicy.Mutable, Registry.GetRepository(RepositoryName.Parse("app")).Policy);
    }

    [Fact]
    public void A_registryId_must_be_12_digits_and_another_registrys_id_finds_no_repository()
    {
        CreateRepository("app");
        Assert.Equal(
            "Invalid parameter at 'registryId' failed to satisfy constraint: 'Member must satisfy regular expression pattern: [0-9]{12}'",
            Fail("DescribeImages", """{"registryId":"12345","repositoryName":"app"}""", "InvalidParameterException"));
        Assert.Equal(
            "The repository with name 'app' does not exist in the registry with id '999999999999'",
            Fail("DescribeImages", """{"registryId":"999999999999","repositoryName":"app"}""", "RepositoryNotFoundException"));
        Assert.Equal(
            "The repository with name 'other' does not exist in the registry with id '999999999999'",
            Fail("CreateRepository", """{"registryId":"999999999999","repositoryName":"other"}""", "RepositoryNotFoundException"));
        Assert.Equal("[]", Ok("DescribeRepositories", """{"registryId":"999999999999"}""").GetProperty("repositories").GetRawText());
        Assert.Equal(1, Ok("DescribeRepositories", """{"registryId":"123456789012"}""").GetProperty("repositories").GetArrayLength());
        Assert.True(Call("ListImages", """{"registryId":"123456789012","repositoryName":"app"}""").IsSuccess);
    }

    [Theory]
    [InlineData("DeleteRepository", "{\"repositoryName\":\"nope\"}")]
    [InlineData("PutImageTagMutability", "{\"repositoryName\":\"nope\",\"imageTagMutability\":\"IMMUTABLE\"}")]
    [InlineData("BatchGetImage", "{\"repositoryName\":\"nope\",\"imageIds\":[{\"imageTag\":\"x\"}]}")]
    [InlineData("BatchDeleteImage", "{\"repositoryName\":\"nope\",\"imageIds\":[{\"imageTag\":\"x\"}]}")]
    [InlineData("DescribeImages", "{\"repositoryName\":\"nope\"}")]
    [InlineData("DescribeImages", "{\"repositoryName\":\"nope\",\"imageIds\":[{\"imageTag\":\"x\"}]}")]
    [InlineData("DescribeImages", "{\"repositoryName\":\"nope\",\"filter\":{\"imageStatus\":\"ARCHIVED\"}}")]
    [InlineData("ListImages", "{\"repositoryName\":\"nope\"}")]
    public void A_missing_repository_is_RepositoryNotFoundException(string operation, string request) =>
        Assert.Equal(
            "The repository with name 'nope' does not exist in the registry with id '123456789012'",
            Fail(operation, request, "RepositoryNotFoundException"));

    [Fact]
    public void PutImage_to_a_missing_repository_is_RepositoryNotFoundException() =>
        Fail("PutImage", $"{{\"repositoryName\":\"nope\",\"imageManifest\":{Quote(Text(TestManifests.Image("x", 1)))}}}", "RepositoryNotFoundException");

    [Fact]
    public void Parameters_are_checked_before_the_repository_is_looked_up()
    {
        // Decision Q11: a bad tag in a missing repository is a parameter error, not RepositoryNotFoundException.
        Assert.Equal(
            "Invalid parameter at 'imageTag' failed to satisfy constraint: 'tag 'bad tag' is invalid at index 3: character ' ' is not allowed; it must match [a-zA-Z0-9_.-]{1,300} (Amazon ECR imageTag)'",
            Fail("PutImage", $"{{\"repositoryName\":\"nope\",\"imageManifest\":{Quote(Text(TestManifests.Image("x", 1)))},\"imageTag\":\"bad tag\"}}", "InvalidParameterException"));
        Fail("ListImages", """{"repositoryName":"nope","maxResults":0}""", "InvalidParameterException");
        Fail("BatchGetImage", """{"repositoryName":"nope","imageIds":[]}""", "InvalidParameterException");
    }

    [Fact]
    public void PutImage_errors_map_to_ECRs_names_and_messages()
    {
        CreateRepository("app");
        ParsedManifest one = TestManifests.Image("one", 1), two = TestManifests.Image("two", 1);
        string oneText = Quote(Text(one));
        Assert.Equal(
            "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
            Fail("PutImage", """{"repositoryName":"app","imageManifest":"{not json"}""", "InvalidParameterException"));
        Assert.Equal(
            "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Member must have length greater than or equal to 1'",
            Fail("PutImage", """{"repositoryName":"app","imageManifest":""}""", "InvalidParameterException"));
        Assert.Equal(
            "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Member must not be null'",
            Fail("PutImage", """{"repositoryName":"app"}""", "InvalidParameterException"));
        Assert.StartsWith(
            "Invalid parameter at 'imageDigest' failed to satisfy constraint: '",
            Fail("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{oneText},\"imageDigest\":\"sha256:abc\"}}", "InvalidParameterException"),
            StringComparison.Ordinal);
        Assert.Equal(
            $"The image digest '{two.Digest}' does not match the digest '{one.Digest}' calculated for the image manifest in the repository with name 'app' in registry with id '123456789012'",
            Fail("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{oneText},\"imageDigest\":\"{two.Digest}\"}}", "ImageDigestDoesNotMatchException"));
        Assert.True(Call("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{oneText},\"imageDigest\":\"{one.Digest}\",\"imageTag\":\"v1\"}}").IsSuccess);
        Assert.Equal(
            $"Image with digest '{one.Digest}' and tag 'v1' already exists in the repository with name 'app' in registry with id '123456789012'",
            Fail("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{oneText},\"imageTag\":\"v1\"}}", "ImageAlreadyExistsException"));
        Assert.Equal(
            $"Image with digest '{one.Digest}' and tag 'null' already exists in the repository with name 'app' in registry with id '123456789012'",
            Fail("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{oneText}}}", "ImageAlreadyExistsException"));
        Assert.StartsWith(
            "The manifest list is referencing images that do not exist",
            Fail("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{Quote(Text(TestManifests.Index(two)))}}}", "ReferencedImagesNotFoundException"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Immutable_tags_are_ImageTagAlreadyExistsException_even_for_the_same_digest()
    {
        CreateRepository("app", "IMMUTABLE");
        ParsedManifest one = TestManifests.Image("one", 1), two = TestManifests.Image("two", 1);
        PutOk("app", one, "latest");
        const string Expected = "The image tag 'latest' already exists in the 'app' repository and cannot be overwritten because the tag is immutable.";
        Assert.Equal(Expected, Fail("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{Quote(Text(two))},\"imageTag\":\"latest\"}}", "ImageTagAlreadyExistsException"));
        Assert.Equal(Expected, Fail("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{Quote(Text(one))},\"imageTag\":\"latest\"}}", "ImageTagAlreadyExistsException"));
    }

    [Fact]
    public void Wildcard_filters_are_globs_not_regular_expressions()
    {
        // moto applies filters as Python regexes (deviation 2); ECR's WILDCARD filter is a whole-tag glob.
        CreateRepository("app", "IMMUTABLE_WITH_EXCLUSION", "tagME.*");
        ParsedManifest one = TestManifests.Image("one", 1), two = TestManifests.Image("two", 1);
        PutOk("app", one, "tagME1");
        Fail("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{Quote(Text(two))},\"imageTag\":\"tagME1\"}}", "ImageTagAlreadyExistsException");
        PutOk("app", one, "tagME.x");
        PutOk("app", two, "tagME.x");
        Assert.Equal(two.Digest, Registry.Resolve("app", "tagME.x"));
    }

    [Fact]
    public void An_untagged_push_into_a_repository_with_filters_is_stored()
    {
        // moto crashes here (deviation 3): filters concern tags only.
        CreateRepository("app", "MUTABLE_WITH_EXCLUSION", "release-*");
        ParsedManifest one = TestManifests.Image("one", 1);
        Assert.Equal(["imageDigest"], Names(PutOk("app", one).GetProperty("image").GetProperty("imageId")));
        Assert.True(Registry.TryGetImage(RepositoryName.Parse("app"), one.Digest, out _));
    }

    [Theory]
    [InlineData("a__b")]
    [InlineData("a--b")]
    [InlineData("team/app.v2")]
    public void Repository_names_the_current_model_pattern_allows_are_accepted(string name) =>
        Assert.True(Call("CreateRepository", $"{{\"repositoryName\":\"{name}\"}}").IsSuccess);

    [Fact]
    public void A_star_filter_matches_every_tag()
    {
        CreateRepository("app", "MUTABLE_WITH_EXCLUSION", "*");
        ParsedManifest one = TestManifests.Image("one", 1), two = TestManifests.Image("two", 1);
        PutOk("app", one, "anything");
        Fail("PutImage", $"{{\"repositoryName\":\"app\",\"imageManifest\":{Quote(Text(two))},\"imageTag\":\"anything\"}}", "ImageTagAlreadyExistsException");
    }

    [Fact]
    public void List_lengths_are_checked_in_ECRs_words()
    {
        CreateRepository("app");
        Assert.Equal(
            "Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length greater than or equal to 1'",
            Fail("BatchDeleteImage", """{"repositoryName":"app","imageIds":[]}""", "InvalidParameterException"));
        string many = "[" + string.Join(',', Enumerable.Range(0, 101).Select(i => $$"""{"imageTag":"t{{i}}"}""")) + "]";
        Assert.Equal(
            "Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length less than or equal to 100'",
            Fail("BatchGetImage", $$"""{"repositoryName":"app","imageIds":{{many}}}""", "InvalidParameterException"));
        Assert.Equal(
            "Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must not be null'",
            Fail("BatchGetImage", """{"repositoryName":"app"}""", "InvalidParameterException"));
        Assert.Equal(
            "Invalid parameter at 'repositoryNames' failed to satisfy constraint: 'Member must have length greater than or equal to 1'",
            Fail("DescribeRepositories", """{"repositoryNames":[]}""", "InvalidParameterException"));
        Assert.Equal(
            "Invalid parameter at 'acceptedMediaTypes' failed to satisfy constraint: 'Member must have length greater than or equal to 1'",
            Fail("BatchGetImage", """{"repositoryName":"app","imageIds":[{"imageTag":"x"}],"acceptedMediaTypes":[]}""", "InvalidParameterException"));
    }

    [Fact]
    public void Enum_filters_are_checked()
    {
        CreateRepository("app");
        Assert.Equal(
            "Invalid parameter at 'filter.tagStatus' failed to satisfy constraint: 'Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]'",
            Fail("ListImages", """{"repositoryName":"app","filter":{"tagStatus":"tagged"}}""", "InvalidParameterException"));
        Assert.Equal(
            "Invalid parameter at 'filter.imageStatus' failed to satisfy constraint: 'Member must satisfy enum value set: [ACTIVE, ARCHIVED, ACTIVATING, ANY]'",
            Fail("DescribeImages", """{"repositoryName":"app","filter":{"imageStatus":"GONE"}}""", "InvalidParameterException"));
    }

    [Fact]
    public void Responses_are_compact_UTF8_JSON_with_plus_signs_unescaped()
    {
        CreateRepository("app");
        EcrResponse response = Put("app", TestManifests.Image("one", 1), "v1");
        string text = Encoding.UTF8.GetString(response.Body.Span);
        Assert.Equal(text, response.ToString());
        Assert.DoesNotContain("\\u002B", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\n  ", text, StringComparison.Ordinal);
        Assert.Contains("manifest.v2+json", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_constructor_and_Invoke_reject_null()
    {
        Assert.Throws<ArgumentNullException>(() => new EcrApi(null!));
        Assert.Throws<ArgumentNullException>(() => Api.Invoke(null!, default));
    }
}

public sealed class EcrApiHostileTextTests : EcrHarness
{
    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3 })]
    public void Invalid_utf8_in_a_string_array_is_a_SerializationException(byte[] bad)
    {
        byte[] body = [.. "{\"repositoryNames\":[\"a"u8, .. bad, .. "\"]}"u8];
        EcrResponse response = Api.Invoke("DescribeRepositories", body);
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("SerializationException", response.ErrorType);
    }

    [Fact]
    public void An_unpaired_surrogate_in_a_string_array_is_a_SerializationException()
    {
        EcrResponse response = Call("DescribeRepositories", "{\"repositoryNames\":[\"\\ud800\"]}");
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("SerializationException", response.ErrorType);
    }
}
