using System.Collections.Immutable;
using TagImmutability.Tests.Generators;

namespace TagImmutability.Tests.Policies.Engine;

/// <summary>Properties of the general engine over random histories.</summary>
public sealed class PolicyEngineProperties
{
    private const string Repo = "app";
    private static readonly Digest[] Digests = [Digest.Compute("a"u8), Digest.Compute("b"u8), Digest.Compute("c"u8)];
    private static readonly string[] TagNames = ["a", "b", "ab", "ba", "v1", "latest", "sha256-" + new string('e', 64)];

    /// <summary>An operation of a history: push (tag, digest) when Remove is false, else remove the tag if bound.</summary>
    public readonly record struct Step(int Tag, int Digest, bool Remove);

    private static Gen<Step[]> Histories =>
        Gen.ArrayOf(
            from tag in Gen.Choose(0, TagNames.Length - 1)
            from digest in Gen.Choose(0, Digests.Length - 1)
            from remove in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
            select new Step(tag, digest, remove));

    private static Gen<TagMutabilityPolicy> EcrPolicies =>
        from mode in Gen.Elements(ImageTagMutability.Mutable, ImageTagMutability.Immutable, ImageTagMutability.ImmutableWithExclusion, ImageTagMutability.MutableWithExclusion)
        from filters in Gen.Choose(1, 5).SelectMany(n => Gen.ArrayOf(Arbitraries.StringOf("ab*v1", 1, 4), n))
        select mode is ImageTagMutability.Mutable or ImageTagMutability.Immutable
            ? TagMutabilityPolicy.Create(mode)
            : TagMutabilityPolicy.Create(mode, filters.Select(TagFilter.Parse));

    private static Gen<ImmutabilityPolicy> AnyPolicies =>
        Gen.OneOf(
            EcrPolicies.Select(ImmutabilityPolicy.Ecr),
            Gen.Elements(
                ImmutabilityPolicy.None,
                ImmutabilityPolicy.GoogleArtifactRegistry(true),
                ImmutabilityPolicy.Harbor([ImmutabilityRule.Harbor("h", "**", "{a,v*}")]),
                ImmutabilityPolicy.GitLab("b"),
                ImmutabilityPolicy.DockerHub("^a"),
                ImmutabilityPolicy.Quay(("a.*", true)),
                ImmutabilityPolicy.Quay(("latest", false)),
                ImmutabilityPolicy.WriteOnce(allowDelete: true),
                ImmutabilityPolicy.Harbor([ImmutabilityRule.Harbor("h", "**", "**")]).With(signatureTags: SignatureTagHandling.AppendOnly)));

    [Property(MaxTest = 300)]
    public Property The_ECR_profile_decides_like_the_dedicated_ECR_path_on_random_histories() =>
        Prop.ForAll(EcrPolicies.ToArbitrary(), Histories.ToArbitrary(), (ecr, history) =>
        {
            ImmutabilityPolicy general = ImmutabilityPolicy.Ecr(ecr);
            var dedicatedMap = new Dictionary<string, Digest>(StringComparer.Ordinal);
            var generalMap = new Dictionary<string, Digest>(StringComparer.Ordinal);
            foreach (Step step in history)
            {
                Tag tag = Tag.Parse(TagNames[step.Tag]);
                if (step.Remove)
                {
                    // ECR never blocks untagging (BatchDeleteImage by tag); the general engine must agree.
                    if (generalMap.TryGetValue(tag.Value, out Digest bound) && !general.DecideRemoveTag(Repo, new TagBinding(tag, bound)).IsAllowed)
                    {
                        return false.Label("general engine blocked a remove under " + ecr);
                    }

                    dedicatedMap.Remove(tag.Value);
                    generalMap.Remove(tag.Value);
                    continue;
                }

                Digest proposed = Digests[step.Digest];
                TagWriteDecision expected = ecr.Evaluate(tag, dedicatedMap.TryGetValue(tag.Value, out Digest d) ? d : null, proposed);
                PolicyDecision actual = general.DecidePush(Repo, tag, generalMap.TryGetValue(tag.Value, out Digest g) ? new TagBinding(tag, g) : null, proposed);
                PolicyOutcome mapped = expected.Outcome switch
                {
                    TagWriteOutcome.Created => PolicyOutcome.Created,
                    TagWriteOutcome.Unchanged => PolicyOutcome.Unchanged,
                    TagWriteOutcome.Moved => PolicyOutcome.Moved,
                    _ => PolicyOutcome.Denied,
                };
                if (mapped != actual.Outcome)
                {
                    return false.Label($"{ecr}: {tag} -> {expected.Outcome} vs {actual}");
                }

                bool filterDecided = actual.Outcome != PolicyOutcome.Created
                    && (ecr.Mode == ImageTagMutability.MutableWithExclusion ? !actual.IsAllowed : ecr.Mode == ImageTagMutability.ImmutableWithExclusion && actual.IsAllowed);
                if (filterDecided && actual.RulePattern != expected.Ruling.MatchedFilter?.Pattern)
                {
                    return false.Label($"{ecr}: deciding filter {expected.Ruling.MatchedFilter} vs {actual.RulePattern}");
                }

                if (expected.IsAllowed)
                {
                    dedicatedMap[tag.Value] = proposed;
                }

                if (actual.IsAllowed)
                {
                    generalMap[tag.Value] = proposed;
                }
            }

            return dedicatedMap.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(generalMap.OrderBy(p => p.Key, StringComparer.Ordinal)).Label("final maps differ");
        });

    [Property(MaxTest = 300)]
    public Property A_policy_change_never_alters_existing_bindings_or_clears_a_flag() =>
        Prop.ForAll(AnyPolicies.ToArbitrary(), AnyPolicies.ToArbitrary(), Histories.ToArbitrary(), (before, after, history) =>
        {
            ImmutableBindings bindings = Run(before, history);
            ImmutableArray<TagBinding> adopted = after.ApplyRetroactively(Repo, bindings.All);
            bool sameBindings = adopted.Select(b => (b.Tag, b.Digest)).SequenceEqual(bindings.All.Select(b => (b.Tag, b.Digest)));
            bool flagsKept = adopted.Zip(bindings.All).All(p => p.First.IsStickyImmutable || !p.Second.IsStickyImmutable);
            // A flagged tag stays protected under the new policy whenever that policy honours flags.
            bool stillProtected = after.Evaluation != PolicyEvaluation.Sticky || adopted.Where(b => b.IsStickyImmutable && !SignatureTags.IsSignatureTag(b.Tag.Value))
                .All(b => !after.DecidePush(Repo, b.Tag, b, Digests.First(x => x != b.Digest)).IsAllowed);
            return (sameBindings && flagsKept && stillProtected).Label($"{before.Rules.Length} rules → {after.Rules.Length} rules");
        });

    [Property(MaxTest = 300)]
    public Property Under_any_policy_a_protected_tag_never_moves_in_a_history() =>
        Prop.ForAll(AnyPolicies.ToArbitrary(), Histories.ToArbitrary(), (policy, history) =>
        {
            var map = new Dictionary<string, TagBinding>(StringComparer.Ordinal);
            foreach (Step step in history)
            {
                Tag tag = Tag.Parse(TagNames[step.Tag]);
                TagBinding? current = map.TryGetValue(tag.Value, out TagBinding b) ? b : null;
                if (step.Remove)
                {
                    continue;
                }

                Digest proposed = Digests[step.Digest];
                PolicyDecision decision = policy.DecidePush(Repo, tag, current, proposed);
                bool protectedNow = current is { } c && proposed != c.Digest
                    && (policy.Evaluation == PolicyEvaluation.Live ? (policy.ProtectionOf(Repo, tag.Value) & TagProtection.BlockMove) != 0 : c.IsStickyImmutable)
                    && !(policy.SignatureTags != SignatureTagHandling.AsRules && SignatureTags.IsSignatureTag(tag.Value));
                if (protectedNow && decision.IsAllowed)
                {
                    return false.Label($"protected {tag} moved: {decision}");
                }

                if (protectedNow && decision.RuleId is null)
                {
                    return false.Label("denial without a rule id");
                }

                if (decision.IsAllowed)
                {
                    map[tag.Value] = new TagBinding(tag, proposed, current?.IsStickyImmutable == true || decision.SetsStickyFlag);
                }
            }

            return true.ToProperty();
        });

    private static ImmutableBindings Run(ImmutabilityPolicy policy, Step[] history)
    {
        var map = new Dictionary<string, TagBinding>(StringComparer.Ordinal);
        foreach (Step step in history)
        {
            Tag tag = Tag.Parse(TagNames[step.Tag]);
            TagBinding? current = map.TryGetValue(tag.Value, out TagBinding b) ? b : null;
            if (step.Remove)
            {
                if (current is { } bound && policy.DecideRemoveTag(Repo, bound).IsAllowed)
                {
                    map.Remove(tag.Value);
                }

                continue;
            }

            PolicyDecision decision = policy.DecidePush(Repo, tag, current, Digests[step.Digest]);
            if (decision.IsAllowed)
            {
                map[tag.Value] = new TagBinding(tag, Digests[step.Digest], current?.IsStickyImmutable == true || decision.SetsStickyFlag);
            }
        }

        return new ImmutableBindings([.. map.Values.OrderBy(v => v.Tag.Value, StringComparer.Ordinal)]);
    }

    private sealed record ImmutableBindings(TagBinding[] All);
}
