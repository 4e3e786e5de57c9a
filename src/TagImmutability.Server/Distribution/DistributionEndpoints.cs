using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace TagImmutability.Server.Distribution;

/// <summary>The OCI distribution API v1.1 endpoints (<c>/v2/...</c>).</summary>
internal static class DistributionEndpoints
{
    public static void Map(WebApplication app, Registry registry, RegistryServerOptions options, ILoggerFactory loggers)
    {
        // Owned by the distribution work (issue 8): /v2/, blobs, uploads, manifests, tags list, referrers.
        _ = app;
        _ = registry;
        _ = options;
        _ = loggers;
    }
}
