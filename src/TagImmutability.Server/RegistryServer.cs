using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TagImmutability.Server.Blobs;
using TagImmutability.Server.Distribution;
using TagImmutability.Server.Ecr;
using TagImmutability.Server.Journal;

namespace TagImmutability.Server;

/// <summary>
/// A running registry: the OCI distribution API (<c>/v2/</c>) and the Amazon ECR JSON 1.1 API (<c>POST /</c> with
/// <c>X-Amz-Target</c>) over one <see cref="TagImmutability.Registry"/>, on one loopback port by default.
/// </summary>
/// <remarks>
/// With a <see cref="RegistryServerOptions.DataDirectory"/>, every write the server serves is journaled and flushed
/// to disk before it is applied and answered, and the state is rebuilt from the directory at start
/// (docs/durability.md); without one, nothing is journaled and no write waits for another.
/// <para>
/// <b>Thread safety:</b> serves requests concurrently; the registry's own guarantees (atomic, linearizable
/// operations) hold for every request. <see cref="DisposeAsync"/> stops the server and may be called more than once.
/// </para>
/// </remarks>
public sealed class RegistryServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RegistryJournal? _journal;

    private RegistryServer(WebApplication app, Registry registry, Uri baseAddress, RegistryJournal? journal)
    {
        _app = app;
        Registry = registry;
        BaseAddress = baseAddress;
        _journal = journal;
    }

    /// <summary>
    /// The registry the server serves; tests may read and write it directly. With a data directory, a write made
    /// here bypasses the journal: it is not durable, and a later restart may replay the journal differently around
    /// it. Write through the server's APIs instead.
    /// </summary>
    public Registry Registry { get; }

    /// <summary>The journal, with a data directory (for tests: what opening it found).</summary>
    internal RegistryJournal? Journal => _journal;

    /// <summary>The server's address, such as <c>http://127.0.0.1:5000/</c>, with the port actually bound.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts a server.</summary>
    /// <param name="options">How to listen, store blobs and treat pushes.</param>
    /// <param name="configureLogging">Optional: configures the server's logging (console by default).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="IOException">The port cannot be bound.</exception>
    /// <exception cref="ArgumentException">Only one of <see cref="RegistryServerOptions.AccessKeyId"/> and <see cref="RegistryServerOptions.SecretAccessKey"/> is set.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="RegistryServerOptions.SnapshotEveryRecords"/> is less than 1.</exception>
    /// <exception cref="JournalCorruptException">The data directory's journal or state snapshot is damaged beyond what a crash leaves; nothing is served.</exception>
    /// <exception cref="UnauthorizedAccessException">The data directory cannot be written.</exception>
    public static async Task<RegistryServer> StartAsync(RegistryServerOptions options, Action<ILoggingBuilder>? configureLogging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SnapshotEveryRecords, 1, nameof(options));
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(options.BindAddress, options.Port);
            kestrel.AddServerHeader = false;
        });
        if (configureLogging is not null)
        {
            configureLogging(builder.Logging);
        }

        WebApplication app = builder.Build();
        RegistryJournal? journal = null;
        Registry registry;
        try
        {
            ILoggerFactory loggers = app.Services.GetRequiredService<ILoggerFactory>();
            IBlobStore store = DistributionApi.CreateStore(options);
            var links = new BlobLinks(store);
            if (options.Store is { } shared)
            {
                // The state lives in the shared store, durable there; a data directory then holds blobs only.
                registry = new Registry(shared, options.Registry);
            }
            else if (options.DataDirectory is { } directory)
            {
                journal = RegistryJournal.Open(directory, options.Registry, links, options.SnapshotEveryRecords, loggers.CreateLogger("TagImmutability.Server.Journal"));
                registry = journal.Registry;
            }
            else
            {
                registry = new Registry(options.Registry);
            }

            DistributionEndpoints.Map(app, registry, options, links, journal, loggers);
            EcrEndpoints.Map(app, registry, options, journal, loggers);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A refused option or a port in use must not leak the host's services and handles.
            journal?.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        string address = app.Urls.First();
        var bound = new Uri(address);
        string host = options.BindAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{options.BindAddress}]"
            : options.BindAddress.ToString();
        return new RegistryServer(app, registry, new Uri($"http://{host}:{bound.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/"), journal);
    }

    /// <summary>
    /// Stops the server (requests in progress finish) and releases its port and storage handles; with a data
    /// directory, snapshots the state first when the journal has grown since the last snapshot, so the next start
    /// replays nothing.
    /// </summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        _journal?.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
