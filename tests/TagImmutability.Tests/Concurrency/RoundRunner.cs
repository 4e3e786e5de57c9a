using System.Collections.Concurrent;
using TagImmutability.Tests.Registries.Model;

namespace TagImmutability.Tests.Concurrency;

/// <summary>
/// Runs many short concurrent histories on a fixed set of worker threads (starting threads per history would cost more
/// than the history): each round, every worker runs its program against the round's implementation at the same
/// moment, and the round ends when all are done. Every wait is bounded by <see cref="Deadline"/>, and running out of
/// time fails the test (a hang or a deadlock), rather than hiding it.
/// </summary>
public sealed class RoundRunner : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly Barrier _barrier;
    private readonly SpinBarrier _lockstep;
    private readonly Thread[] _workers;
    private readonly ConcurrentQueue<Exception> _errors = new();
    private Step[][] _programs = [];
    private Func<Step, string> _apply = _ => string.Empty;
    private TickRecorder _recorder = new();
    private List<HistoryOp>[] _logs = [];
    private volatile bool _stopping;

    public RoundRunner(int workers)
    {
        _barrier = new Barrier(workers + 1);
        _lockstep = new SpinBarrier(workers);
        _workers = [.. Enumerable.Range(0, workers).Select(w => new Thread(() => Work(w)) { IsBackground = true, Name = $"history worker {w}" })];
        foreach (Thread worker in _workers)
        {
            worker.Start();
        }
    }

    public int Workers => _workers.Length;

    /// <summary>Runs one round: worker <c>w</c> runs <paramref name="programs"/>[w] through <paramref name="apply"/>; returns each worker's log.</summary>
    public List<HistoryOp>[] Run(Func<Step, string> apply, Step[][] programs, TickRecorder recorder)
    {
        Assert.Equal(_workers.Length, programs.Length);
        _apply = apply;
        _programs = programs;
        _recorder = recorder;
        _logs = [.. programs.Select(_ => new List<HistoryOp>())];
        Assert.True(_barrier.SignalAndWait(Deadline), "the workers did not reach the start of a round: a hang");
        Assert.True(_barrier.SignalAndWait(Deadline), $"a round did not finish within {Deadline.TotalSeconds} s: a hang or a deadlock");
        if (!_errors.IsEmpty)
        {
            throw new AggregateException(_errors);
        }

        return _logs;
    }

    private void Work(int worker)
    {
        while (true)
        {
            if (!_barrier.SignalAndWait(Deadline) || _stopping)
            {
                return;
            }

            try
            {
                // Lockstep: before each call, every worker waits (spinning) for the others, so that their calls start
                // together and overlap, which a blocking barrier's wake-up latency would prevent.
                int steps = _programs.Max(p => p.Length);
                for (int i = 0; i < steps; i++)
                {
                    _lockstep.SignalAndWait(Deadline);
                    if (i < _programs[worker].Length)
                    {
                        _recorder.Record(worker, _logs[worker], _apply, _programs[worker][i]);
                    }
                }
            }
            catch (Exception error)
            {
                _errors.Enqueue(error);
            }

            if (!_barrier.SignalAndWait(Deadline))
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _barrier.SignalAndWait(TimeSpan.FromSeconds(5));
        foreach (Thread worker in _workers)
        {
            worker.Join(TimeSpan.FromSeconds(5));
        }

        _barrier.Dispose();
    }
}

/// <summary>A barrier that spins instead of sleeping, so that the threads leave it at nearly the same moment.</summary>
public sealed class SpinBarrier(int participants)
{
    private int _arrived;

    public void SignalAndWait(TimeSpan timeout)
    {
        int target = ((Interlocked.Increment(ref _arrived) - 1) / participants + 1) * participants;
        var spin = default(SpinWait);
        long end = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Volatile.Read(ref _arrived) < target)
        {
            if (Environment.TickCount64 > end)
            {
                throw new TimeoutException($"the threads did not all reach the lockstep barrier within {timeout.TotalSeconds} s: a hang or a deadlock");
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}

/// <summary>How many runs the concurrency tests make: the CI counts, or many more with <c>TAGIMM_LONG_RUNS=1</c>.</summary>
public static class RunLength
{
    /// <summary>Whether the long run is asked for (environment variable <c>TAGIMM_LONG_RUNS=1</c>).</summary>
    public static bool IsLong { get; } = Environment.GetEnvironmentVariable("TAGIMM_LONG_RUNS") == "1";

    /// <summary><paramref name="ci"/> normally; <paramref name="ci"/> times <paramref name="factor"/> in the long run.</summary>
    public static int Of(int ci, int factor = 40) => IsLong ? ci * factor : ci;

    /// <summary>The seed: <c>TAGIMM_SEED</c> when set (to replay a failure), else a new one each run.</summary>
    public static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("TAGIMM_SEED"), out int seed) ? seed : Environment.TickCount;
}
