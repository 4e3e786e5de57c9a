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
//       [--seconds 10] [--durable] [--connection "Host=...;Username=..."] [--smoke]
// Without --connection it starts a throw-away server from Debian's postgresql binaries (fsync off unless --durable).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
Options options = Options.Parse(args);
ThreadPool.SetMinThreads(Math.Max(64, options.Clients * 2), 64);

TemporaryPostgreSqlCluster? cluster = options.Connection is null ? TemporaryPostgreSqlCluster.Start(durable: options.Durable, maxConnections: 400) : null;
try
{
    string connection = options.Connection ?? cluster!.AdminConnectionString;
    Console.WriteLine($"# {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}, " +
        $"server {(cluster is null ? "given" : $"PostgreSQL {cluster.MajorVersion}, fsync {(options.Durable ? "on" : "off")}")}, " +
        $"{options.Clients} clients, {options.Seconds} s per run");
    Console.WriteLine();
    Console.WriteLine("| workload | nodes | operations/s | p50 ms | p99 ms | conflicts retried | errors |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    foreach (Workload workload in Enum.GetValues<Workload>())
    {
        foreach (int nodes in options.Nodes)
        {
            Result result = await RunAsync(connection, workload, nodes, options);
            Console.WriteLine($"| {Describe(workload)} | {nodes} | {result.PerSecond:N0} | {result.P50:F2} | {result.P99:F2} | {result.Retries} | {result.Errors} |");
            if (options.Smoke && result.Operations == 0)
            {
                throw new InvalidOperationException($"{workload} with {nodes} nodes completed no operation");
            }
        }
    }
}
finally
{
    cluster?.Dispose();
}

static string Describe(Workload workload) => workload switch
{
    Workload.Resolve => "resolve a tag (ResolveTagAsync, 10,000 tags)",
    Workload.PushOneRepository => "push a new image to a new tag, one IMMUTABLE repository",
    _ => "push a new image to a new tag, one IMMUTABLE repository per client",
};

static async Task<Result> RunAsync(string connection, Workload workload, int nodeCount, Options options)
{
    string schema = $"bench_{workload.ToString().ToLowerInvariant()}_{nodeCount}_{Environment.ProcessId}";
    var registryOptions = new RegistryOptions();
    var stores = new List<PostgreSqlRegistryStore>();
    try
    {
        // Each node: its own store and pool, sized so that its share of the clients never waits for a connection.
        int perNode = (options.Clients + nodeCount - 1) / nodeCount;
        var builder = new NpgsqlConnectionStringBuilder(connection) { MaxPoolSize = perNode + 2, MinPoolSize = 0 };
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

        const int ResolveTags = 10_000;
        if (workload == Workload.Resolve)
        {
            await Parallel.ForAsync(0, ResolveTags, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
                await nodes[i % nodes.Length].PutImageAsync(RepositoryName.Parse("bench/app"), Manifest($"seed-{i}"), Tag.Parse("v" + i), cancellationToken: ct));
        }

        long retriesBefore = await RollbacksAsync(connection);
        var latencies = new List<double>[options.Clients];
        int errors = 0;
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
                        _ = await node.ResolveTagAsync(repository, Tag.Parse("v" + random.Next(ResolveTags)));
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
                }
            }
        }))];
        await Task.WhenAll(clients);
        double seconds = stop.Elapsed.TotalSeconds;
        double[] all = [.. latencies.SelectMany(l => l).Order()];
        return new Result(
            all.Length,
            all.Length / seconds,
            all.Length == 0 ? 0 : all[all.Length / 2],
            all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))],
            await RollbacksAsync(connection) - retriesBefore,
            errors);
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
// lost a compare-and-swap (each is one retried attempt). The statistics are flushed lazily, so the count is approximate.
static async Task<long> RollbacksAsync(string connection)
{
    await Task.Delay(1100); // let the backends flush their pending statistics
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
}

internal sealed record Result(long Operations, double PerSecond, double P50, double P99, long Retries, int Errors);

internal sealed record Options(int[] Nodes, int Clients, int Seconds, bool Durable, string? Connection, bool Smoke)
{
    public static Options Parse(string[] args)
    {
        var options = new Options([1, 2, 4], 16, 10, false, null, false);
        for (int i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--nodes" => options with { Nodes = [.. args[++i].Split(',').Select(int.Parse)] },
                "--clients" => options with { Clients = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--seconds" => options with { Seconds = int.Parse(args[++i], CultureInfo.InvariantCulture) },
                "--durable" => options with { Durable = true },
                "--connection" => options with { Connection = args[++i] },
                "--smoke" => options with { Smoke = true, Seconds = 1, Clients = 4, Nodes = [1, 2] },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'; see the comment at the top of Program.cs"),
            };
        }

        return options;
    }
}
