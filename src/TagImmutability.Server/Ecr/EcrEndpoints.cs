using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace TagImmutability.Server.Ecr;

/// <summary>The Amazon ECR JSON 1.1 API: <c>POST /</c> with <c>X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.&lt;Operation&gt;</c>.</summary>
internal static class EcrEndpoints
{
    /// <summary>Maps <c>/</c> (every method; only <c>POST</c> is served) to the ECR endpoint.</summary>
    /// <exception cref="ArgumentException">Only one of <see cref="RegistryServerOptions.AccessKeyId"/> and <see cref="RegistryServerOptions.SecretAccessKey"/> is set.</exception>
    public static void Map(WebApplication app, Registry registry, RegistryServerOptions options, Journal.RegistryJournal? journal, ILoggerFactory loggers)
    {
        var endpoint = new EcrEndpoint(registry, options, journal, loggers.CreateLogger<EcrEndpoint>());
        app.Map("/", endpoint.HandleAsync);
    }
}
