using System.Diagnostics;
using System.Globalization;

namespace TagImmutability.Server.Tests.EndToEnd;

/// <summary>
/// The CNCF reference registry (distribution, Debian's <c>docker-registry</c>), started on a free loopback port with
/// a temporary configuration: filesystem storage in a temporary folder, deletes enabled, no auth. Disposing kills its
/// process tree and deletes the folder, whether the test passed or not.
/// </summary>
internal sealed class ReferenceRegistry : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private ReferenceRegistry(Process process, string folder, Uri baseAddress)
    {
        _process = process;
        _folder = folder;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string HostPort => BaseAddress.Authority;

    public static async Task<ReferenceRegistry> StartAsync()
    {
        string program = ExternalTools.Require("docker-registry", "docker-registry");
        Exception? last = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            string folder = Path.Combine(Path.GetTempPath(), "tagimm-reference-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.Combine(folder, "data"));
            int port = ExternalTools.FreePort();
            string config = Path.Combine(folder, "config.yml");
            await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
                version: 0.1
                log:
                  level: error
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: {Path.Combine(folder, "data")}
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:{port}
                """));
            var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add("serve");
            start.ArgumentList.Add(config);
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var registry = new ReferenceRegistry(process, folder, new Uri($"http://127.0.0.1:{port}/"));
            try
            {
                await registry.WaitUntilReadyAsync();
                return registry;
            }
            catch (Exception error) when (error is HttpRequestException or TimeoutException or InvalidOperationException)
            {
                last = error;
                await registry.DisposeAsync();
            }
        }

        throw new InvalidOperationException("the reference registry (docker-registry) did not start in three attempts", last);
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode} before it answered");
            }

            try
            {
                using HttpResponseMessage response = await http.GetAsync("/v2/");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("docker-registry did not answer GET /v2/ within 30 s", error);
                }
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            _process.Dispose();
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
    }
}
