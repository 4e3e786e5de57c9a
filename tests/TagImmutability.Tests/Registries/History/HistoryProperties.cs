using System.Collections.Immutable;
using static TagImmutability.Tests.Registries.History.HistoryScenario;

namespace TagImmutability.Tests.Registries.History;

/// <summary>ResolveAt against a replay: the bindings observed after each step, at the manual clock's time.</summary>
public sealed class HistoryProperties
{
    [Property(MaxTest = 300)]
    public Property ResolveAt_returns_what_a_replay_up_to_the_instant_gives() =>
        Prop.ForAll(
            PolicyIndex.ToArbitrary(),
            Steps.ToArbitrary(),
            Gen.Choose(-2, 60).ToArbitrary(),
            (policy, steps, offsetSeconds) =>
            {
                (Registry registry, ManualClock clock) = NewRegistry(policy);
                DateTimeOffset start = clock.Now;
                var observed = new List<(DateTimeOffset At, ImmutableDictionary<string, Digest> Bindings)> { (start, Bindings(registry)) };
                foreach (var step in steps)
                {
                    Apply(registry, clock, step);
                    observed.Add((clock.Now, Bindings(registry)));
                }

                DateTimeOffset instant = start + TimeSpan.FromSeconds(offsetSeconds);
                ImmutableDictionary<string, Digest> expected = observed.LastOrDefault(o => o.At <= instant).Bindings
                    ?? ImmutableDictionary<string, Digest>.Empty;
                return TagTexts.All(text =>
                    registry.ResolveAt(Repository, Tag.Parse(text, GrammarProfile.Ecr), instant)
                        == TagResolution.Known(expected.TryGetValue(text, out Digest d) ? d : null));
            });

    [Property(MaxTest = 300)]
    public Property A_bounded_history_answers_unknown_or_right_never_wrong() =>
        Prop.ForAll(
            PolicyIndex.ToArbitrary(),
            Steps.ToArbitrary(),
            Gen.Zip(Gen.Choose(-2, 60), Gen.Choose(1, 6)).ToArbitrary(),
            (policy, steps, probe) =>
            {
                (int offsetSeconds, int bound) = probe;
                (Registry registry, ManualClock clock) = NewRegistry(policy, bound);
                DateTimeOffset start = clock.Now;
                var observed = new List<(DateTimeOffset At, ImmutableDictionary<string, Digest> Bindings)> { (start, Bindings(registry)) };
                foreach (var step in steps)
                {
                    Apply(registry, clock, step);
                    observed.Add((clock.Now, Bindings(registry)));
                }

                var history = registry.GetHistory(Repository);
                DateTimeOffset instant = start + TimeSpan.FromSeconds(offsetSeconds);
                ImmutableDictionary<string, Digest> expected = observed.LastOrDefault(o => o.At <= instant).Bindings
                    ?? ImmutableDictionary<string, Digest>.Empty;
                bool sequential = history.Select((e, i) => e.Sequence == history[0].Sequence + i).All(b => b);
                return (history.Length <= bound && sequential && TagTexts.All(text =>
                {
                    TagResolution answer = registry.ResolveAt(Repository, Tag.Parse(text, GrammarProfile.Ecr), instant);
                    TagResolution truth = TagResolution.Known(expected.TryGetValue(text, out Digest d) ? d : null);
                    bool dropped = !history.IsEmpty && history[0].Sequence > 0;
                    return answer == truth || (!answer.IsKnown && dropped);
                })).Label($"{history.Length} events");
            });
}
