using TagImmutability.Tests.Registries.Model;

namespace TagImmutability.Tests.Concurrency;

/// <summary>
/// P-compositionality for the registry: a history is linearizable when the sub-history of each repository is, because
/// repositories are independent objects (no operation of one changes or reads another: Herlihy and Wing's locality).
/// Splitting by repository makes each search smaller. Splitting further, by tag, would not be sound: an image carries
/// several tags (a push answers with all of them), a deletion by digest removes all of an image's tags, and an index
/// pins its children, so operations on different tags interfere.
/// </summary>
public static class HistoryPartitions
{
    /// <summary>The repository a step is about; cross-repository steps have none and may not be partitioned.</summary>
    public static string RepositoryOf(Step step) => step switch
    {
        CreateRepo s => s.Repo,
        DeleteRepo s => s.Repo,
        SetPolicy s => s.Repo,
        Push s => s.Repo,
        DeleteImages s => s.Repo,
        GetImages s => s.Repo,
        DescribeByIds s => s.Repo,
        DescribeAll s => s.Repo,
        ListAll s => s.Repo,
        Resolve s => s.Repo,
        GetImage s => s.Repo,
        GetRepo s => s.Repo,
        _ => throw new ArgumentException($"{step} spans repositories: a history holding it cannot be split by repository", nameof(step)),
    };

    /// <summary>Each repository's sub-history, each thread's calls kept in their order.</summary>
    public static Dictionary<string, List<HistoryOp>[]> Split(IReadOnlyList<List<HistoryOp>> threads)
    {
        var partitions = new Dictionary<string, List<HistoryOp>[]>(StringComparer.Ordinal);
        for (int t = 0; t < threads.Count; t++)
        {
            foreach (HistoryOp op in threads[t])
            {
                string repository = RepositoryOf(op.Step);
                if (!partitions.TryGetValue(repository, out List<HistoryOp>[]? lists))
                {
                    lists = [.. Enumerable.Range(0, threads.Count).Select(_ => new List<HistoryOp>())];
                    partitions.Add(repository, lists);
                }

                lists[t].Add(op);
            }
        }

        return partitions;
    }

    /// <summary>
    /// Checks every repository's sub-history against the model from <paramref name="initial"/>; returns null when all
    /// are linearizable, else the first failure's report. <paramref name="nodes"/> counts the configurations searched.
    /// </summary>
    public static string? Check(IReadOnlyList<List<HistoryOp>> threads, ReferenceRegistry initial, out int nodes)
    {
        nodes = 0;
        foreach ((string repository, List<HistoryOp>[] lists) in Split(threads).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var checker = new LinearizabilityChecker(lists.Where(l => l.Count > 0).ToList());
            string? verdict = checker.Check(initial);
            nodes += checker.Nodes;
            if (verdict is not null)
            {
                return $"repository {repository}: {verdict}";
            }
        }

        return null;
    }
}

/// <summary>
/// Records calls with invocation and response ticks from one shared counter, for any implementation of the steps
/// (the real registry through <see cref="RegistryDriver"/>, or a deliberately broken one).
/// </summary>
public sealed class TickRecorder
{
    private long _clock;

    public long Now => Volatile.Read(ref _clock);

    public long Tick() => Interlocked.Increment(ref _clock);

    public HistoryOp Record(int thread, List<HistoryOp> log, Func<Step, string> apply, Step step)
    {
        long invoke = Tick();
        string outcome = apply(step);
        long response = Tick();
        var op = new HistoryOp(thread, log.Count, step, outcome, invoke, response);
        log.Add(op);
        return op;
    }
}
