using static TagImmutability.Tests.Registries.History.HistoryScenario;

namespace TagImmutability.Tests.Registries.History;

/// <summary>The dry runs agree with what writes actually do, on random states and policies.</summary>
public sealed class DryRunProperties
{
    [Property(MaxTest = 300)]
    public Property Explain_agrees_with_the_push_that_follows() =>
        Prop.ForAll(
            PolicyIndex.ToArbitrary(),
            Steps.ToArbitrary(),
            Gen.Zip(Gen.Choose(0, 4), Gen.Choose(0, Images.Length)).ToArbitrary(),
            (policy, steps, target) =>
            {
                (int tagIndex, int imageIndex) = target;
                (Registry registry, ManualClock clock) = NewRegistry(policy);
                foreach (var step in steps)
                {
                    Apply(registry, clock, step);
                }

                Tag tag = TagAt(tagIndex);
                ParsedManifest manifest = imageIndex < Images.Length ? Images[imageIndex] : Probe;
                TagExplanation explanation = registry.Explain(Repository, tag);
                TagWriteDecision predicted = explanation.Decide(manifest.Digest);
                TagWriteOutcome? predictedSame = explanation.PushOfSameDigest;
                TagWriteOutcome predictedDifferent = explanation.PushOfDifferentDigest;
                Digest? before = explanation.CurrentDigest;
                TagWriteOutcome actual = Push(registry, manifest, tag, before);
                bool named = registry.TryResolveTag(Repository, tag, out Digest after);
                bool bindingRight = actual is TagWriteOutcome.Created or TagWriteOutcome.Moved
                    ? named && after == manifest.Digest
                    : Nullable.Equals(before, named ? after : null);
                bool summariesRight = before == manifest.Digest ? predictedSame == actual : predictedDifferent == actual;
                return (predicted.Outcome == actual && bindingRight && summariesRight)
                    .Label($"predicted {predicted}, actual {actual}, same {predictedSame}, different {predictedDifferent}");
            });

    [Property(MaxTest = 200)]
    public Property PreviewPolicyChange_predicts_what_writes_decide_after_the_change() =>
        Prop.ForAll(
            PolicyIndex.ToArbitrary(),
            Steps.ToArbitrary(),
            PolicyIndex.ToArbitrary(),
            (policy, steps, proposed) =>
            {
                // Two identical registries: one keeps its policy, the other takes the proposed one. A probe push to every
                // existing tag in both shows which tags' protection the change actually changes.
                (Registry kept, ManualClock keptClock) = NewRegistry(policy);
                (Registry changed, ManualClock changedClock) = NewRegistry(policy);
                foreach (var step in steps)
                {
                    Apply(kept, keptClock, step);
                    Apply(changed, changedClock, step);
                }

                var preview = changed.PreviewPolicyChange(Repository, PolicyPool[proposed]).ToDictionary(c => c.Tag.Value, StringComparer.Ordinal);
                changed.PutImageTagMutability(Repository, PolicyPool[proposed]);
                bool ok = true;
                var bindings = Bindings(kept);
                foreach ((string text, Digest digest) in bindings)
                {
                    Tag tag = Tag.Parse(text, GrammarProfile.Ecr);
                    bool rejectedBefore = Push(kept, Probe, tag, digest) == TagWriteOutcome.RejectedImmutable;
                    bool rejectedAfter = Push(changed, Probe, tag, digest) == TagWriteOutcome.RejectedImmutable;
                    ok &= preview.TryGetValue(text, out TagProtectionChange? change)
                        ? rejectedBefore != rejectedAfter && change.BecomesImmutable == rejectedAfter && change.Digest == digest
                        : rejectedBefore == rejectedAfter;
                }

                return (ok && preview.Keys.All(bindings.ContainsKey)).Label(string.Join("; ", preview.Values));
            });

    [Property(MaxTest = 200)]
    public Property CheckPushPlan_predicts_the_pushes_applied_in_order() =>
        Prop.ForAll(
            Gen.Zip(PolicyIndex, Gen.Choose(-1, PolicyPool.Length - 1)).ToArbitrary(),
            Steps.ToArbitrary(),
            Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 4), Gen.Choose(0, Images.Length - 1))).ToArbitrary(),
            (policies, steps, plan) =>
            {
                (int policy, int proposed) = policies;
                // proposed -1: the repository's own policy; otherwise the plan is checked under the proposed policy,
                // which is then applied before the pushes.
                (Registry registry, ManualClock clock) = NewRegistry(policy);
                foreach (var step in steps)
                {
                    Apply(registry, clock, step);
                }

                var pushes = plan.Select(p => (TagAt(p.Item1), Images[p.Item2].Digest)).ToArray();
                var decisions = proposed < 0 ? registry.CheckPushPlan(Repository, pushes) : registry.CheckPushPlan(Repository, pushes, PolicyPool[proposed]);
                if (proposed >= 0)
                {
                    registry.PutImageTagMutability(Repository, PolicyPool[proposed]);
                }

                var actual = plan.Select(p =>
                {
                    Tag tag = TagAt(p.Item1);
                    return Push(registry, Images[p.Item2], tag, registry.TryResolveTag(Repository, tag, out Digest d) ? d : null);
                }).ToArray();
                return decisions.Select(d => d.Outcome).SequenceEqual(actual)
                    .Label($"predicted [{string.Join(", ", decisions.Select(d => d.Outcome))}], actual [{string.Join(", ", actual)}]");
            });

    [Property(MaxTest = 100)]
    public Property Dry_runs_write_nothing() =>
        Prop.ForAll(
            PolicyIndex.ToArbitrary(),
            Steps.ToArbitrary(),
            PolicyIndex.ToArbitrary(),
            (policy, steps, proposed) =>
            {
                (Registry registry, ManualClock clock) = NewRegistry(policy);
                foreach (var step in steps)
                {
                    Apply(registry, clock, step);
                }

                var history = registry.GetHistory(Repository);
                var bindings = Bindings(registry);
                var images = registry.DescribeImages(Repository);
                TagMutabilityPolicy current = registry.GetRepository(Repository).Policy;
                foreach (string text in TagTexts)
                {
                    registry.Explain(Repository, Tag.Parse(text, GrammarProfile.Ecr));
                }

                registry.PreviewPolicyChange(Repository, PolicyPool[proposed]);
                registry.VerifyPattern(Repository, TagFilter.Parse("*"));
                registry.CheckPushPlan(Repository, [(TagAt(0), Probe.Digest), (TagAt(1), Probe.Digest)]);
                registry.PlanUntaggedExpiry(Repository, TimeSpan.Zero);
                return history.SequenceEqual(registry.GetHistory(Repository))
                    && bindings.SequenceEqual(Bindings(registry))
                    && images.SequenceEqual(registry.DescribeImages(Repository))
                    && registry.GetRepository(Repository).Policy == current;
            });
}
