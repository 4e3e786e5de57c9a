using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TagImmutability.Server.Tests.EndToEnd;

/// <summary>
/// The real programs the end-to-end tests drive. A missing program fails the test with a message that says how to
/// install it; it never skips (tests/run.sh installs both with apt-get).
/// </summary>
internal static class ExternalTools
{
    public static string Require(string program, string package)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{program}' is not installed, and this end-to-end test needs it: run tests/run.sh, which installs the Debian package '{package}' (apt-get install -y {package}), then run the tests again.");
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a program to its end (killing its process tree after <paramref name="timeout"/>) and returns what it wrote.</summary>
    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (KeyValuePair<string, string> variable in environment ?? new Dictionary<string, string>())
        {
            start.Environment[variable.Key] = variable.Value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}; stderr: {await error}");
        }

        return new ProcessResult(process.ExitCode, await output, await error);
    }
}

internal sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => new StringBuilder()
        .Append("exit ").Append(ExitCode).Append('\n')
        .Append("stdout: ").Append(Output).Append('\n')
        .Append("stderr: ").Append(Error).ToString();
}
