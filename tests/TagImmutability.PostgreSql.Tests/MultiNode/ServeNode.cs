using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace TagImmutability.PostgreSql.Tests.MultiNode;

/// <summary>
/// One registry node: a real <c>tagimm serve --postgres</c> process (<c>dotnet tagimm.dll</c>, as built next to the
/// tests), on a free loopback port, spoken to over HTTP with the ECR JSON API as the AWS SDKs speak it.
/// </summary>
public sealed class ServeNode : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _errors;

    private ServeNode(Process process, Uri address, Task<string> errors)
    {
        _process = process;
        _errors = errors;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts a node on the database and schema given, and waits until it serves.</summary>
    public static async Task<ServeNode> StartAsync(string connectionString, string schema)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "tagimm.dll"), "serve", "--port", "0", "--postgres", connectionString, "--postgres-schema", schema })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("tagimm serve did not start");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string first;
        try
        {
            first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90)) ?? string.Empty;
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("tagimm serve --postgres printed nothing within 90 s");
        }

        if (!first.StartsWith("tagimm: serving http://", StringComparison.Ordinal) || !first.Contains($"state in PostgreSQL (schema {schema})", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"tagimm serve --postgres did not start: {first}\n{await errors}");
        }

        // Keep draining standard output, so the node never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        string url = first["tagimm: serving ".Length..first.IndexOf(' ', "tagimm: serving ".Length)];
        return new ServeNode(process, new Uri(url), errors);
    }

    /// <summary>Calls an ECR operation; returns the HTTP status, the error type (null on success) and the body.</summary>
    public async Task<(HttpStatusCode Status, string? ErrorType, JsonElement Body)> EcrAsync(string operation, object request)
    {
        using var content = new StringContent(JsonSerializer.Serialize(request), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        message.Headers.Add("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921." + operation);
        using HttpResponseMessage response = await Http.SendAsync(message);
        string text = await response.Content.ReadAsStringAsync();
        string? type = response.Headers.TryGetValues("x-amzn-ErrorType", out IEnumerable<string>? values) ? values.First() : null;
        JsonElement body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, type, body);
    }

    /// <summary>ECR PutImage of a manifest (a JSON string) under a tag.</summary>
    public Task<(HttpStatusCode Status, string? ErrorType, JsonElement Body)> PutImageAsync(string repository, string manifest, string tag) =>
        EcrAsync("PutImage", new Dictionary<string, string> { ["repositoryName"] = repository, ["imageManifest"] = manifest, ["imageTag"] = tag });

    /// <summary>The digest this node resolves the tag to (ECR BatchGetImage), or null when the tag names nothing.</summary>
    public async Task<string?> ResolveAsync(string repository, string tag)
    {
        (HttpStatusCode status, string? type, JsonElement body) = await EcrAsync(
            "BatchGetImage",
            new { repositoryName = repository, imageIds = new[] { new { imageTag = tag } } });
        if (status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"BatchGetImage answered {(int)status} {type}");
        }

        JsonElement images = body.GetProperty("images");
        return images.GetArrayLength() == 0 ? null : images[0].GetProperty("imageId").GetProperty("imageDigest").GetString();
    }

    /// <summary>Kills the process at once (SIGKILL, no shutdown): a node that dies mid-request.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(30_000);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _ = await _errors;
        _process.Dispose();
    }
}
