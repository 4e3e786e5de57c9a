using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace TagImmutability.PostgreSql.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server, from the Debian <c>postgresql</c> package's binaries, started in a temporary directory on
/// a free loopback port (unix sockets in the same directory), and stopped and deleted by <see cref="Dispose"/>, when
/// the process exits, or by the next cluster started after a process that died without cleaning up. When the binaries
/// are missing, <see cref="Start"/> fails with how to install them (tests/run.sh installs them).
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, and the tests run as root in CI: then initdb and pg_ctl run as the
/// <c>postgres</c> user the Debian package creates (<c>runuser -u postgres --</c>), in a directory that user owns.
/// Used by the tests' fixture and by the PostgreSQL benchmark (which links this file).
/// </remarks>
public sealed class TemporaryPostgreSqlCluster : IDisposable
{
    private const string Prefix = "tagimm-pg-";
    private const string OwnerFile = "owner.pid";
    private readonly object _gate = new();
    private string? _root;
    private string? _bin;
    private string? _serverOptions;
    private bool _stopped;

    private TemporaryPostgreSqlCluster()
    {
    }

    /// <summary>The server's TCP port on 127.0.0.1.</summary>
    public int Port { get; private set; }

    /// <summary>The directory holding the data directory, the log and the unix sockets.</summary>
    public string Root => _root ?? throw new InvalidOperationException("the cluster has not started");

    /// <summary>The major version of the server, such as 15.</summary>
    public int MajorVersion { get; private set; }

    /// <summary>A connection string for the <c>postgres</c> database as the superuser <c>postgres</c>.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    /// <summary>A connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Database = database,
        IncludeErrorDetail = true,
        MaxPoolSize = 50,
        Timeout = 30,
        CommandTimeout = 60,
    }.ConnectionString;

    /// <summary>Starts a cluster; <paramref name="durable"/> keeps PostgreSQL's default durability (fsync on), otherwise fsync is off.</summary>
    public static TemporaryPostgreSqlCluster Start(bool durable = false, int maxConnections = 300)
    {
        var cluster = new TemporaryPostgreSqlCluster();
        cluster.Initialize(durable, maxConnections);
        return cluster;
    }

    private void Initialize(bool durable, int maxConnections)
    {
        _bin = FindBinaries();
        MajorVersion = int.Parse(Path.GetFileName(Path.GetDirectoryName(_bin)!), CultureInfo.InvariantCulture);
        StopStaleClusters();
        _root = Directory.CreateTempSubdirectory(Prefix).FullName;
        File.WriteAllText(Path.Combine(_root, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        try
        {
            if (Environment.IsPrivilegedProcess)
            {
                Run("chown", ["-R", "postgres:postgres", _root], asPostgres: false);
            }

            string data = Path.Combine(_root, "data");
            Run(Path.Combine(_bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
            for (int attempt = 1; ; attempt++)
            {
                Port = FreePort();
                string options = string.Join(' ', [
                    "-p", Port.ToString(CultureInfo.InvariantCulture),
                    "-k", _root,
                    "-c", "listen_addresses=127.0.0.1",
                    "-c", durable ? "fsync=on" : "fsync=off",
                    "-c", durable ? "full_page_writes=on" : "full_page_writes=off",
                    "-c", "max_connections=" + maxConnections.ToString(CultureInfo.InvariantCulture),
                    "-c", "shared_buffers=128MB"]);
                try
                {
                    _serverOptions = options;
                    StartServer();
                    break;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    // Another process may have taken the port between FreePort and the server's bind: try another.
                }
            }

            using var connection = new NpgsqlConnection(AdminConnectionString);
            connection.Open();
        }
        catch
        {
            string log = _root is not null && File.Exists(Path.Combine(_root, "server.log")) ? File.ReadAllText(Path.Combine(_root, "server.log")) : "(no server log)";
            Stop();
            throw new InvalidOperationException("the PostgreSQL test cluster did not start; server log:\n" + log);
        }
    }

    /// <summary>Stops the server and deletes its directory.</summary>
    public void Dispose() => Stop();

    /// <summary>Stops the server (fast shutdown: sessions are cut, open transactions roll back) but keeps its data, to start it again.</summary>
    public void StopServer() =>
        Run(Path.Combine(_bin!, "pg_ctl"), ["-D", Path.Combine(Root, "data"), "-m", "fast", "-w", "-t", "60", "-s", "stop"]);

    /// <summary>Starts the server (again) on the same port, with the same data.</summary>
    public void StartServer() =>
        Run(Path.Combine(_bin!, "pg_ctl"), ["-D", Path.Combine(Root, "data"), "-l", Path.Combine(Root, "server.log"), "-o", _serverOptions!, "-w", "-t", "60", "-s", "start"]);

    private void Stop()
    {
        lock (_gate)
        {
            if (_stopped || _root is null || _bin is null)
            {
                return;
            }

            _stopped = true;
            StopCluster(_bin, _root);
        }
    }

    private static void StopCluster(string bin, string root)
    {
        string data = Path.Combine(root, "data");
        if (File.Exists(Path.Combine(data, "postmaster.pid")))
        {
            try
            {
                Run(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "-t", "30", "-s", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped, or stopping failed: the directory goes anyway, and a live postmaster without its
                // data directory shuts itself down.
            }
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // Clusters left by test processes that died without cleaning up (killed, crashed): stop them and delete them.
    private void StopStaleClusters()
    {
        foreach (string root in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            string owner = Path.Combine(root, OwnerFile);
            if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner), CultureInfo.InvariantCulture, out int pid) || IsAlive(pid))
            {
                continue;
            }

            StopCluster(_bin!, root);
        }

        static bool IsAlive(int pid)
        {
            try
            {
                using Process process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
    }

    private static string FindBinaries()
    {
        const string Debian = "/usr/lib/postgresql";
        string? bin = Directory.Exists(Debian)
            ? Directory.EnumerateDirectories(Debian)
                .Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), CultureInfo.InvariantCulture, out int v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin: install Debian's " +
            "postgresql package (apt-get install -y postgresql; tests/run.sh does this before running the tests)");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // Runs a program to completion, as the postgres user when this process is root; throws with its output on failure.
    private static void Run(string program, string[] arguments, bool asPostgres = true)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgres && Environment.IsPrivilegedProcess ? "runuser" : program,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres && Environment.IsPrivilegedProcess)
        {
            foreach (string part in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(part);
            }
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");

        // pg_ctl start leaves the server running with its output sent to the log file, so the pipes close when pg_ctl
        // exits; reading them to the end is then safe.
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} did not finish within 120 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output.Result}\n{error.Result}");
        }
    }
}
