using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TagImmutability.Server.Tests.EndToEnd;

/// <summary>
/// <c>tagimm serve</c> as a child process (<c>dotnet exec tagimm.dll</c>, the build of src/TagImmutability.Cli next to
/// this test assembly's configuration), for tests that kill it. Its standard output and error are collected.
/// </summary>
internal sealed partial class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Task _stdout;
    private readonly Task _stderr;

    private ChildServer(Process process)
    {
        _process = process;
        _stdout = Pump(process.StandardOutput);
        _stderr = Pump(process.StandardError);
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the opening journal reported: records replayed and the bytes of a damaged tail cut away.</summary>
    public (int Records, long TornBytes, bool SnapshotLoaded) Opened { get; private set; }

    public IReadOnlyList<string> Lines => [.. _lines];

    public static string CliAssembly()
    {
        // tests/TagImmutability.Server.Tests/bin/<Configuration>/net10.0/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = output.Name;
        string configuration = output.Parent!.Name;
        DirectoryInfo? root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "TagImmutability.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException($"TagImmutability.sln not found above {AppContext.BaseDirectory}");
        }

        string dll = Path.Combine(root.FullName, "src", "TagImmutability.Cli", "bin", configuration, framework, "tagimm.dll");
        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException($"{dll} is missing: the test project builds src/TagImmutability.Cli first (ProjectReference); build the solution");
    }

    public static async Task<ChildServer> StartAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(CliAssembly());
        start.ArgumentList.Add("serve");
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var child = new ChildServer(Process.Start(start) ?? throw new InvalidOperationException("could not start tagimm serve"));
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            string[] lines = [.. child._lines];
            Match? serving = lines.Select(l => Serving().Match(l)).FirstOrDefault(m => m.Success);
            Match? opened = lines.Select(l => OpenedLine().Match(l)).FirstOrDefault(m => m.Success);
            if (serving is not null && opened is not null)
            {
                child.BaseAddress = new Uri(serving.Groups[1].Value);
                child.Opened = (
                    int.Parse(opened.Groups[2].Value, CultureInfo.InvariantCulture),
                    long.Parse(opened.Groups[3].Value, CultureInfo.InvariantCulture),
                    bool.Parse(opened.Groups[1].Value));
                return child;
            }

            if (child._process.HasExited)
            {
                await child.DisposeAsync();
                throw new InvalidOperationException($"tagimm serve exited with {child._process.ExitCode} before serving:\n{string.Join('\n', child.Lines)}");
            }

            await Task.Delay(25);
        }

        await child.DisposeAsync();
        throw new TimeoutException($"tagimm serve did not start within {timeout}:\n{string.Join('\n', child.Lines)}");
    }

    /// <summary>kill -9 of the whole process tree, at once.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await Task.WhenAll(_stdout, _stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private Task Pump(StreamReader reader) => Task.Run(async () =>
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            _lines.Enqueue(line);
        }
    });

    [GeneratedRegex(@"tagimm: serving (http://[^ ]+/) ")]
    private static partial Regex Serving();

    [GeneratedRegex(@"snapshot loaded (True|False), (\d+) journal records replayed from \d+ segment\(s\), (\d+) bytes of a damaged tail cut away")]
    private static partial Regex OpenedLine();
}
