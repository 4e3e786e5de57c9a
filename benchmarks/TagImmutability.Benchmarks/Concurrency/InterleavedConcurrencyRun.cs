using System.Diagnostics;
using System.Globalization;

namespace TagImmutability.Benchmarks.Concurrency;

/// <summary>
/// Benchmark 6 as a plain measured program (<c>--concurrency</c>): the three cases of <see cref="ConcurrencyBenchmarks"/>
/// (readers alone, with an unthrottled writer, with a writer at 10,000 moves per second) run in turn, round after
/// round, and each case's figure is the median over its rounds. On a machine other jobs share, load drifts over the
/// minutes a BenchmarkDotNet run of one case takes, which skews the ratio between cases measured minutes apart;
/// interleaving puts every case under the same drift.
/// </summary>
public static class InterleavedConcurrencyRun
{
    /// <summary>Runs <paramref name="rounds"/> rounds of each case at each size and prints reads per second per reader.</summary>
    /// <param name="sizes">The tag counts.</param>
    /// <param name="rounds">Rounds per case (each about 20 to 100 ms).</param>
    /// <param name="output">Where the table goes.</param>
    public static void Run(IEnumerable<int> sizes, int rounds, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"2 readers x {ConcurrencyBenchmarks.ReadsPerReader:N0} TryResolveTag each per round; {rounds} rounds per case, interleaved; medians"));
        output.WriteLine();
        output.WriteLine("| Tags | Case | Reads/s per reader (median) | Share of solo | Writer moves/s |");
        output.WriteLine("|---:|---|---:|---:|---:|");
        foreach (int size in sizes)
        {
            var benchmark = new ConcurrencyBenchmarks { Tags = size, ReportsWriterRate = false };
            benchmark.SetUp();
            var cases = new (string Name, Func<int> Run, List<double> ReadsPerSecond)[]
            {
                ("readers alone", benchmark.ReadersAlone, []),
                ("with writer (unthrottled)", benchmark.ReadersWithWriter, []),
                ("with writer (10,000 moves/s)", benchmark.ReadersWithThrottledWriter, []),
            };
            var moves = new (long Moves, long Ticks)[cases.Length];
            for (int round = 0; round < rounds; round++)
            {
                for (int c = 0; c < cases.Length; c++)
                {
                    (long movesBefore, long ticksBefore) = benchmark.WriterTotals;
                    long start = Stopwatch.GetTimestamp();
                    cases[c].Run();
                    double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                    cases[c].ReadsPerSecond.Add(ConcurrencyBenchmarks.ReadsPerReader / seconds);
                    (long movesAfter, long ticksAfter) = benchmark.WriterTotals;
                    moves[c] = (moves[c].Moves + movesAfter - movesBefore, moves[c].Ticks + ticksAfter - ticksBefore);
                }
            }

            double solo = Median(cases[0].ReadsPerSecond);
            for (int c = 0; c < cases.Length; c++)
            {
                double median = Median(cases[c].ReadsPerSecond);
                string writer = moves[c].Ticks == 0 ? "-" : (moves[c].Moves / (moves[c].Ticks / (double)Stopwatch.Frequency)).ToString("N0", CultureInfo.InvariantCulture);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size:N0} | {cases[c].Name} | {median:N0} | {median / solo:P0} | {writer} |"));
            }

            benchmark.CleanUp();
        }
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
