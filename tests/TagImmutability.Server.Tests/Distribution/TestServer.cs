using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TagImmutability.Server.Tests.Distribution;

/// <summary>A started <see cref="RegistryServer"/> on a free loopback port, an HttpClient for it, and the log it wrote.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private TestServer(RegistryServer server, LogCollector logs)
    {
        Server = server;
        Logs = logs;
        Http = new HttpClient { BaseAddress = server.BaseAddress };
    }

    public RegistryServer Server { get; }

    public Registry Registry => Server.Registry;

    public HttpClient Http { get; }

    public LogCollector Logs { get; }

    public static async Task<TestServer> StartAsync(RegistryServerOptions? options = null)
    {
        var logs = new LogCollector();
        RegistryServer server = await RegistryServer.StartAsync(options ?? new RegistryServerOptions(), logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(logs);
        }, CancellationToken.None);
        return new TestServer(server, logs);
    }

    /// <summary>Creates a repository with ECR's <paramref name="mode"/> directly in the registry.</summary>
    public void Create(string repository, ImageTagMutability mode = ImageTagMutability.Mutable, params string[] filters) =>
        Registry.CreateRepository(RepositoryName.Parse(repository), filters.Length == 0
            ? TagMutabilityPolicy.Create(mode)
            : TagMutabilityPolicy.Create(mode, filters.Select(f => TagFilter.Parse(f))));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Collects every log entry the server writes, for tests that check what a refusal logs.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Collector(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Collector(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            entries.Enqueue(new LogEntry(category, logLevel, eventId.Name ?? string.Empty, formatter(state, exception),
                values.Where(v => v.Key != "{OriginalFormat}").ToDictionary(v => v.Key, v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty)));
        }
    }
}

internal sealed record LogEntry(string Category, LogLevel Level, string EventName, string Message, IReadOnlyDictionary<string, string> Values);
