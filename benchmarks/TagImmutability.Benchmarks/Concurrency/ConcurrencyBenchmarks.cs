using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using TagImmutability.Benchmarks.Shared;

namespace TagImmutability.Benchmarks.Concurrency;

/// <summary>
/// Benchmark 6 of the hot-path issue: 2 reader threads resolving tags (<see cref="Registry.TryResolveTag(RepositoryName, Tag, out Digest)"/>,
/// random hits) in a repository of 10,000 or 1,000,000 tags while 1 writer thread moves tags
/// (<see cref="Registry.TagImage"/> in the MUTABLE repository), against the same readers alone, in the same run.
/// </summary>
/// <remarks>
/// <para>
/// One invocation starts the threads, lets each reader resolve <see cref="ReadsPerReader"/> tags, and stops the writer
/// when both readers are done; the time per operation is the invocation's wall time over <see cref="ReadsPerReader"/>,
/// so it is the time one read takes on one reader, and the Ratio column is the readers' slowdown (1 / the share of solo
/// throughput they keep). The thread starts and joins cost about 0.1 ms of a 20-60 ms invocation.
/// </para>
/// <para>
/// This machine has 2 cores, so 2 readers and an unthrottled writer are 3 busy threads on 2 cores: the readers lose a
/// third of their CPU time to the writer whatever the registry does. The throttled variant moves 10,000 tags per second
/// (a very busy registry; the writer sleeps between bursts), which is what a reader on a real server shares its
/// repository with. The writers' achieved rates are printed at the end of each benchmark process's log.
/// </para>
/// <para>The writer moves 64 tags of its own between 2 images of its own; the repository is put back afterwards.</para>
/// </remarks>
[MemoryDiagnoser]
public class ConcurrencyBenchmarks
{
    /// <summary>Reads each reader does per invocation: 524,288.</summary>
    public const int ReadsPerReader = 4 * Probes.Count;

    /// <summary>The throttled writer's rate: 10,000 moves per second.</summary>
    public const int ThrottledMovesPerSecond = 10_000;

    private const int MovingTags = 64;

    private TagRegistry _fixture = null!;
    private Registry _registry = null!;
    private RepositoryName _repository;
    private Probes _probes = null!;
    private RepositoryCheckpoint _original;
    private Digest _imageA;
    private Digest _imageB;
    private Tag[] _moving = [];
    private bool[] _onB = [];
    private string _writerKind = "none";
    private long _moves;
    private long _writerTicks;
    private int _found;

    /// <summary>How many tags the repository holds.</summary>
    [ParamsSource(typeof(TagCounts), nameof(TagCounts.Sizes))]
    public int Tags { get; set; }

    /// <summary>Pushes the writer's images and binds its tags.</summary>
    [GlobalSetup]
    public void SetUp()
    {
        TagFixture fixture = TagFixture.Get(Tags);
        _fixture = fixture.Registry;
        _registry = _fixture.Registry;
        _repository = _fixture.Repository;
        _probes = fixture.HitProbes;
        _original = new RepositoryCheckpoint(_fixture);
        _imageA = _registry.PutImage(_repository, OciManifests.Image(4_000_001).Content).Digest;
        _imageB = _registry.PutImage(_repository, OciManifests.Image(4_000_002).Content).Digest;
        _moving = [.. Enumerable.Range(0, MovingTags).Select(i => Tag.Parse($"env-{i}", GrammarProfile.Ecr))];
        _onB = new bool[MovingTags];
        foreach (Tag tag in _moving)
        {
            _registry.TagImage(_repository, tag, _imageA);
        }

        _moves = 0;
        _writerTicks = 0;
        ReadersWithWriter();
        if (_found != 2 * ReadsPerReader || _moves == 0)
        {
            throw new InvalidOperationException($"readers found {_found} of {2 * ReadsPerReader} tags; the writer moved {_moves}");
        }

        _moves = 0;
        _writerTicks = 0;
    }

    /// <summary>The writer's moves and the time it ran (<see cref="Stopwatch"/> ticks) since the setup.</summary>
    public (long Moves, long Ticks) WriterTotals => (Interlocked.Read(ref _moves), Interlocked.Read(ref _writerTicks));

    /// <summary>
    /// Whether <see cref="CleanUp"/> prints the writer's rate: true under BenchmarkDotNet, where a process runs one case;
    /// the interleaved run, whose writer cases share the counters, prints each case's rate itself.
    /// </summary>
    public bool ReportsWriterRate { get; init; } = true;

    /// <summary>Prints the writer's achieved rate (see <see cref="ReportsWriterRate"/>) and puts the repository back.</summary>
    [GlobalCleanup]
    public void CleanUp()
    {
        if (ReportsWriterRate && _writerTicks > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// Writer ({_writerKind}, {Tags:N0} tags): {_moves:N0} moves in {_writerTicks / (double)Stopwatch.Frequency:F2} s = {_moves / (_writerTicks / (double)Stopwatch.Frequency):N0} moves/s"));
        }

        _original.Restore();
    }

    /// <summary>Baseline: the 2 readers alone.</summary>
    /// <returns>How many tags the readers found.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = ReadsPerReader)]
    public int ReadersAlone() => Run(writer: null);

    /// <summary>The 2 readers while 1 writer moves tags as fast as it can (3 busy threads on 2 cores).</summary>
    /// <returns>How many tags the readers found.</returns>
    [Benchmark(OperationsPerInvoke = ReadsPerReader)]
    public int ReadersWithWriter() => Run(writer: int.MaxValue);

    /// <summary>The 2 readers while 1 writer moves 10,000 tags per second.</summary>
    /// <returns>How many tags the readers found.</returns>
    [Benchmark(OperationsPerInvoke = ReadsPerReader)]
    public int ReadersWithThrottledWriter() => Run(writer: ThrottledMovesPerSecond);

    private int Run(int? writer)
    {
        using var start = new ManualResetEventSlim();
        var stop = new CancellationTokenSource();
        int[] found = new int[2];
        var readers = new Thread[2];
        for (int r = 0; r < readers.Length; r++)
        {
            int reader = r;
            readers[r] = new Thread(() => found[reader] = Read(start, reader * (Probes.Count / 2)));
            readers[r].Start();
        }

        Thread? writing = null;
        if (writer is { } rate)
        {
            _writerKind = rate == int.MaxValue ? "unthrottled" : string.Create(CultureInfo.InvariantCulture, $"throttled to {rate:N0}/s");
            writing = new Thread(() => Write(start, rate, stop.Token));
            writing.Start();
        }

        start.Set();
        foreach (Thread reader in readers)
        {
            reader.Join();
        }

        stop.Cancel();
        writing?.Join();
        stop.Dispose();
        _found = found[0] + found[1];
        return _found;
    }

    private int Read(ManualResetEventSlim start, int offset)
    {
        start.Wait();
        Tag[] tags = _probes.Tags;
        int found = 0;
        for (int i = 0; i < ReadsPerReader; i++)
        {
            found += _registry.TryResolveTag(_repository, tags[(offset + i) & (Probes.Count - 1)], out _) ? 1 : 0;
        }

        return found;
    }

    private void Write(ManualResetEventSlim start, int movesPerSecond, CancellationToken stop)
    {
        start.Wait();
        long began = Stopwatch.GetTimestamp();
        long moves = 0;
        while (!stop.IsCancellationRequested)
        {
            int i = (int)(moves % MovingTags);
            _onB[i] = !_onB[i];
            _registry.TagImage(_repository, _moving[i], _onB[i] ? _imageB : _imageA);
            moves++;
            if (movesPerSecond != int.MaxValue
                && moves > Stopwatch.GetElapsedTime(began).TotalSeconds * movesPerSecond)
            {
                Thread.Sleep(1);
            }
        }

        Interlocked.Add(ref _moves, moves);
        Interlocked.Add(ref _writerTicks, Stopwatch.GetTimestamp() - began);
    }
}
