using static TagImmutability.Tests.Registries.History.HistoryScenario;

namespace TagImmutability.Tests.Registries.History;

/// <summary>Guards the generators of the history properties: the scenarios reach every kind of event and answer, so the properties are not vacuous.</summary>
public sealed class CoverageGuardTests
{
    [Fact]
    public void Generated_scenarios_reach_every_event_kind_and_unknown_answers()
    {
        var kinds = new Dictionary<TagEventKind, int>();
        int unknown = 0;
        int changes = 0;
        foreach ((int policy, (int Kind, int A, int B)[] steps) in Gen.Zip(PolicyIndex, Steps).Sample(300))
        {
            (Registry registry, ManualClock clock) = NewRegistry(policy, maxHistory: 4);
            DateTimeOffset start = clock.Now;
            foreach (var step in steps)
            {
                Apply(registry, clock, step);
            }

            foreach (TagEvent e in registry.GetHistory(Repository))
            {
                kinds[e.Kind] = kinds.GetValueOrDefault(e.Kind) + 1;
            }

            unknown += TagTexts.Count(t => !registry.ResolveAt(Repository, Tag.Parse(t, GrammarProfile.Ecr), start).IsKnown);
            changes += PolicyPool.Sum(p => registry.PreviewPolicyChange(Repository, p).Length);
        }

        Assert.All(Enum.GetValues<TagEventKind>(), kind => Assert.True(kinds.GetValueOrDefault(kind) >= 10, $"{kind}: {kinds.GetValueOrDefault(kind)}"));
        Assert.True(unknown >= 10, $"unknown answers: {unknown}");
        Assert.True(changes >= 10, $"protection changes: {changes}");
    }
}
