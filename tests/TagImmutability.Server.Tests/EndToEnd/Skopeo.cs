using System.Text.Json;

namespace TagImmutability.Server.Tests.EndToEnd;

/// <summary>
/// skopeo with a private HOME, XDG folders, registries.conf, signature policy and auth file, so that the host's
/// container configuration cannot change what the tests see. TLS is off (the registries are plain HTTP on loopback)
/// and no credentials are sent.
/// </summary>
internal sealed class Skopeo : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _program;
    private readonly string _folder;
    private readonly Dictionary<string, string> _environment;
    private readonly string _policy;

    public Skopeo()
    {
        _program = ExternalTools.Require("skopeo", "skopeo");
        _folder = Path.Combine(Path.GetTempPath(), "tagimm-skopeo-" + Guid.NewGuid().ToString("N"));
        foreach (string sub in new[] { "home", "run", "config", "data", "registries.d" })
        {
            Directory.CreateDirectory(Path.Combine(_folder, sub));
        }

        _policy = Path.Combine(_folder, "policy.json");
        File.WriteAllText(_policy, "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        File.WriteAllText(Path.Combine(_folder, "registries.conf"), "unqualified-search-registries = []\n");
        File.WriteAllText(Path.Combine(_folder, "auth.json"), "{}");
        _environment = new Dictionary<string, string>
        {
            ["HOME"] = Path.Combine(_folder, "home"),
            ["XDG_RUNTIME_DIR"] = Path.Combine(_folder, "run"),
            ["XDG_CONFIG_HOME"] = Path.Combine(_folder, "config"),
            ["XDG_DATA_HOME"] = Path.Combine(_folder, "data"),
            ["CONTAINERS_REGISTRIES_CONF"] = Path.Combine(_folder, "registries.conf"),
            ["REGISTRY_AUTH_FILE"] = Path.Combine(_folder, "auth.json"),

            // As root, skopeo keeps its blob-location cache in /var/lib/containers/cache, shared by every run: a
            // location cached by an earlier run on a port reused now would add mount attempts to one registry's
            // requests only. A non-zero rootless uid moves the cache under XDG_DATA_HOME, private to this instance.
            ["_CONTAINERS_ROOTLESS_UID"] = "1000",
        };
    }

    public string Folder => _folder;

    /// <summary><c>skopeo copy</c>; <paramref name="all"/> copies every image of an index.</summary>
    public Task<ProcessResult> CopyAsync(string source, string destination, bool all = false) => RunAsync(
        ["copy", "--retry-times", "0", "--src-tls-verify=false", "--dest-tls-verify=false", "--src-no-creds", "--dest-no-creds",
         .. (all ? new[] { "--all" } : []), source, destination]);

    /// <summary>The digest <c>skopeo inspect</c> reports for a reference (it resolves the tag with the registry).</summary>
    public async Task<string> InspectDigestAsync(string reference)
    {
        ProcessResult result = await RunAsync(["inspect", "--retry-times", "0", "--tls-verify=false", "--no-creds", reference]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"skopeo inspect {reference} failed: {result}");
        }

        using JsonDocument document = JsonDocument.Parse(result.Output);
        return document.RootElement.GetProperty("Digest").GetString()!;
    }

    /// <summary><c>skopeo inspect</c>: the image's JSON description, with its <c>Digest</c>.</summary>
    public Task<ProcessResult> InspectAsync(string reference) =>
        RunAsync(["inspect", "--retry-times", "0", "--tls-verify=false", "--no-creds", reference]);

    /// <summary>The manifest bytes <c>skopeo inspect --raw</c> prints.</summary>
    public Task<ProcessResult> InspectRawAsync(string reference) =>
        RunAsync(["inspect", "--retry-times", "0", "--raw", "--tls-verify=false", "--no-creds", reference]);

    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments) =>
        ExternalTools.RunAsync(_program, ["--policy", _policy, "--registries.d", Path.Combine(_folder, "registries.d"), .. arguments], _environment, Timeout);

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
