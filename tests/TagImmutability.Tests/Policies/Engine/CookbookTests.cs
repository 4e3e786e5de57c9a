namespace TagImmutability.Tests.Policies.Engine;

/// <summary>The "common asks" recipes of docs/policies.md, exactly as written there.</summary>
public sealed class CookbookTests
{
    private static readonly Digest A = Digest.Compute("a"u8);
    private static readonly Digest B = Digest.Compute("b"u8);

    private static bool CanMove(ImmutabilityPolicy policy, string tag) =>
        policy.DecidePush("app", Tag.Parse(tag), new TagBinding(Tag.Parse(tag), A), B).IsAllowed;

    [Fact]
    public void Keep_latest_movable_protect_everything_else()
    {
        var policy = ImmutabilityPolicy.Harbor([ImmutabilityRule.Harbor("all-but-latest", "**", "latest", tagsExcluding: true)]);
        Assert.True(CanMove(policy, "latest"));
        Assert.False(CanMove(policy, "v1"));
        Assert.False(CanMove(policy, "nightly"));
    }

    [Fact]
    public void Protect_v_releases_only()
    {
        var policy = ImmutabilityPolicy.Create([ImmutabilityRule.Create("releases", TagProtection.Harbor, [TagPattern.Doublestar("v*")])]);
        Assert.False(CanMove(policy, "v1.2.3"));
        Assert.True(CanMove(policy, "latest"));
    }

    [Fact]
    public void Allow_CI_reruns_without_allowing_moves()
    {
        var policy = ImmutabilityPolicy.GitLab("^v").With(identicalRepushIsNoOp: true);
        Tag v1 = Tag.Parse("v1");
        Assert.True(policy.DecidePush("app", v1, new TagBinding(v1, A), A).IsAllowed);
        Assert.False(CanMove(policy, "v1"));
    }

    [Fact]
    public void Keep_signatures_working_under_an_all_tags_rule()
    {
        string sig = "sha256-" + new string('0', 64) + ".sig";
        var policy = ImmutabilityPolicy.GoogleArtifactRegistry(true);
        Assert.False(CanMove(policy, sig));
        Assert.True(CanMove(policy.With(signatureTags: SignatureTagHandling.AppendOnly), sig));
        Assert.True(CanMove(policy.With(signatureTags: SignatureTagHandling.Exempt), sig));
        Assert.False(CanMove(policy.With(signatureTags: SignatureTagHandling.Exempt), "v1"));
    }
}
