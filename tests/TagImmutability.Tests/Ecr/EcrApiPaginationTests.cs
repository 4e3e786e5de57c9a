using System.Text.Json;
using System.Text.Json.Nodes;
using TagImmutability.Tests.Registries;
using TestManifests = TagImmutability.Tests.Registries.Manifests;

namespace TagImmutability.Tests.Ecr;

/// <summary>
/// <c>maxResults</c> (1..1000, 100 by default) and <c>nextToken</c> (opaque, bound to the call that issued it) of
/// DescribeRepositories, DescribeImages and ListImages.
/// </summary>
public sealed class EcrApiPaginationTests : EcrHarness
{
    private ParsedManifest[] PushMany(string repository, int count)
    {
        ParsedManifest[] manifests = [.. Enumerable.Range(0, count).Select(i => TestManifests.Image($"m{i}", i + 1))];
        foreach (ParsedManifest manifest in manifests)
        {
            PutOk(repository, manifest, "t" + manifest.Digest.Encoded[..8]);
        }

        return manifests;
    }

    private (List<string> Items, int Calls) Drain(string operation, string request, string list, string member, int maxResults)
    {
        var items = new List<string>();
        string? token = null;
        int calls = 0;
        do
        {
            JsonObject call = JsonNode.Parse(request)!.AsObject();
            call["maxResults"] = maxResults;
            if (token is not null)
            {
                call["nextToken"] = token;
            }

            JsonElement body = Ok(operation, call.ToJsonString());
            JsonElement[] page = [.. body.GetProperty(list).EnumerateArray()];
            Assert.InRange(page.Length, 0, maxResults);
            items.AddRange(page.Select(p => p.GetProperty(member).GetString()!));
            token = body.TryGetProperty("nextToken", out JsonElement next) ? next.GetString() : null;
            if (token is not null)
            {
                Assert.Equal(maxResults, page.Length);
            }

            calls++;
        }
        while (token is not null);
        return (items, calls);
    }

    [Fact]
    public void DescribeImages_pages_through_every_image_in_push_order()
    {
        CreateRepository("app");
        ParsedManifest[] manifests = PushMany("app", 5);
        (List<string> digests, int calls) = Drain("DescribeImages", """{"repositoryName":"app"}""", "imageDetails", "imageDigest", 2);
        Assert.Equal(3, calls);
        Assert.Equal(manifests.Select(m => m.Digest.ToString()), digests);
    }

    [Fact]
    public void A_listing_that_fits_has_no_nextToken()
    {
        CreateRepository("app");
        PushMany("app", 2);
        Assert.False(Ok("DescribeImages", """{"repositoryName":"app","maxResults":2}""").TryGetProperty("nextToken", out _));
        Assert.False(Ok("ListImages", """{"repositoryName":"app"}""").TryGetProperty("nextToken", out _));
    }

    [Fact]
    public void Without_maxResults_a_page_holds_100()
    {
        CreateRepository("app");
        PushMany("app", 101);
        JsonElement first = Ok("ListImages", """{"repositoryName":"app"}""");
        Assert.Equal(100, first.GetProperty("imageIds").GetArrayLength());
        string token = first.GetProperty("nextToken").GetString()!;
        JsonElement second = Ok("ListImages", $$"""{"repositoryName":"app","nextToken":{{Quote(token)}}}""");
        Assert.Equal(1, second.GetProperty("imageIds").GetArrayLength());
        Assert.False(second.TryGetProperty("nextToken", out _));
    }

    [Fact]
    public void ListImages_pages_between_the_tags_of_one_image()
    {
        CreateRepository("app");
        ParsedManifest one = TestManifests.Image("one", 1), two = TestManifests.Image("two", 1);
        foreach (string tag in new[] { "c", "a", "b" })
        {
            PutOk("app", one, tag);
        }

        PutOk("app", two);
        (List<string> digests, int calls) = Drain("ListImages", """{"repositoryName":"app"}""", "imageIds", "imageDigest", 1);
        Assert.Equal(4, calls);
        Assert.Equal([one.Digest.ToString(), one.Digest.ToString(), one.Digest.ToString(), two.Digest.ToString()], digests);
        (List<string> tags, _) = Drain("ListImages", """{"repositoryName":"app","filter":{"tagStatus":"TAGGED"}}""", "imageIds", "imageTag", 2);
        Assert.Equal(["c", "a", "b"], tags);
    }

    [Fact]
    public void DescribeRepositories_pages_in_name_order()
    {
        foreach (string name in new[] { "delta", "alpha", "charlie", "bravo", "echo" })
        {
            CreateRepository(name);
        }

        (List<string> names, int calls) = Drain("DescribeRepositories", "{}", "repositories", "repositoryName", 2);
        Assert.Equal(3, calls);
        Assert.Equal(["alpha", "bravo", "charlie", "delta", "echo"], names);
    }

    [Fact]
    public void A_token_names_the_last_item_returned_so_a_deletion_in_between_skips_nothing()
    {
        CreateRepository("app");
        ParsedManifest[] manifests = PushMany("app", 4);
        JsonElement first = Ok("DescribeImages", """{"repositoryName":"app","maxResults":2}""");
        string token = first.GetProperty("nextToken").GetString()!;
        Ok("BatchDeleteImage", $$"""{"repositoryName":"app","imageIds":[{"imageDigest":"{{manifests[0].Digest}}"},{"imageDigest":"{{manifests[1].Digest}}"}]}""");
        JsonElement second = Ok("DescribeImages", $$"""{"repositoryName":"app","maxResults":2,"nextToken":{{Quote(token)}}}""");
        Assert.Equal(
            [manifests[2].Digest.ToString(), manifests[3].Digest.ToString()],
            second.GetProperty("imageDetails").EnumerateArray().Select(d => d.GetProperty("imageDigest").GetString()));
    }

    [Fact]
    public void A_token_is_accepted_only_by_the_operation_repository_and_filter_that_issued_it()
    {
        CreateRepository("app");
        CreateRepository("other");
        PushMany("app", 3);
        PushMany("other", 3);
        string token = Ok("DescribeImages", """{"repositoryName":"app","maxResults":1}""").GetProperty("nextToken").GetString()!;
        const string Expected = "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Member must be a nextToken returned by an earlier {0} call with the same repository and filter'";
        Assert.Equal(string.Format(Expected, "ListImages"), Fail("ListImages", $$"""{"repositoryName":"app","nextToken":{{Quote(token)}}}""", "InvalidParameterException"));
        Assert.Equal(string.Format(Expected, "DescribeImages"), Fail("DescribeImages", $$"""{"repositoryName":"other","nextToken":{{Quote(token)}}}""", "InvalidParameterException"));
        Assert.Equal(string.Format(Expected, "DescribeImages"), Fail("DescribeImages", $$"""{"repositoryName":"app","filter":{"tagStatus":"TAGGED"},"nextToken":{{Quote(token)}}}""", "InvalidParameterException"));
        Assert.Equal(string.Format(Expected, "DescribeImages"), Fail("DescribeImages", """{"repositoryName":"app","nextToken":"not base64!"}""", "InvalidParameterException"));
        Assert.Equal(string.Format(Expected, "DescribeRepositories"), Fail("DescribeRepositories", $$"""{"nextToken":{{Quote(token)}}}""", "InvalidParameterException"));
        Assert.True(Call("DescribeImages", $$"""{"repositoryName":"app","nextToken":{{Quote(token)}}}""").IsSuccess);
    }

    [Theory]
    [InlineData(0, "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value greater than or equal to 1'")]
    [InlineData(1001, "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value less than or equal to 1000'")]
    public void MaxResults_is_1_to_1000(int maxResults, string expected)
    {
        CreateRepository("app");
        Assert.Equal(expected, Fail("ListImages", $$"""{"repositoryName":"app","maxResults":{{maxResults}}}""", "InvalidParameterException"));
        Assert.Equal(expected, Fail("DescribeRepositories", $$"""{"maxResults":{{maxResults}}}""", "InvalidParameterException"));
        Assert.True(Call("ListImages", """{"repositoryName":"app","maxResults":1000}""").IsSuccess);
    }

    [Fact]
    public void Pagination_cannot_be_combined_with_an_explicit_list()
    {
        CreateRepository("app");
        Assert.Equal(
            "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Member cannot be used together with imageIds'",
            Fail("DescribeImages", """{"repositoryName":"app","imageIds":[{"imageTag":"x"}],"nextToken":"abc"}""", "InvalidParameterException"));
        Assert.Equal(
            "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member cannot be used together with imageIds'",
            Fail("DescribeImages", """{"repositoryName":"app","imageIds":[{"imageTag":"x"}],"maxResults":5}""", "InvalidParameterException"));
        Assert.Equal(
            "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member cannot be used together with repositoryNames'",
            Fail("DescribeRepositories", """{"repositoryNames":["app"],"maxResults":5}""", "InvalidParameterException"));
    }
}
