using System.Text;

namespace TagImmutability.Tests.Digests;

public sealed class DigestTests
{
    private const string EmptySha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void Compute_of_empty_content_is_the_well_known_sha256()
    {
        Assert.Equal(EmptySha256, Digest.Compute([]).ToString());
    }
}
