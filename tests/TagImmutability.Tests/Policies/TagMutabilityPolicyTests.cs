using TagImmutability.Tests.Generators;

namespace TagImmutability.Tests.Policies;

/// <summary>ECR's four modes and their filters (specification section (a), "Mutability decision"; decisions Q1, Q5, Q6).</summary>
public sealed class TagMutabilityPolicyTests
{
    private static readonly Digest A = Digest.Compute("a"u8);
    private static readonly Digest B = Digest.Compute("b"u8);
    private static readonly Tag Latest = Tag.Parse("latest");

    private static TagMutabilityPolicy Policy(ImageTagMutability mode, params string[] filters) =>
        TagMutabilityPolicy.Create(mode, filters.Select(TagFilter.Parse));

    [Theory]
    [InlineData(ImageTagMutability.Mutable, "latest", false, TagMutabilityReason.MutableMode)]
    [InlineData(ImageTagMutability.Immutable, "latest", true, TagMutabilityReason.ImmutableMode)]
    public void Plain_modes_decide_every_tag_alike(ImageTagMutability mode, string tag, bool immutable, TagMutabilityReason reason)
    {
        TagMutabilityRuling ruling = TagMutabilityPolicy.Create(mode).Rule(tag);
        Assert.Equal(immutable, ruling.IsImmutable);
        Assert.Equal(reason, ruling.Reason);
        Assert.Null(ruling.MatchedFilter);
    }

    [Theory]
    // IMMUTABLE_WITH_EXCLUSION: all tags immutable except those matching a filter
    [InlineData(ImageTagMutability.ImmutableWithExclusion, "latest", false, TagMutabilityReason.ImmutableExcludedByFilter, "latest")]
    [InlineData(ImageTagMutability.ImmutableWithExclusion, "dev-42", false, TagMutabilityReason.ImmutableExcludedByFilter, "dev-*")]
    [InlineData(ImageTagMutability.ImmutableWithExclusion, "v1.0.0", true, TagMutabilityReason.ImmutableNotExcluded, null)]
    // MUTABLE_WITH_EXCLUSION: all tags mutable except those matching a filter
    [InlineData(ImageTagMutability.MutableWithExclusion, "latest", true, TagMutabilityReason.MutableExcludedByFilter, "latest")]
    [InlineData(ImageTagMutability.MutableWithExclusion, "v1.0.0", false, TagMutabilityReason.MutableNotExcluded, null)]
    public void Exclusion_modes_depend_on_the_filters(ImageTagMutability mode, string tag, bool immutable, TagMutabilityReason reason, string? filter)
    {
        TagMutabilityRuling ruling = Policy(mode, "latest", "dev-*").Rule(tag);
        Assert.Equal(immutable, ruling.IsImmutable);
        Assert.Equal(reason, ruling.Reason);
        Assert.Equal(filter, ruling.MatchedFilter?.Pattern);
    }

    [Fact]
    public void Filters_are_ored_and_the_first_match_is_reported() =>
        Assert.Equal("*-rc", Policy(ImageTagMutability.MutableWithExclusion, "v9", "*-rc", "v1*").Rule("v1-rc").MatchedFilter?.Pattern);

    [Fact]
    public void A_new_tag_is_created_in_every_mode()
    {
        foreach (TagMutabilityPolicy policy in new[] { TagMutabilityPolicy.Mutable, TagMutabilityPolicy.Immutable, Policy(ImageTagMutability.MutableWithExclusion, "*") })
        {
            TagWriteDecision decision = policy.Evaluate(Latest, null, A);
            Assert.Equal(TagWriteOutcome.Created, decision.Outcome);
            Assert.True(decision.IsAllowed);
            Assert.Null(decision.ExistingDigest);
        }
    }

    [Fact]
    public void An_immutable_tag_is_not_moved()
    {
        TagWriteDecision decision = TagMutabilityPolicy.Immutable.Evaluate(Latest, A, B);
        Assert.Equal(TagWriteOutcome.RejectedImmutable, decision.Outcome);
        Assert.False(decision.IsAllowed);
        Assert.Equal(A, decision.ExistingDigest);
        Assert.Equal(B, decision.ProposedDigest);
        Assert.Contains("rejected: tag 'latest'", decision.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_immutable_tag_is_not_re_pushed_even_with_the_same_digest() =>
        // ECR decision Q1: ImageTagAlreadyExistsException even when the digest has not changed
        Assert.Equal(TagWriteOutcome.RejectedImmutable, TagMutabilityPolicy.Immutable.Evaluate(Latest, A, A).Outcome);

    [Fact]
    public void A_mutable_tag_moves_or_stays()
    {
        Assert.Equal(TagWriteOutcome.Moved, TagMutabilityPolicy.Mutable.Evaluate(Latest, A, B).Outcome);
        Assert.Equal(TagWriteOutcome.Unchanged, TagMutabilityPolicy.Mutable.Evaluate(Latest, A, A).Outcome);
    }

    [Theory]
    [InlineData(ImageTagMutability.ImmutableWithExclusion, "IMMUTABLE_WITH_EXCLUSION")]
    [InlineData(ImageTagMutability.MutableWithExclusion, "MUTABLE_WITH_EXCLUSION")]
    public void Exclusion_modes_need_filters(ImageTagMutability mode, string name)
    {
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(() => TagMutabilityPolicy.Create(mode));
        Assert.Equal(
            $"Invalid parameter at 'imageTagMutabilityExclusionFilters' failed to satisfy constraint: 'ImageTagMutabilityExclusionFilters can't be null when imageTagMutability is set as {name}'",
            error.Message);
        Assert.Equal("imageTagMutabilityExclusionFilters", error.Parameter);
        Assert.Equal("InvalidParameterException", error.ErrorCode);
    }

    [Theory]
    [InlineData(ImageTagMutability.Mutable)]
    [InlineData(ImageTagMutability.Immutable)]
    public void Plain_modes_take_no_filters(ImageTagMutability mode)
    {
        // decision Q6: InvalidParameterException naming imageTagMutabilityExclusionFilters
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(() => Policy(mode, "latest"));
        Assert.Equal("imageTagMutabilityExclusionFilters", error.Parameter);
    }

    [Fact]
    public void At_most_five_filters()
    {
        Assert.Equal(5, Policy(ImageTagMutability.ImmutableWithExclusion, "a", "b", "c", "d", "e").Filters.Length);
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(() => Policy(ImageTagMutability.ImmutableWithExclusion, "a", "b", "c", "d", "e", "f"));
        Assert.Contains("less than or equal to 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_arguments_are_argument_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TagMutabilityPolicy.Create((ImageTagMutability)9));
        Assert.Throws<ArgumentException>(() => TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [default]));
        Assert.Throws<ArgumentException>(() => TagMutabilityPolicy.Mutable.Evaluate(default, null, A));
        Assert.Throws<ArgumentException>(() => TagMutabilityPolicy.Mutable.Evaluate(Latest, null, default));
        Assert.Throws<ArgumentException>(() => TagMutabilityPolicy.Mutable.Evaluate(Latest, default(Digest), A));
    }

    [Fact]
    public void Policies_compare_by_mode_and_filters()
    {
        Assert.Equal(Policy(ImageTagMutability.ImmutableWithExclusion, "a", "b"), Policy(ImageTagMutability.ImmutableWithExclusion, "a", "b"));
        Assert.NotEqual(Policy(ImageTagMutability.ImmutableWithExclusion, "a", "b"), Policy(ImageTagMutability.ImmutableWithExclusion, "b", "a"));
        Assert.Same(TagMutabilityPolicy.Immutable, TagMutabilityPolicy.Create(ImageTagMutability.Immutable));
        Assert.Equal("IMMUTABLE_WITH_EXCLUSION [a, b*]", Policy(ImageTagMutability.ImmutableWithExclusion, "a", "b*").ToString());
        Assert.True(TagMutabilityPolicy.Mutable != TagMutabilityPolicy.Immutable);
        Assert.False(TagMutabilityPolicy.Mutable == null);
    }

    private static Gen<TagMutabilityPolicy> Policies =>
        from mode in Gen.Elements(ImageTagMutability.Mutable, ImageTagMutability.Immutable, ImageTagMutability.ImmutableWithExclusion, ImageTagMutability.MutableWithExclusion)
        from filters in Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(Arbitraries.StringOf("ab*-", 1, 4), n))
        select mode is ImageTagMutability.Mutable or ImageTagMutability.Immutable
            ? TagMutabilityPolicy.Create(mode)
            : TagMutabilityPolicy.Create(mode, filters.Select(TagFilter.Parse));

    [Property]
    public Property The_exclusion_modes_are_complements_of_each_other() =>
        Prop.ForAll(
            Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(Arbitraries.StringOf("ab*-", 1, 4), n)).ToArbitrary(),
            Arbitraries.StringOf("ab-", 1, 6).ToArbitrary(),
            (filters, tag) =>
                Policy(ImageTagMutability.ImmutableWithExclusion, filters).IsImmutable(tag)
                != Policy(ImageTagMutability.MutableWithExclusion, filters).IsImmutable(tag));

    [Property]
    public Property Decisions_follow_the_ruling() =>
        Prop.ForAll(
            Policies.ToArbitrary(),
            Arbitraries.StringOf("ab-", 0, 6).Select(s => "a" + s).ToArbitrary(),
            Gen.Elements<(Digest?, Digest)>((null, A), (A, A), (A, B), (B, A), (null, B)).ToArbitrary(),
            (policy, text, write) =>
            {
                (Digest? current, Digest proposed) = write;
                Tag tag = Tag.Parse(text);
                TagWriteDecision decision = policy.Evaluate(tag, current, proposed);
                bool immutable = policy.IsImmutable(text);
                TagWriteOutcome expected = current is null ? TagWriteOutcome.Created
                    : immutable ? TagWriteOutcome.RejectedImmutable
                    : current == proposed ? TagWriteOutcome.Unchanged : TagWriteOutcome.Moved;
                return decision.Outcome == expected
                    && decision.Ruling == policy.Rule(text)
                    && decision.ExistingDigest == current
                    && decision.ProposedDigest == proposed
                    && decision.Equals(policy.Evaluate(tag, current, proposed));
            });

    [Property]
    public Property An_immutable_binding_never_changes_through_writes() =>
        Prop.ForAll(
            Policies.ToArbitrary(),
            Gen.ArrayOf(Gen.Elements(A, B)).ToArbitrary(),
            (policy, pushes) =>
            {
                Digest? bound = null;
                Digest? firstWhenImmutable = null;
                foreach (Digest proposed in pushes)
                {
                    TagWriteDecision decision = policy.Evaluate(Latest, bound, proposed);
                    if (decision.IsAllowed)
                    {
                        bound = proposed;
                    }

                    if (decision.Ruling.IsImmutable)
                    {
                        firstWhenImmutable ??= bound;
                        if (bound != firstWhenImmutable)
                        {
                            return false;
                        }
                    }
                }

                return true;
            });
}

public sealed class PolicyDefaultsTests
{
    [Fact]
    public void A_decision_that_was_never_taken_allows_nothing() => Assert.False(default(TagWriteDecision).IsAllowed);

    [Fact]
    public void No_filter_matches_the_default_tag() => Assert.False(TagFilter.Parse("*").IsMatch(default(Tag)));

    [Fact]
    public void An_endless_filter_sequence_is_refused_without_reading_it_all()
    {
        static IEnumerable<TagFilter> Endless()
        {
            while (true)
            {
                yield return TagFilter.Parse("a*");
            }
        }

        Assert.Throws<InvalidParameterException>(() => TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, Endless()));
    }
}
