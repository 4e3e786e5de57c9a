using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace TagImmutability.Server.Tests.Ecr;

/// <summary>A server on a free loopback port with an HttpClient and captured logs; disposing stops the server.</summary>
internal sealed class EcrTestServer : IAsyncDisposable
{
    public const string Prefix = "AmazonEC2ContainerRegistry_V20150921.";

    private EcrTestServer(RegistryServer server, CapturedLogs logs)
    {
        Server = server;
        Logs = logs;
        Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public RegistryServer Server { get; }

    public HttpClient Http { get; }

    public CapturedLogs Logs { get; }

    /// <summary>The endpoint URL as a client is given it: <c>http://127.0.0.1:PORT</c>.</summary>
    public string Endpoint => Server.BaseAddress.GetLeftPart(UriPartial.Authority);

    public static async Task<EcrTestServer> StartAsync(RegistryServerOptions? options = null)
    {
        var logs = new CapturedLogs();
        RegistryServer server = await RegistryServer.StartAsync(options ?? new RegistryServerOptions(), logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(logs);
        }, CancellationToken.None);
        return new EcrTestServer(server, logs);
    }

    public Task<EcrAnswer> PostAsync(string operation, string json) => SendAsync(Request(Prefix + operation, json));

    public static HttpRequestMessage Request(string? target, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(json)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        return request;
    }

    public async Task<EcrAnswer> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using HttpResponseMessage response = await Http.SendAsync(request);
            return await EcrAnswer.ReadAsync(response);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>One HTTP answer of the ECR endpoint.</summary>
internal sealed record EcrAnswer(int Status, string? ContentType, string? RequestId, string? ErrorTypeHeader, string? Allow, string Body)
{
    public JsonElement Json
    {
        get
        {
            using JsonDocument document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }

    public static async Task<EcrAnswer> ReadAsync(HttpResponseMessage response)
    {
        static string? Header(HttpResponseMessage r, string name) =>
            r.Headers.TryGetValues(name, out IEnumerable<string>? values) ? string.Join(",", values) : null;

        string body = await response.Content.ReadAsStringAsync();
        return new EcrAnswer(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.ToString(),
            Header(response, "x-amzn-RequestId"),
            Header(response, "x-amzn-ErrorType"),
            response.Content.Headers.Allow.Count > 0 ? string.Join(",", response.Content.Headers.Allow) : null,
            body);
    }

    /// <summary>Asserts an AWS JSON error: status, <c>__type</c> equal to the header, a message, the JSON content type.</summary>
    public void AssertError(int status, string type)
    {
        Assert.True(Status == status, $"expected HTTP {status} {type}, got {Status}: {Body}");
        Assert.Equal("application/x-amz-json-1.1", ContentType);
        Assert.Equal(type, ErrorTypeHeader);
        Assert.Equal(type, Json.GetProperty("__type").GetString());
        Assert.False(string.IsNullOrEmpty(Json.GetProperty("message").GetString()));
        Assert.True(Guid.TryParse(RequestId, out _), $"x-amzn-RequestId '{RequestId}' is a GUID");
    }

    public void AssertOk()
    {
        Assert.True(Status == 200, $"expected HTTP 200, got {Status}: {Body}");
        Assert.Equal("application/x-amz-json-1.1", ContentType);
        Assert.Null(ErrorTypeHeader);
        Assert.True(Guid.TryParse(RequestId, out _), $"x-amzn-RequestId '{RequestId}' is a GUID");
    }
}

/// <summary>A logger provider that keeps every entry, with its structured state.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach ((string key, object? value) in pairs)
                {
                    properties[key] = value;
                }
            }

            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), properties));
        }
    }
}

internal sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Properties);
