using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace TagImmutability.Server.Tests.Ecr;

/// <summary>
/// Runs the JavaScript end-to-end scripts in tests/TagImmutability.Server.Tests/js with the real Node.js and the npm
/// packages tests/run.sh installs from the lock file. Never skips: a missing node or missing packages fail the test
/// with what to run.
/// </summary>
internal static class NodeScript
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(3);

    /// <summary>tests/TagImmutability.Server.Tests/js, found from the test assembly's folder upwards.</summary>
    public static string Directory { get; } = FindDirectory();

    /// <summary>Fails with instructions unless node_modules holds the pinned @aws-sdk/client-ecr.</summary>
    public static void RequirePackages()
    {
        string installed = Path.Combine(Directory, "node_modules", "@aws-sdk", "client-ecr", "package.json");
        if (!File.Exists(installed))
        {
            Assert.Fail($"The npm packages of the JavaScript end-to-end tests are not installed ({installed} is missing). "
                + "Run tests/run.sh (it runs `npm ci --prefix tests/TagImmutability.Server.Tests/js` from the committed lock file), "
                + "or that npm ci command, then run the tests again.");
        }
    }

    /// <summary>Runs <c>node script args...</c> in the js folder, with extra environment variables and optional stdin.</summary>
    public static async Task<NodeResult> RunAsync(string script, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null, string? stdin = null, TimeSpan? timeout = null)
    {
        RequirePackages();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The SDK must not pick up a developer's AWS configuration or proxy.
        foreach (string name in new[] { "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["NO_PROXY"] = "127.0.0.1,localhost";
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (Win32Exception error)
        {
            Assert.Fail($"Node.js is needed by the JavaScript end-to-end tests and `node` could not be started ({error.Message}). "
                + "Install Node.js 20 or later (Debian: apt-get install nodejs npm), then run tests/run.sh.");
            throw;
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
            }

            process.StandardInput.Close();
            using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"node {script} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds} s; stderr so far: {await stderr}");
            }

            return new NodeResult(process.ExitCode, await stdout, await stderr);
        }
    }

    private static string FindDirectory()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "TagImmutability.sln")))
            {
                return Path.Combine(folder.FullName, "tests", "TagImmutability.Server.Tests", "js");
            }
        }

        throw new InvalidOperationException($"No TagImmutability.sln above {AppContext.BaseDirectory}: cannot find the js test folder.");
    }
}

/// <summary>What a node script did: its exit code and output.</summary>
internal sealed record NodeResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The last non-empty stdout line, parsed as JSON (the scripts print one summary line last).</summary>
    public JsonElement Json()
    {
        string? last = Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        Assert.True(last is not null, $"node printed nothing on stdout (exit {ExitCode}); stderr: {Stderr}");
        using JsonDocument document = JsonDocument.Parse(last!);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
