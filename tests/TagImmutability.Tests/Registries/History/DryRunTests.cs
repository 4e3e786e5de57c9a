using static TagImmutability.Tests.Registries.RegistryTestExtensions;

namespace TagImmutability.Tests.Registries.History;

/// <summary>One test per rule of Explain, PreviewPolicyChange, VerifyPattern and CheckPushPlan.</summary>
public sealed class DryRunTests
{
    private static readonly ParsedManifest A = Manifests.Image("dry-a", 1);
    private static readonly ParsedManifest B = Manifests.Image("dry-b", 2);

    private readonly Registry _registry = new(new RegistryOptions { TimeProvider = new ManualClock() });

    private static Tag T(string text) => Tag.Parse(text, GrammarProfile.Ecr);

    private void Create(string name, ImageTagMutability mode, params string[] filters) =>
        _registry.CreateRepository(Name(name), TagMutabilityPolicy.Create(mode, filters.Select(TagFilter.Parse)));

    [Fact]
    public void Explain_an_immutable_bound_tag_rejects_both_pushes()
    {
        Create("app", ImageTagMutability.ImmutableWithExclusion, "latest", "dev-*");
        _registry.Push("app", A, "v1");
        TagExplanation explanation = _registry.Explain(Name("app"), T("v1"));
        Assert.True(explanation.IsImmutable);
        Assert.Equal(TagMutabilityReason.ImmutableNotExcluded, explanation.Ruling.Reason);
        Assert.Null(explanation.MatchedFilter);
        Assert.Equal(A.Digest, explanation.CurrentDigest);
        Assert.Equal(TagWriteOutcome.RejectedImmutable, explanation.PushOfDifferentDigest);
        Assert.Equal(TagWriteOutcome.RejectedImmutable, explanation.PushOfSameDigest);
        Assert.Equal($"'v1' names {A.Digest} and is immutable: IMMUTABLE_WITH_EXCLUSION and no exclusion filter matches", explanation.ToString());
    }

    [Fact]
    public void Explain_an_excluded_tag_names_the_filter_and_moves()
    {
        Create("app", ImageTagMutability.ImmutableWithExclusion, "latest", "dev-*");
        _registry.Push("app", A, "dev-7");
        TagExplanation explanation = _registry.Explain(Name("app"), T("dev-7"));
        Assert.False(explanation.IsImmutable);
        Assert.Equal(TagFilter.Parse("dev-*"), explanation.MatchedFilter);
        Assert.Equal(TagWriteOutcome.Moved, explanation.PushOfDifferentDigest);
        Assert.Equal(TagWriteOutcome.Unchanged, explanation.PushOfSameDigest);
        Assert.Equal(TagWriteOutcome.Moved, explanation.Decide(B.Digest).Outcome);
    }

    [Fact]
    public void Explain_an_unbound_tag_creates_in_every_mode()
    {
        Create("app", ImageTagMutability.Immutable);
        TagExplanation explanation = _registry.Explain(Name("app"), T("new"));
        Assert.True(explanation.IsImmutable);
        Assert.Null(explanation.CurrentDigest);
        Assert.Equal(TagWriteOutcome.Created, explanation.PushOfDifferentDigest);
        Assert.Null(explanation.PushOfSameDigest);
        Assert.Equal("'new' names nothing and is immutable: the repository is IMMUTABLE", explanation.ToString());
    }

    [Fact]
    public void Explain_checks_parameters_then_the_repository()
    {
        Assert.Throws<RepositoryNotFoundException>(() => _registry.Explain(Name("missing"), T("v1")));
        Assert.Throws<ArgumentException>(() => _registry.Explain(Name("missing"), default));
    }

    [Fact]
    public void PreviewPolicyChange_lists_exactly_the_tags_whose_protection_changes()
    {
        Create("app", ImageTagMutability.Mutable);
        _registry.Push("app", A, "v1");
        _registry.Push("app", A, "latest");
        _registry.Push("app", B, "dev-1");
        var proposed = TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest"), TagFilter.Parse("dev-*")]);

        var changes = _registry.PreviewPolicyChange(Name("app"), proposed);
        TagProtectionChange change = Assert.Single(changes);
        Assert.Equal("v1", change.Tag.Value);
        Assert.Equal(A.Digest, change.Digest);
        Assert.True(change.BecomesImmutable);
        Assert.Equal(TagMutabilityReason.MutableMode, change.Before.Reason);
        Assert.Equal(TagMutabilityReason.ImmutableNotExcluded, change.After.Reason);
        Assert.Equal(TagMutabilityPolicy.Mutable, _registry.GetRepository(Name("app")).Policy);

        // And back: the same tag becomes mutable.
        _registry.PutImageTagMutability(Name("app"), proposed);
        Assert.False(Assert.Single(_registry.PreviewPolicyChange(Name("app"), TagMutabilityPolicy.Mutable)).BecomesImmutable);
        Assert.Throws<ArgumentNullException>(() => _registry.PreviewPolicyChange(Name("app"), null!));
    }

    [Fact]
    public void VerifyPattern_lists_the_matching_tags_in_ordinal_order_with_their_digests()
    {
        Create("app", ImageTagMutability.Mutable);
        _registry.Push("app", A, "release-2");
        _registry.Push("app", B, "release-10");
        _registry.Push("app", B, "latest");
        var matches = _registry.VerifyPattern(Name("app"), TagFilter.Parse("release-*"));
        Assert.Equal(["release-10", "release-2"], matches.Select(m => m.Tag!.Value.Value));
        Assert.Equal([B.Digest, A.Digest], matches.Select(m => m.Digest!.Value));
        Assert.Empty(_registry.VerifyPattern(Name("app"), TagFilter.Parse("v*")));
        Assert.Throws<ArgumentException>(() => _registry.VerifyPattern(Name("app"), default));
    }

    [Fact]
    public void CheckPushPlan_evaluates_in_order_as_if_applied_and_applies_nothing()
    {
        Create("app", ImageTagMutability.ImmutableWithExclusion, "latest");
        _registry.Push("app", A, "v1");
        Digest ghost = Digest.Compute("not stored"u8);
        var decisions = _registry.CheckPushPlan(Name("app"), [(T("v2"), ghost), (T("v2"), B.Digest), (T("v1"), B.Digest), (T("latest"), ghost), (T("latest"), ghost), (T("latest"), B.Digest)]);
        Assert.Equal(
            [TagWriteOutcome.Created, TagWriteOutcome.RejectedImmutable, TagWriteOutcome.RejectedImmutable, TagWriteOutcome.Created, TagWriteOutcome.Unchanged, TagWriteOutcome.Moved],
            decisions.Select(d => d.Outcome));
        Assert.Equal(ghost, decisions[1].ExistingDigest);
        Assert.Null(_registry.Resolve("app", "v2"));
        Assert.Empty(_registry.CheckPushPlan(Name("app"), []));
        Assert.Throws<ArgumentException>(() => _registry.CheckPushPlan(Name("app"), [(T("v3"), default(Digest))]));
    }
}
