using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TagImmutability.Server.Distribution;

/// <summary>The OCI distribution API v1.1 endpoints (<c>/v2/...</c>); see <see cref="DistributionApi"/>.</summary>
internal static class DistributionEndpoints
{
    public static void Map(WebApplication app, Registry registry, RegistryServerOptions options, Blobs.BlobLinks links, Journal.RegistryJournal? journal, ILoggerFactory loggers)
    {
        var api = new DistributionApi(registry, options, links, journal, loggers.CreateLogger("TagImmutability.Server.Distribution"));
        app.Lifetime.ApplicationStopped.Register(api.Dispose);

        // Repository names contain slashes, so one catch-all route takes every /v2 path and DistributionRoute
        // splits it from its end.
        app.Map("/v2", api.HandleAsync);
        app.Map("/v2/{**path}", api.HandleAsync);
    }
}
