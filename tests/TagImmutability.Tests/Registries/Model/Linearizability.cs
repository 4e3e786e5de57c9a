using System.Text;

namespace TagImmutability.Tests.Registries.Model;

/// <summary>One completed call of a concurrent history: what was called, what it returned, and when (logical ticks).</summary>
public sealed record HistoryOp(int Thread, int Index, Step Step, string Outcome, long Invoke, long Response)
{
    /// <summary>Whether the call left the state as it was, whatever state it met: reads, failures, and deletes that deleted nothing.</summary>
    public bool IsPure => Step.IsRead || Outcomes.IsFailure(Outcome) || Outcome.StartsWith("ok deleted=[]", StringComparison.Ordinal);

    public override string ToString() => $"t{Thread}#{Index} [{Invoke}..{Response}] {Step} => {Outcome}";
}

/// <summary>Records calls with invocation and response ticks from one shared counter.</summary>
public sealed class HistoryRecorder
{
    private long _clock;

    public long Tick() => Interlocked.Increment(ref _clock);

    /// <summary>Runs <paramref name="step"/> through <paramref name="driver"/> and records it in <paramref name="log"/>.</summary>
    public HistoryOp Record(int thread, List<HistoryOp> log, RegistryDriver driver, Step step)
    {
        long invoke = Tick();
        string outcome = driver.Apply(step);
        long response = Tick();
        var op = new HistoryOp(thread, log.Count, step, outcome, invoke, response);
        log.Add(op);
        return op;
    }
}

/// <summary>
/// Checks that a concurrent history is linearizable with respect to <see cref="ReferenceRegistry"/>: that some order
/// of all the calls, consistent with real time (a call that returned before another was invoked comes first) and
/// with each thread's own order, gives every call exactly the outcome it had. A depth-first search over (per-thread
/// progress, model state) with memoisation (Wing and Gong, with Lowe's caching). Calls that cannot change the state
/// are placed as soon as they are allowed and agree with the model, without branching, which is sound because
/// placing them earlier never hurts a later call.
/// </summary>
public sealed class LinearizabilityChecker
{
    private readonly List<HistoryOp>[] _threads;
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
    private readonly int _budget;
    private int _deepest = -1;
    private string _deepestReport = string.Empty;

    public LinearizabilityChecker(IEnumerable<List<HistoryOp>> threads, int budget = 2_000_000)
    {
        _threads = [.. threads];
        _budget = budget;
    }

    /// <summary>How many configurations the search expanded.</summary>
    public int Nodes { get; private set; }

    /// <summary>Searches for a linearization from <paramref name="initial"/>; null when one exists, else a report of how far it got.</summary>
    public string? Check(ReferenceRegistry initial)
    {
        if (Search(new int[_threads.Length], initial.Clone()))
        {
            return null;
        }

        return $"no linearization; the search placed at most {_deepest} calls. There:\n{_deepestReport}";
    }

    private bool Search(int[] position, ReferenceRegistry model)
    {
        // Place every allowed call that cannot change the state and agrees with the model, without branching.
        bool progress = true;
        while (progress)
        {
            progress = false;
            long earliestResponse = EarliestResponse(position);
            for (int t = 0; t < _threads.Length && !progress; t++)
            {
                if (Next(position, t) is { IsPure: true } op && op.Invoke < earliestResponse && model.Clone().Apply(op.Step) == op.Outcome)
                {
                    position[t]++;
                    progress = true;
                }
            }
        }

        if (Enumerable.Range(0, _threads.Length).All(t => position[t] == _threads[t].Count))
        {
            return true;
        }

        Note(position, model);
        if (!_visited.Add(string.Join(",", position) + "|" + Outcomes.Render(model.View())))
        {
            return false;
        }

        if (++Nodes > _budget)
        {
            throw new InvalidOperationException($"linearizability search exceeded {_budget} configurations: inconclusive, which fails the test");
        }

        long earliest = EarliestResponse(position);
        for (int t = 0; t < _threads.Length; t++)
        {
            if (Next(position, t) is { IsPure: false } op && op.Invoke < earliest)
            {
                ReferenceRegistry next = model.Clone();
                if (next.Apply(op.Step) == op.Outcome)
                {
                    int[] advanced = (int[])position.Clone();
                    advanced[t]++;
                    if (Search(advanced, next))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private HistoryOp? Next(int[] position, int thread) =>
        position[thread] < _threads[thread].Count ? _threads[thread][position[thread]] : null;

    private long EarliestResponse(int[] position)
    {
        long earliest = long.MaxValue;
        for (int t = 0; t < _threads.Length; t++)
        {
            if (Next(position, t) is { } op)
            {
                earliest = Math.Min(earliest, op.Response);
            }
        }

        return earliest;
    }

    private void Note(int[] position, ReferenceRegistry model)
    {
        int placed = position.Sum();
        if (placed <= _deepest)
        {
            return;
        }

        _deepest = placed;
        var report = new StringBuilder();
        for (int t = 0; t < _threads.Length; t++)
        {
            report.Append($"  thread {t}: placed {position[t]}/{_threads[t].Count}");
            if (Next(position, t) is { } op)
            {
                report.Append($"; next {op}; the model would answer {model.Clone().Apply(op.Step)}");
            }

            report.Append('\n');
        }

        report.Append("model state:\n").Append(Outcomes.Render(model.View()));
        _deepestReport = report.ToString();
    }
}
