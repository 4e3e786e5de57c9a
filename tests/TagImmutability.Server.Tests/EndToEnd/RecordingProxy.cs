using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TagImmutability.Server.Tests.EndToEnd;

/// <summary>
/// A plain HTTP proxy in front of one registry that records every exchange a client makes through it (method, path,
/// status, error codes), so that two registries can be compared on exactly the requests a real client sends.
/// Absolute <c>Location</c> headers are made relative so that the client stays on the proxy.
/// </summary>
internal sealed partial class RecordingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly ConcurrentQueue<Exchange> _exchanges = new();

    private RecordingProxy(WebApplication app, HttpClient upstream, Uri address)
    {
        _app = app;
        _upstream = upstream;
        Address = address;
    }

    public Uri Address { get; }

    public string HostPort => Address.Authority;

    public static async Task<RecordingProxy> StartAsync(Uri upstream)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        WebApplication app = builder.Build();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None, UseCookies = false })
        {
            BaseAddress = upstream,
        };
        RecordingProxy? proxy = null;
        app.Run(context => proxy!.ForwardAsync(context));
        await app.StartAsync();
        proxy = new RecordingProxy(app, client, new Uri(app.Urls.First()));
        return proxy;
    }

    /// <summary>Takes the exchanges recorded since the last call, in a normalised form that does not depend on the registry.</summary>
    public IReadOnlyList<Exchange> Take()
    {
        var taken = new List<Exchange>();
        while (_exchanges.TryDequeue(out Exchange? exchange))
        {
            taken.Add(exchange);
        }

        return taken;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        var forward = new HttpRequestMessage(new HttpMethod(request.Method), request.Path.ToUriComponent() + request.QueryString.ToUriComponent());
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            forward.Content = new StreamContent(request.Body);
        }

        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in request.Headers)
        {
            if (header.Key is "Host" or "Connection" or "Transfer-Encoding")
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value))
            {
                forward.Content?.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
            }
        }

        using HttpResponseMessage answer = await _upstream.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        HttpResponse response = context.Response;
        response.StatusCode = (int)answer.StatusCode;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (header.Key is "Transfer-Encoding" or "Connection")
            {
                continue;
            }

            string[] values = [.. header.Value];
            if (header.Key == "Location")
            {
                values = [.. values.Select(Relative)];
            }

            response.Headers[header.Key] = values;
        }

        byte[] body = await answer.Content.ReadAsByteArrayAsync(context.RequestAborted);
        _exchanges.Enqueue(new Exchange(request.Method, Normalise(request.Path.Value!, request.Query), (int)answer.StatusCode, ErrorCodes(answer, body)));
        if (!HttpMethods.IsHead(request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private string Relative(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out Uri? absolute) && absolute.Authority == _upstream.BaseAddress!.Authority
            ? absolute.PathAndQuery
            : location;

    // Upload session ids are random and the reference registry adds an opaque _state: both vary between registries.
    private static string Normalise(string path, IQueryCollection query)
    {
        string normalised = SessionId().Replace(path, "/blobs/uploads/{session}");
        string[] parameters = [.. query.Where(q => q.Key != "_state").OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}")];
        return parameters.Length == 0 ? normalised : normalised + "?" + string.Join("&", parameters);
    }

    private static string ErrorCodes(HttpResponseMessage answer, byte[] body)
    {
        if ((int)answer.StatusCode < 400 || body.Length == 0)
        {
            return string.Empty;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            return string.Join(",", document.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()));
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "(not an OCI error body)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        _upstream.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [GeneratedRegex("/blobs/uploads/[^/]+$")]
    private static partial Regex SessionId();
}

/// <summary>One request through a <see cref="RecordingProxy"/>: what was asked and what the registry answered.</summary>
internal sealed record Exchange(string Method, string Path, int Status, string ErrorCodes)
{
    public override string ToString() => $"{Method} {Path} -> {Status}{(ErrorCodes.Length == 0 ? string.Empty : " " + ErrorCodes)}";
}
