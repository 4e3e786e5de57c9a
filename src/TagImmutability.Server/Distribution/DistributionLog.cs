using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TagImmutability.Server.Distribution;

/// <summary>The distribution API's log messages: every refused write, with its repository, reference, digests and rule.</summary>
internal static partial class DistributionLog
{
    [LoggerMessage(EventId = 1, EventName = "ImmutableTagRefused", Level = LogLevel.Warning,
        Message = "Refused manifest push to {Repository}:{Tag}: the tag names {ExistingDigest} and may not move to {AttemptedDigest}; rule {Rule} ({Reason}); answered {Status} {Code}")]
    public static partial void ImmutableTagRefused(this ILogger logger, string repository, string tag, string existingDigest, string attemptedDigest, string rule, string reason, int status, string code);

    [LoggerMessage(EventId = 2, EventName = "WriteRefused", Level = LogLevel.Warning,
        Message = "Refused {Method} {Endpoint} in {Repository} ({Reference}): {Status} {Code}: {Message}")]
    private static partial void WriteRefused(this ILogger logger, string method, DistributionEndpoint endpoint, string repository, string reference, int status, string code, string message);

    [LoggerMessage(EventId = 3, EventName = "ReadRefused", Level = LogLevel.Debug,
        Message = "{Method} {Endpoint} in {Repository} ({Reference}): {Status} {Code}: {Message}")]
    private static partial void ReadRefused(this ILogger logger, string method, DistributionEndpoint endpoint, string repository, string reference, int status, string code, string message);

    [LoggerMessage(EventId = 4, EventName = "RepositoryCreatedOnPush", Level = LogLevel.Information,
        Message = "Created repository {Repository} on push with imageTagMutability {Mode}")]
    public static partial void RepositoryCreatedOnPush(this ILogger logger, string repository, string mode);

    [LoggerMessage(EventId = 5, EventName = "RequestFailed", Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    public static partial void RequestFailed(this ILogger logger, string method, string path, Exception error);

    /// <summary>Logs a refusal: a warning for a write (PUT, POST, PATCH, DELETE), debug for a read that found nothing.</summary>
    public static void Refused(this ILogger logger, string method, DistributionEndpoint endpoint, string repository, string reference, int status, string code, string message)
    {
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            logger.ReadRefused(method, endpoint, repository, reference, status, code, message);
        }
        else
        {
            logger.WriteRefused(method, endpoint, repository, reference, status, code, message);
        }
    }
}
