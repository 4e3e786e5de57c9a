using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TagImmutability.Server.Distribution;
using TagImmutability.Server.Ecr;

namespace TagImmutability.Server;

/// <summary>
/// A running registry: the OCI distribution API (<c>/v2/</c>) and the Amazon ECR JSON 1.1 API (<c>POST /</c> with
/// <c>X-Amz-Target</c>) over one <see cref="TagImmutability.Registry"/>, on one loopback port by default.
/// </summary>
/// <remarks>
/// <b>Thread safety:</b> serves requests concurrently; the registry's own guarantees (atomic, linearizable
/// operations) hold for every request. <see cref="DisposeAsync"/> stops the server and may be called more than once.
/// </remarks>
public sealed class RegistryServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RegistryServer(WebApplication app, Registry registry, Uri baseAddress)
    {
        _app = app;
        Registry = registry;
        BaseAddress = baseAddress;
    }

    /// <summary>The registry the server serves; tests may read and write it directly.</summary>
    public Registry Registry { get; }

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
    public static async Task<RegistryServer> StartAsync(RegistryServerOptions options, Action<ILoggingBuilder>? configureLogging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        Registry registry = options.Store is null ? new Registry(options.Registry) : new Registry(options.Store, options.Registry);
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
        try
        {
            ILoggerFactory loggers = app.Services.GetRequiredService<ILoggerFactory>();
            DistributionEndpoints.Map(app, registry, options, loggers);
            EcrEndpoints.Map(app, registry, options, loggers);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A refused option or a port in use must not leak the host's services and handles.
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        string address = app.Urls.First();
        var bound = new Uri(address);
        string host = options.BindAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{options.BindAddress}]"
            : options.BindAddress.ToString();
        return new RegistryServer(app, registry, new Uri($"http://{host}:{bound.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/"));
    }

    /// <summary>Stops the server and releases its port and storage handles.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
