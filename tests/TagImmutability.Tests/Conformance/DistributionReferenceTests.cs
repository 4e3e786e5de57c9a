namespace TagImmutability.Tests.Conformance;

/// <summary>
/// The reference grammar of the CNCF distribution project (distribution/reference, reference.go and regexp.go), with
/// the shapes its own test table exercises, written here as our own rows. Where we are stricter (the digest must be a
/// registered algorithm in lowercase hex), the row says so.
/// </summary>
public sealed class DistributionReferenceTests
{
    private const string Hex = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

    public static TheoryData<string, string?, string, string?, string?> Valid => new()
    {
        // text, registry, repository, tag, digest
        // name only: no registry, no tag, nothing implied
        { "test_com", null, "test_com", null, null },
        { "test.com:tag", null, "test.com", "tag", null },
        // the first component is a host when it holds '.' or ':' or is localhost (splitDomain)
        { "test.com:5000", null, "test.com", "5000", null },
        { "test.com/repo:tag", "test.com", "repo", "tag", null },
        { "test:5000/repo", "test:5000", "repo", null, null },
        { "test:5000/repo:tag", "test:5000", "repo", "tag", null },
        { "localhost/repo", "localhost", "repo", null, null },
        { "localhost:5000/a/b/c", "localhost:5000", "a/b/c", null, null },
        // ... or has an uppercase letter
        { "Uppercase.com/repo", "Uppercase.com", "repo", null, null },
        { "UPPERCASE/repo", "UPPERCASE", "repo", null, null },
        // without such a first component, the whole path is the repository
        { "lowercase/repo", null, "lowercase/repo", null, null },
        // IPv4 and bracketed IPv6 hosts, with or without a port
        { "192.168.1.1/repo", "192.168.1.1", "repo", null, null },
        { "192.168.1.1:5000/repo", "192.168.1.1:5000", "repo", null, null },
        { "[2001:db8::1]/repo", "[2001:db8::1]", "repo", null, null },
        { "[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "repo", "tag", null },
        { "[::1]:5000/repo", "[::1]:5000", "repo", null, null },
        // host components may hold inner '-'
        { "xn--n3h.com/myimage", "xn--n3h.com", "myimage", null, null },
        { "a-b-c.example.com/x", "a-b-c.example.com", "x", null, null },
        // digest, and tag plus digest
        { "test:5000/repo@sha256:" + Hex, "test:5000", "repo", null, "sha256:" + Hex },
        { "test:5000/repo:tag@sha256:" + Hex, "test:5000", "repo", "tag", "sha256:" + Hex },
        { "repo@sha256:" + Hex, null, "repo", null, "sha256:" + Hex },
        // path separators inside components
        { "foobar.com:8080/a__b/c--d", "foobar.com:8080", "a__b/c--d", null, null },
        // tags may hold uppercase letters
        { "lowercase:Uppercase", null, "lowercase", "Uppercase", null },
        // an ECR repository URI
        { "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1.0", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "team/app", "1.0", null },
    };

    public static TheoryData<string, string> Invalid => new()
    {
        // text, the part the error must name
        { "", "empty" },
        { ":justtag", "repository name" },
        { "@sha256:" + Hex, "repository name" },
        // uppercase in the path ("repository name must be lowercase")
        { "Uppercase:tag", "repository name" },
        // empty tag, bad tag characters, tag longer than 128
        { "repo:", "tag" },
        { "repo:a+b", "tag" },
        { "repo:" + new string('a', 129), "tag" },
        // digests: too short, uppercase, unsupported algorithm (distribution accepts the last two; we do not)
        { "repo@sha256:ffff", "digest" },
        { "repo@sha256:" + Hex.ToUpperInvariant(), "digest" },
        { "repo@md5:" + Hex[..32], "digest" },
        // host names: bad characters, empty components, dangling '-', empty or non-numeric port, unclosed IPv6
        { "-foo.com/repo", "registry host" },
        { "foo-.com/repo", "registry host" },
        { "foo..com/repo", "registry host" },
        { "foo.com:/repo", "registry host" },
        { "foo.com:80a/repo", "registry host" },
        { "[::1/repo", "registry host" },
        { "[::g]/repo", "registry host" },
        { "a_b.com/repo", "registry host" },
        // path: empty components and dangling separators
        { "test.com//repo", "repository name" },
        { "test.com/repo/", "repository name" },
        { "repo_", "repository name" },
        // the path (without host) is at most 255 characters
        { "test.com/" + new string('a', 256), "repository name" },
        // longer than any valid reference
        { new string('a', 1025), "1025 characters long" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_references_split_into_their_parts(string text, string? registry, string repository, string? tag, string? digest)
    {
        ImageReference reference = ImageReference.Parse(text);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository.Value);
        Assert.Equal(tag, reference.Tag?.Value);
        Assert.Equal(digest, reference.Digest?.ToString());
        Assert.Equal(text, reference.ToString());
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_references_are_rejected_naming_the_part(string text, string part)
    {
        Assert.False(ImageReference.TryParse(text, out _));
        InvalidReferenceException error = Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse(text));
        Assert.Contains(part, error.Message, StringComparison.Ordinal);
        Assert.Equal("image reference", error.Field);
    }
}
