using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace TagImmutability.Server.Ecr;

/// <summary>
/// Serves ECR's JSON 1.1 protocol on <c>/</c>: reads the body (capped), checks the signature when a key pair is
/// configured, dispatches <c>X-Amz-Target</c> to <see cref="EcrApi"/> or to <see cref="EcrAuthorizationToken"/>, and
/// answers as an AWS JSON service does: <c>Content-Type: application/x-amz-json-1.1</c>, an <c>x-amzn-RequestId</c>
/// GUID on every response, and on an error the status, <c>{"__type", "message"}</c> and the <c>x-amzn-ErrorType</c>
/// header carrying the same type. Every refusal is logged with its operation, repository, tag and error type.
/// </summary>
/// <remarks>
/// Order of checks: method (<c>POST</c> only: 405), body size (413 <c>RequestEntityTooLargeException</c>), signature
/// (when configured), target (400 <c>UnknownOperationException</c>), then the operation's own validation.
/// <para><b>Thread safety:</b> immutable after construction; serves concurrent requests.</para>
/// </remarks>
internal sealed partial class EcrEndpoint
{
    /// <summary>The header AWS services name the request with.</summary>
    public const string RequestIdHeader = "x-amzn-RequestId";

    /// <summary>The header AWS JSON services repeat an error's type in.</summary>
    public const string ErrorTypeHeader = "x-amzn-ErrorType";

    /// <summary>The header that names the operation.</summary>
    public const string TargetHeader = "X-Amz-Target";

    private const string UnknownOperation = "UnknownOperationException";

    private static readonly JsonWriterOptions ErrorWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The operations that change state: with a journal, each is recorded and flushed before it is applied.
    private static readonly HashSet<string> Writes = new(StringComparer.Ordinal)
    {
        "CreateRepository", "DeleteRepository", "PutImageTagMutability", "PutImage", "BatchDeleteImage",
    };

    private readonly Registry _registry;
    private readonly EcrApi _api;
    private readonly Journal.RegistryJournal? _journal;
    private readonly SignatureV4Verifier? _verifier;
    private readonly ILogger _logger;

    /// <summary>Creates the endpoint.</summary>
    /// <param name="registry">The registry served.</param>
    /// <param name="options">The server's options: the key pair, if any.</param>
    /// <param name="journal">The journal every write goes through, or <see langword="null"/> without a data directory.</param>
    /// <param name="logger">Where refusals are logged.</param>
    /// <exception cref="ArgumentException">Only one of the key pair's two halves is set.</exception>
    public EcrEndpoint(Registry registry, RegistryServerOptions options, Journal.RegistryJournal? journal, ILogger logger)
    {
        if (options.AccessKeyId is null != options.SecretAccessKey is null)
        {
            throw new ArgumentException(
                "RegistryServerOptions.AccessKeyId and SecretAccessKey must be set together (both null accepts signatures unchecked).",
                nameof(options));
        }

        _registry = registry;
        _api = new EcrApi(registry);
        _journal = journal;
        _verifier = options.AccessKeyId is null
            ? null
            : new SignatureV4Verifier(options.AccessKeyId, options.SecretAccessKey!, registry.Options.Region, TimeProvider.System);
        _logger = logger;
        MaxRequestBodyBytes = MaxRequestBodyBytesFor(registry.Options.MaxManifestSizeInBytes);
    }

    /// <summary>The largest request body accepted, in bytes; larger ones get 413 <c>RequestEntityTooLargeException</c>.</summary>
    public long MaxRequestBodyBytes { get; }

    /// <summary>
    /// The body cap for a manifest cap: six times the manifest cap plus 1 MiB for the other members (25 MiB for ECR's
    /// 4 MiB manifests). A manifest travels as a JSON string, and a client may escape any byte as <c>\uXXXX</c>, six
    /// bytes, so every manifest within the registry's limit gets through whatever escaping the client's JSON writer
    /// uses, and the manifest's own limit answers (<c>InvalidParameterException</c>) for one beyond it.
    /// </summary>
    /// <param name="maxManifestSizeInBytes">The registry's manifest size cap in bytes.</param>
    /// <returns>The body cap in bytes.</returns>
    public static long MaxRequestBodyBytesFor(int maxManifestSizeInBytes) => (6L * maxManifestSizeInBytes) + (1L << 20);

    /// <summary>Handles one request to <c>/</c>.</summary>
    /// <param name="context">The request.</param>
    /// <returns>A task that completes when the response is written.</returns>
    public async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        context.Response.Headers[RequestIdHeader] = Guid.NewGuid().ToString("D");
        string target = request.Headers[TargetHeader].ToString();
        string operation = OperationOf(target);

        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = "POST";
            await RefuseAsync(context, operation, default, new EcrError(405, UnknownOperation,
                $"The ECR JSON 1.1 API is served by POST / with an X-Amz-Target header; {request.Method} is not allowed.")).ConfigureAwait(false);
            return;
        }

        (byte[]? body, EcrError? tooLarge) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await RefuseAsync(context, operation, default, tooLarge!).ConfigureAwait(false);
            return;
        }

        if (_verifier is not null)
        {
            string rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path + request.QueryString);
            EcrError? unsigned = _verifier.Verify(request.Method, rawTarget, name => HeaderValues(request, name), body);
            if (unsigned is not null)
            {
                await RefuseAsync(context, operation, body, unsigned).ConfigureAwait(false);
                return;
            }
        }

        string prefix = EcrApi.TargetPrefix + ".";
        if (target.Length == 0 || !target.StartsWith(prefix, StringComparison.Ordinal))
        {
            string problem = target.Length == 0 ? "The request has no X-Amz-Target header" : $"The X-Amz-Target '{target}' does not start with '{prefix}'";
            await RefuseAsync(context, operation, body, new EcrError(400, UnknownOperation,
                problem + $"; ECR's operations are named '{prefix}<Operation>'.")).ConfigureAwait(false);
            return;
        }

        if (operation == EcrAuthorizationToken.Operation)
        {
            (byte[]? token, EcrError? invalid) = EcrAuthorizationToken.Answer(
                body, _registry.RegistryId, _registry.Options.TimeProvider.GetUtcNow(), ProxyEndpoint(context));
            if (token is null)
            {
                await RefuseAsync(context, operation, body, invalid!).ConfigureAwait(false);
                return;
            }

            await WriteAsync(context, 200, token, null).ConfigureAwait(false);
            return;
        }

        if (!EcrApi.Operations.Contains(operation))
        {
            await RefuseAsync(context, operation, body, new EcrError(400, UnknownOperation,
                $"This endpoint does not serve the operation '{operation}'; it serves {string.Join(", ", EcrApi.Operations)} and {EcrAuthorizationToken.Operation}.")).ConfigureAwait(false);
            return;
        }

        EcrResponse response;
        if (_journal is not null && Writes.Contains(operation))
        {
            try
            {
                response = await _journal.WriteAsync(write =>
                {
                    write.Append(Journal.JournalRecord.Ecr(operation, body));
                    return _api.Invoke(operation, body);
                }).ConfigureAwait(false);
            }
            catch (IOException error)
            {
                // Nothing was applied: the record did not reach the disk.
                await RefuseAsync(context, operation, body, new EcrError(500, "ServerException",
                    "The registry could not record the request durably, so it was not applied: " + error.Message)).ConfigureAwait(false);
                return;
            }
        }
        else
        {
            response = _api.Invoke(operation, body);
        }

        if (!response.IsSuccess)
        {
            (string? repository, string? tag) = SubjectOf(body);
            LogRefused(_logger, operation, repository, tag, response.ErrorType!, response.StatusCode, response.ErrorMessage ?? string.Empty);
        }

        await WriteAsync(context, response.StatusCode, response.Body, response.ErrorType).ConfigureAwait(false);
    }

    // The operation's name for logs: what follows the prefix, or the whole target when it has no prefix.
    private static string OperationOf(string target) =>
        target.StartsWith(EcrApi.TargetPrefix + ".", StringComparison.Ordinal) ? target[(EcrApi.TargetPrefix.Length + 1)..] : target;

    private static IReadOnlyList<string> HeaderValues(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues values)
            ? values.Where(v => v is not null).Select(v => v!).ToArray()
            : [];

    // This server's own address as the client reached it (the connection's local end, never the Host header).
    private static string ProxyEndpoint(HttpContext context)
    {
        IPAddress address = context.Connection.LocalIpAddress ?? IPAddress.Loopback;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        string host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return $"{context.Request.Scheme}://{host}:{context.Connection.LocalPort.ToString(CultureInfo.InvariantCulture)}";
    }

    private async Task<(byte[]? Body, EcrError? Error)> ReadBodyAsync(HttpContext context)
    {
        long max = MaxRequestBodyBytes;
        EcrError tooLarge = new(413, "RequestEntityTooLargeException",
            $"The request body is larger than this endpoint's limit of {max.ToString(CultureInfo.InvariantCulture)} bytes (six times the {_registry.Options.MaxManifestSizeInBytes.ToString(CultureInfo.InvariantCulture)}-byte manifest limit, for JSON escaping, plus 1 MiB).");
        if (context.Request.ContentLength > max)
        {
            return (null, tooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // This endpoint's own cap decides (it stops reading one byte past it), not the server-wide one.
            limit.MaxRequestBodySize = null;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(context.Request.ContentLength ?? 4096, max) + 1);
        Stream stream = context.Request.Body;
        while (true)
        {
            Memory<byte> chunk = buffer.GetMemory(16384);
            int read = await stream.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer.WrittenSpan.ToArray(), null);
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > max)
            {
                return (null, tooLarge);
            }
        }
    }

    private async Task RefuseAsync(HttpContext context, string operation, ReadOnlyMemory<byte> body, EcrError error)
    {
        (string? repository, string? tag) = SubjectOf(body);
        LogRefused(_logger, operation, repository, tag, error.Type, error.StatusCode, error.Message);
        await WriteAsync(context, error.StatusCode, ErrorBody(error), error.Type).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, int status, ReadOnlyMemory<byte> body, string? errorType)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = EcrApi.ContentType;
        if (errorType is not null)
        {
            response.Headers[ErrorTypeHeader] = errorType;
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] ErrorBody(EcrError error)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, ErrorWriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("__type", error.Type);
            writer.WriteString("message", error.Message);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // The repository and tag a request names, for logs; null when the body does not say (or is not JSON).
    private static (string? Repository, string? Tag) SubjectOf(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null);
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            return (StringMember(document.RootElement, "repositoryName"), StringMember(document.RootElement, "imageTag"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? StringMember(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "ECR {Operation} refused: {ErrorType} (HTTP {StatusCode}), repository {Repository}, tag {Tag}: {ErrorMessage}")]
    private static partial void LogRefused(ILogger logger, string operation, string? repository, string? tag, string errorType, int statusCode, string errorMessage);
}
