using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using TagImmutability;
using TagImmutability.PostgreSql;
using TagImmutability.PostgreSql.Tests.Infrastructure;

// Resolve and push throughput of 1, 2 and 4 registry nodes sharing one PostgreSQL database. Each node is a Registry
// over its own PostgreSqlRegistryStore (its own connection pool), as separate processes would be; the clients are
// spread evenly over the nodes and run for a fixed time. Usage:
//   dotnet run -c Release --project benchmarks/TagImmutability.PostgreSql.Benchmarks -- [--nodes 1,2,4] [--clients 16]
//       [--seconds 10] [--tags 10000] [--durable] [--connection "Host=...;Username=..."] [--npgsql "Key=Value;..."] [--smoke]
// Without --connection it starts a throw-away server from Debian's postgresql binaries (fsync off unless --durable),
// and then also reports the CPU the server used. --smoke is a few seconds' check that every workload runs without
// errors (CI runs it); its figures mean nothing. --npgsql adds Npgsql settings to the nodes' connection strings, as an
// operator would to `tagimm serve --postgres`, to measure what they change (such as "No Reset On Close=true").
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
Options options = Options.Parse(args);
ThreadPool.SetMinThreads(Math.Max(64, options.Clients * 2), 64);

TemporaryPostgreSqlCluster? cluster = options.Connection is null ? TemporaryPostgreSqlCluster.Start(durable: options.Durable, maxConnections: 400) : null;
try
{
    string connection = options.Connection ?? cluster!.AdminConnectionString;
    int? server = cluster is null ? null : Cpu.ServerProcessId(cluster.Root);
    Console.WriteLine($"# {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}, " +
        $"server {(cluster is null ? "given" : $"PostgreSQL {cluster.MajorVersion}, fsync {(options.Durable ? "on" : "off")}")}, " +
        $"{options.Clients} clients, {options.Seconds} s per run{(options.Npgsql is null ? "" : $", nodes' Npgsql settings \"{options.Npgsql}\"")}");
    Console.WriteLine();
    Console.WriteLine("| workload | nodes | operations/s | p50 ms | p99 ms | conflicts retried | errors | CPU, cores: nodes / database / other | database CPU ms/op |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (Workload workload in Enum.GetValues<Workload>())
    {
        foreach (int nodes in options.Nodes)
        {
            Result result = await RunAsync(connection, server, workload, nodes, options);
            Console.WriteLine($"| {Describe(workload, options)} | {nodes} | {result.PerSecond:N0} | {result.P50:F2} | {result.P99:F2} | {result.Retries} | {result.Errors} | {result.Cpu.Split()} | {result.Cpu.DatabaseMillisecondsPer(result.Operations)} |");
            if (result.FirstError is not null)
            {
                Console.Error.WriteLine($"{workload} with {nodes} nodes: {result.Errors} errors, the first: {result.FirstError}");
            }

            if (options.Smoke && (result.Operations == 0 || result.Errors > 0))
            {
                throw new InvalidOperationException($"{workload} with {nodes} nodes completed {result.Operations} operations with {result.Errors} errors");
            }
        }
    }
}
finally
{
    cluster?.Dispose();
}

static string Describe(Workload workload, Options options) => workload switch
{
    Workload.Resolve => $"resolve a tag (ResolveTagAsync, {options.Tags:N0} tags)",
    Workload.PushOneRepository => "push a new image to a new tag, one IMMUTABLE repository",
    Workload.PushPerClientRepository => "push a new image to a new tag, one IMMUTABLE repository per client",
    _ => "push a new image to a tag every client pushes (one wins, the others are refused), one IMMUTABLE repository",
};

static async Task<Result> RunAsync(string connection, int? server, Workload workload, int nodeCount, Options options)
{
    string schema = $"bench_{workload.ToString().ToLowerInvariant()}_{nodeCount}_{Environment.ProcessId}";
    var registryOptions = new RegistryOptions();
    var stores = new List<PostgreSqlRegistryStore>();
    try
    {
        // Each node: its own store and pool, sized so that its share of the clients never waits for a connection.
        int perNode = (options.Clients + nodeCount - 1) / nodeCount;
        var builder = new NpgsqlConnectionStringBuilder(options.Npgsql is null ? connection : connection + ";" + options.Npgsql)
        {
            MaxPoolSize = perNode + 2,
            MinPoolSize = 0,
        };
        for (int n = 0; n < nodeCount; n++)
        {
            stores.Add(await PostgreSqlRegistryStore.OpenAsync(builder.ConnectionString, registryOptions, schema));
        }

        Registry[] nodes = [.. stores.Select(s => new Registry(s, registryOptions))];
        string[] repositories = workload == Workload.PushPerClientRepository
            ? [.. Enumerable.Range(0, options.Clients).Select(c => $"bench/app{c}")]
            : ["bench/app"];
        foreach (string repository in repositories)
        {
            await nodes[0].CreateRepositoryAsync(RepositoryName.Parse(repository), TagMutabilityPolicy.Immutable);
        }

        if (workload == Workload.Resolve)
        {
            await Parallel.ForAsync(0, options.Tags, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
                await nodes[i % nodes.Length].PutImageAsync(RepositoryName.Parse("bench/app"), Manifest($"seed-{i}"), Tag.Parse("v" + i), cancellationToken: ct));
        }

        long retriesBefore = await RollbacksAsync(connection, options);
        var latencies = new List<double>[options.Clients];
        int errors = 0;
        Exception? firstError = null;

        // Contested tags: how many pushes bound each one, and how far each client got. Every tag pushed must have
        // exactly one winner: none or two would be a broken immutability rule.
        var winners = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        int[] contested = new int[options.Clients];
        CpuSample cpuBefore = Cpu.Sample(server);
        var stop = Stopwatch.StartNew();
        TimeSpan duration = TimeSpan.FromSeconds(options.Seconds);
        Task[] clients = [.. Enumerable.Range(0, options.Clients).Select(c => Task.Run(async () =>
        {
            Registry node = nodes[c % nodes.Length];
            var mine = latencies[c] = new List<double>(4096);
            var random = new Random(c);
            RepositoryName repository = RepositoryName.Parse(repositories[workload == Workload.PushPerClientRepository ? c : 0]);
            for (int i = 0; stop.Elapsed < duration; i++)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    if (workload == Workload.Resolve)
                    {
                        _ = await node.ResolveTagAsync(repository, Tag.Parse("v" + random.Next(options.Tags)));
                    }
                    else if (workload == Workload.PushContestedTags)
                    {
                        try
                        {
                            await node.PutImageAsync(repository, Manifest($"{nodeCount}-{c}-{i}"), Tag.Parse($"r{i}"));
                            winners.AddOrUpdate(i, 1, (_, n) => n + 1);
                        }
                        catch (ImageTagAlreadyExistsException)
                        {
                            // Refused: another client bound the tag first. A decided push, as a client sees it.
                        }

                        contested[c] = i + 1;
                    }
                    else
                    {
                        await node.PutImageAsync(repository, Manifest($"{nodeCount}-{c}-{i}"), Tag.Parse($"c{c}-{i}"));
                    }

                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception error) when (error is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, error, null);
                }
            }
        }))];
        await Task.WhenAll(clients);
        double seconds = stop.Elapsed.TotalSeconds;
        CpuUse cpu = Cpu.Sample(server).Since(cpuBefore, seconds);
        if (winners.FirstOrDefault(w => w.Value > 1) is { Value: > 1 } twice)
        {
            throw new InvalidOperationException($"tag r{twice.Key} was bound by {twice.Value} pushes: an immutable tag moved");
        }

        if (errors == 0 && winners.Count != contested.Max())
        {
            throw new InvalidOperationException($"{contested.Max()} contested tags were pushed, but {winners.Count} have a winner");
        }

        double[] all = [.. latencies.SelectMany(l => l).Order()];
        return new Result(
            all.Length,
            all.Length / seconds,
            all.Length == 0 ? 0 : all[all.Length / 2],
            all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))],
            await RollbacksAsync(connection, options) - retriesBefore,
            errors,
            firstError is null ? null : $"{firstError.GetType().Name}: {firstError.Message}",
            cpu);
    }
    finally
    {
        foreach (PostgreSqlRegistryStore store in stores)
        {
            await store.DisposeAsync();
        }

        await using var admin = NpgsqlDataSource.Create(connection);
        await using NpgsqlCommand drop = admin.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
    }
}

// Conflicts are not counted by the registry; the database's count of rolled-back transactions tells how many commits
// lost a compare-and-swap (each is one retried attempt). The statistics are flushed lazily, so the count is approximate
// (and in a smoke run, which does not wait for the flush, only a sign of life).
static async Task<long> RollbacksAsync(string connection, Options options)
{
    if (!options.Smoke)
    {
        await Task.Delay(1100); // let the backends flush their pending statistics (at most once a second each)
    }

    await using var admin = NpgsqlDataSource.Create(connection);
    await using NpgsqlCommand command = admin.CreateCommand("SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()");
    return (long)(await command.ExecuteScalarAsync())!;
}

// A Docker image manifest unique to `label` (its config digest differs), as a client would push it.
static ReadOnlyMemory<byte> Manifest(string label)
{
    byte[] config = Encoding.UTF8.GetBytes($"{{\"config\":{{\"Labels\":{{\"bench\":\"{label}\"}}}}}}");
    var manifest = new ImageManifest(
        MediaType.DockerManifestV2,
        Descriptor.FromContent(MediaType.DockerImageConfig, config),
        [new Descriptor(MediaType.DockerLayerTarGzip, Digest.Compute(Encoding.UTF8.GetBytes(label)), 1024)]);
    return ManifestWriter.Write(manifest).Content;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

internal enum Workload
{
    Resolve,
    PushOneRepository,
    PushPerClientRepository,
    PushContestedTags,
}

internal sealed record Result(long Operations, double PerSecond, double P50, double P99, long Retries, int Errors, string? FirstError, CpuUse Cpu);

// CPU seconds so far, from Linux's /proc: this process (the nodes and the clients driving them), the database server
// (its postmaster and every backend, exited ones included through the postmaster's children's times), and the whole
// machine (every core's busy time). Null where it cannot be read (another OS, or a server given by --connection).
internal readonly record struct CpuSample(double Process, double? Server, double? Machine)
{
    public CpuUse Since(CpuSample before, double seconds) => new(
        (Process - before.Process) / seconds,
        Server - before.Server is { } server ? server / seconds : null,
        Machine - before.Machine is { } machine ? machine / seconds : null,
        seconds);
}

// Cores used on average over a run (1.0 = one core busy all the time).
internal readonly record struct CpuUse(double Nodes, double? Database, double? Machine, double Seconds)
{
    public string Split() =>
        $"{Nodes:F2} / {(Database is { } d ? d.ToString("F2", CultureInfo.InvariantCulture) : "n/a")} / " +
        (Machine is { } m ? Math.Max(0, m - Nodes - (Database ?? 0)).ToString("F2", CultureInfo.InvariantCulture) : "n/a");

    public string DatabaseMillisecondsPer(long operations) =>
        Database is { } d && operations > 0 ? (d * Seconds * 1000 / operations).ToString("F2", CultureInfo.InvariantCulture) : "n/a";
}

internal static class Cpu
{
    // USER_HZ: the unit of /proc's times, which Linux fixes at 100 per second for user space.
    private const double TicksPerSecond = 100;

    public static int? ServerProcessId(string clusterRoot)
    {
        string pidFile = Path.Combine(clusterRoot, "data", "postmaster.pid");
        return File.Exists(pidFile) ? int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture) : null;
    }

    public static CpuSample Sample(int? server)
    {
        double process = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        double? serverSeconds = null;
        if (server is { } postmaster && Times(postmaster) is { } own)
        {
            // The postmaster's own time and its reaped children's (cutime, cstime), then its live children's.
            long ticks = own.Total + own.Children;
            foreach (string directory in Directory.EnumerateDirectories("/proc"))
            {
                if (int.TryParse(Path.GetFileName(directory), out int pid) && Times(pid) is { Parent: var parent } child && parent == postmaster)
                {
                    ticks += child.Total + child.Children;
                }
            }

            serverSeconds = ticks / TicksPerSecond;
        }

        double? machine = null;
        if (File.Exists("/proc/stat"))
        {
            // cpu user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
            long[] fields = [.. File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse)];
            machine = (fields.Sum() - fields[3] - fields[4]) / TicksPerSecond;
        }

        return new CpuSample(process, serverSeconds, machine);
    }

    // From /proc/PID/stat: the parent (field 4), utime + stime (14, 15) and cutime + cstime (16, 17), in ticks.
    private static (int Parent, long Total, long Children)? Times(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended meanwhile, or is not ours to read
        }

        // Fields after the command name in parentheses, which may itself hold spaces: field n is f[n - 3].
        string[] f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(f[1], CultureInfo.InvariantCulture),
            long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture),
            long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture));
    }
}

internal sealed record Options(int[] Nodes, int Clients, int Seconds, int Tags, bool Durable, string? Connection, string? Npgsql, bool Smoke)
{
    public static Options Parse(string[] args)
    {
        var options = new Options([1, 2, 4], 16, 10, 10_000, false, null, null, false);
        for (int i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--nodes" => options with { Nodes = [.. args[++i].Split(',').Select(int.Parse)] },
                "--clients" => options with { Clients = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--seconds" => options with { Seconds = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--tags" => options with { Tags = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--durable" => options with { Durable = true },
                "--connection" => options with { Connection = args[++i] },
                "--npgsql" => options with { Npgsql = args[++i] },
                "--smoke" => options with { Smoke = true, Seconds = 1, Clients = 4, Nodes = [2], Tags = 100 },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'; see the comment at the top of Program.cs"),
            };
        }

        return options;
    }
}
