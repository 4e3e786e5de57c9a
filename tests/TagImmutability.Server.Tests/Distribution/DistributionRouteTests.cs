using TagImmutability.Server.Distribution;

namespace TagImmutability.Server.Tests.Distribution;

public sealed class DistributionRouteTests
{
    [Theory]
    [InlineData("/v2", "Base", "", "")]
    [InlineData("/v2/", "Base", "", "")]
    [InlineData("/v2/app/manifests/latest", "Manifest", "app", "latest")]
    [InlineData("/v2/team/app/manifests/sha256:abc", "Manifest", "team/app", "sha256:abc")]
    [InlineData("/v2/a/manifests/manifests/v1", "Manifest", "a/manifests", "v1")]
    [InlineData("/v2/a/blobs/blobs/sha256:abc", "Blob", "a/blobs", "sha256:abc")]
    [InlineData("/v2/a/b/blobs/uploads/", "StartUpload", "a/b", "")]
    [InlineData("/v2/a/b/blobs/uploads", "StartUpload", "a/b", "")]
    [InlineData("/v2/a/b/blobs/uploads/0f3c", "Upload", "a/b", "0f3c")]
    [InlineData("/v2/a/blobs/uploads/blobs/uploads/x", "Upload", "a/blobs/uploads", "x")]
    [InlineData("/v2/a/b/tags/list", "TagsList", "a/b", "")]
    [InlineData("/v2/a/referrers/sha256:abc", "Referrers", "a", "sha256:abc")]
    public void Splits_the_path_from_its_end(string path, string endpoint, string name, string reference)
    {
        DistributionRoute route = DistributionRoute.Parse(path);
        Assert.Equal((endpoint, name, reference), (route.Endpoint.ToString(), route.Name, route.Reference));
    }

    [Theory]
    [InlineData("/v2/manifests/latest")]
    [InlineData("/v2/app/manifests/")]
    [InlineData("/v2/app/other/thing")]
    [InlineData("/v2/app")]
    [InlineData("/v3/app/manifests/latest")]
    [InlineData("/v2/tags/list")]
    public void Paths_that_name_no_endpoint_match_none(string path) =>
        Assert.Equal(DistributionEndpoint.None, DistributionRoute.Parse(path).Endpoint);
}
