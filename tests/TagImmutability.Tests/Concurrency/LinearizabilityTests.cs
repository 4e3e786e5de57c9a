using System.Diagnostics;
using TagImmutability.Tests.Registries;
using TagImmutability.Tests.Registries.Model;
using Xunit.Abstractions;

namespace TagImmutability.Tests.Concurrency;

/// <summary>
/// Thousands of short random concurrent histories against one registry each, checked for linearizability against the
/// sequential reference model (<see cref="ReferenceRegistry"/>) with a Wing–Gong search memoised on (calls placed,
/// model state), split by repository (<see cref="HistoryPartitions"/>). And the same harness run against a registry
/// wrapper with a non-atomic check-then-act, which the checker must catch: a checker that never fails proves nothing.
/// Longer run: <c>TAGIMM_LONG_RUNS=1 dotnet test tests/TagImmutability.Tests --filter FullyQualifiedName~Concurrency</c>
/// (40 times the histories); <c>TAGIMM_SEED=n</c> replays a run.
/// </summary>
[Collection(Fuzzing.TimingCollection.Name)]
public sealed class LinearizabilityTests(ITestOutputHelper output)
{
    private const int Workers = 3;

    private sealed record Totals(int Histories, int Calls, int Overlaps, int RoundsWithOverlap, int Nodes, TimeSpan Elapsed)
    {
        public override string ToString() =>
            $"{Histories} histories, {Calls} calls, {Overlaps} overlapping pairs of writes ({RoundsWithOverlap} histories with at least one), {Nodes} search nodes, {Elapsed.TotalSeconds:F1} s";
    }

    /// <summary>
    /// Runs <paramref name="rounds"/> short histories against registries <paramref name="factory"/> builds (one per
    /// history), as the tests here do in memory: the first violation's report (null when every history is
    /// linearizable) and a summary. For other stores (TagImmutability.PostgreSql.Tests runs it over PostgreSQL).
    /// </summary>
    public static (string? Violation, string Summary) CheckHistories(RegistryFactory factory, int seed, int rounds)
    {
        (string? violation, Totals totals) = Run(seed, rounds, rounds, TimeSpan.MaxValue, registry => new RegistryDriver(registry).Apply, factory.Create);
        return (violation, $"seed {seed}: {totals} ({factory})");
    }

    /// <summary>
    /// A stopped clock that gives up the processor whenever it is read. The registry reads its clock inside a
    /// repository's write lock (to stamp a new image or a tag event), so a write yields while it holds the lock: the
    /// other workers' calls start meanwhile, and calls overlap even when the machine is busy.
    /// </summary>
    private sealed class YieldingClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow()
        {
            Thread.Yield();
            return RegistryDriver.Epoch;
        }
    }

    /// <summary>
    /// Runs histories until <paramref name="rounds"/> are done, or at least <paramref name="minimum"/> are done and
    /// <paramref name="budget"/> has passed (a busy machine checks fewer), or one is not linearizable; returns the first
    /// violation's report.
    /// </summary>
    private static (string? Violation, Totals Totals) Run(int seed, int rounds, int minimum, TimeSpan budget, Func<Registry, Func<Step, string>> implementation, Func<RegistryOptions, Registry>? create = null)
    {
        var random = new Random(seed);
        var watch = Stopwatch.StartNew();
        int calls = 0, overlaps = 0, withOverlap = 0, nodes = 0;
        using var runner = new RoundRunner(Workers);
        int round = 0;
        for (; round < rounds && (round < minimum || watch.Elapsed < budget); round++)
        {
            ShortHistories.Round history = ShortHistories.Next(random, Workers);
            var options = new RegistryOptions { TimeProvider = new YieldingClock() };
            Registry registry = create is null ? new Registry(options) : create(options);
            var driver = new RegistryDriver(registry);
            var model = new ReferenceRegistry(Limits.Ecr);
            foreach (Step step in history.Setup)
            {
                Assert.Equal(model.Apply(step), driver.Apply(step));
            }

            var recorder = new TickRecorder();
            Func<Step, string> apply = implementation(registry);
            List<HistoryOp>[] logs = runner.Run(apply, history.Programs, recorder);
            var final = new List<HistoryOp>();
            foreach (Step read in ShortHistories.FinalReads())
            {
                recorder.Record(Workers, final, driver.Apply, read);
            }

            List<HistoryOp>[] all = [.. logs, final];
            int overlap = ShortHistories.OverlappingWrites(logs);
            overlaps += overlap;
            withOverlap += overlap > 0 ? 1 : 0;
            calls += all.Sum(l => l.Count);
            string? verdict = HistoryPartitions.Check(all, model, out int searched);
            nodes += searched;
            if (verdict is not null)
            {
                string context = $"seed {seed}, round {round}\nsetup: {string.Join("; ", history.Setup.Select(s => s.ToString()))}\nhistory:\n{string.Join("\n", all.SelectMany(l => l).OrderBy(o => o.Invoke))}";
                return ($"{verdict}\n{context}", new Totals(round + 1, calls, overlaps, withOverlap, nodes, watch.Elapsed));
            }
        }

        return (null, new Totals(round, calls, overlaps, withOverlap, nodes, watch.Elapsed));
    }

    [Fact]
    public void Thousands_of_short_concurrent_histories_are_linearizable()
    {
        int seed = RunLength.Seed();
        (string? violation, Totals totals) = Run(
            seed,
            RunLength.Of(2000),
            RunLength.Of(1000),
            RunLength.IsLong ? TimeSpan.MaxValue : TimeSpan.FromSeconds(15),
            registry => new RegistryDriver(registry).Apply);

        output.WriteLine($"seed {seed}: {totals}");
        Assert.True(violation is null, violation);

        // Not vacuous: the workers' writes really ran at the same time in most histories.
        Assert.True(totals.RoundsWithOverlap * 2 >= totals.Histories, $"only {totals.RoundsWithOverlap} of {totals.Histories} histories had overlapping writes");
    }

    [Fact]
    public void A_registry_with_a_non_atomic_check_then_act_is_caught()
    {
        int seed = RunLength.Seed();
        (string? violation, Totals totals) = Run(seed, 3000, 3000, TimeSpan.MaxValue, registry => new CheckThenActRegistry(registry).Apply);

        output.WriteLine($"seed {seed}: caught after {totals}");
        Assert.NotNull(violation);
        output.WriteLine(violation);
    }
}
