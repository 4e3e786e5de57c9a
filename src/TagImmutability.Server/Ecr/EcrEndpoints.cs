using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace TagImmutability.Server.Ecr;

/// <summary>The Amazon ECR JSON 1.1 API: <c>POST /</c> with <c>X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.&lt;Operation&gt;</c>.</summary>
internal static class EcrEndpoints
{
    public static void Map(WebApplication app, Registry registry, RegistryServerOptions options, ILoggerFactory loggers)
    {
        // Owned by the ECR endpoint work (issue 8).
        _ = app;
        _ = registry;
        _ = options;
        _ = loggers;
    }
}
