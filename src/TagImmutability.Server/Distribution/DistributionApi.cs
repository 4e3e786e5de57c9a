using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using TagImmutability.Server.Blobs;
using TagImmutability.Server.Journal;

namespace TagImmutability.Server.Distribution;

/// <summary>
/// The OCI distribution API v1.1 over one <see cref="Registry"/>: the HTTP side only. Tags, digests, manifests and
/// the mutability policy are the registry's (<see cref="Registry.PutImage"/> and friends); blobs live in an
/// <see cref="IBlobStore"/>, scoped to repositories by <see cref="BlobLinks"/>.
/// </summary>
/// <remarks>
/// Every name is checked against the registry's grammar profile before it reaches the registry or any storage path.
/// Every refusal of a write is logged (<see cref="DistributionLog"/>). With a <see cref="RegistryJournal"/>, every
/// write (create on push, manifest PUT and DELETE, blob commit, mount and DELETE) is journaled before it is applied.
/// <para><b>Thread safety:</b> serves requests concurrently.</para>
/// </remarks>
internal sealed partial class DistributionApi : IDisposable
{
    private const string DigestHeader = "Docker-Content-Digest";
    private const string UploadUuidHeader = "Docker-Upload-UUID";
    private const string OctetStream = "application/octet-stream";

    private readonly Registry _registry;
    private readonly RegistryServerOptions _options;
    private readonly BlobLinks _blobs;
    private readonly RegistryJournal? _journal;
    private readonly UploadSessions _uploads;
    private readonly ILogger _log;
    private readonly GrammarProfile _grammar;
    private readonly int _maxManifestBytes;

    public DistributionApi(Registry registry, RegistryServerOptions options, BlobLinks links, RegistryJournal? journal, ILogger logger)
    {
        _registry = registry;
        _options = options;
        _blobs = links;
        _journal = journal;
        _uploads = new UploadSessions(registry.Options.TimeProvider, options.UploadSessionTimeout);
        _log = logger;
        _grammar = registry.Options.Grammar;
        _maxManifestBytes = registry.Options.MaxManifestSizeInBytes;
    }

    internal UploadSessions Uploads => _uploads;

    internal BlobLinks Blobs => _blobs;

    /// <summary>Creates the blob store the options ask for: content-addressed files under the data directory, or memory.</summary>
    public static IBlobStore CreateStore(RegistryServerOptions options) => options.DataDirectory is { } directory
        ? new FileBlobStore(directory)
        : new MemoryBlobStore(options.MaxMemoryBlobBytes);

    public async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        DistributionRoute route = DistributionRoute.Parse(context.Request.Path.Value ?? string.Empty);
        try
        {
            await DispatchAsync(context, route).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; an upload chunk was rolled back by the store.
        }
        catch (BadHttpRequestException error)
        {
            await RefuseAsync(context, route, error.StatusCode, new DistributionError(
                error.StatusCode == StatusCodes.Status413PayloadTooLarge ? DistributionError.SizeInvalid : DistributionError.BlobUploadInvalid,
                error.Message)).ConfigureAwait(false);
        }
        catch (Exception error) when (!context.Response.HasStarted)
        {
            _log.RequestFailed(context.Request.Method, context.Request.Path.Value ?? string.Empty, error);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }

    public void Dispose()
    {
        _uploads.Dispose();
        _blobs.Store.Dispose();
    }

    private Task DispatchAsync(HttpContext context, DistributionRoute route)
    {
        string method = context.Request.Method;
        if (route.Endpoint == DistributionEndpoint.None)
        {
            return RefuseAsync(context, route, StatusCodes.Status404NotFound, new DistributionError(DistributionError.Unsupported, "no OCI distribution endpoint has this path"));
        }

        if (route.Endpoint == DistributionEndpoint.Base)
        {
            return HttpMethods.IsGet(method) || HttpMethods.IsHead(method)
                ? WriteJsonAsync(context, StatusCodes.Status200OK, "{}"u8.ToArray())
                : MethodNotAllowedAsync(context, route, "GET, HEAD");
        }

        if (!RepositoryName.TryParse(route.Name, _grammar, out RepositoryName name))
        {
            return RefuseAsync(context, route, StatusCodes.Status400BadRequest, new DistributionError(
                DistributionError.NameInvalid,
                NameProblem(route.Name),
                [new("name", route.Name)]));
        }

        return route.Endpoint switch
        {
            DistributionEndpoint.Manifest when HttpMethods.IsGet(method) => GetManifestAsync(context, route, name, head: false),
            DistributionEndpoint.Manifest when HttpMethods.IsHead(method) => GetManifestAsync(context, route, name, head: true),
            DistributionEndpoint.Manifest when HttpMethods.IsPut(method) => PutManifestAsync(context, route, name),
            DistributionEndpoint.Manifest when HttpMethods.IsDelete(method) => DeleteManifestAsync(context, route, name),
            DistributionEndpoint.Manifest => MethodNotAllowedAsync(context, route, "GET, HEAD, PUT, DELETE"),
            DistributionEndpoint.Blob when HttpMethods.IsGet(method) => GetBlobAsync(context, route, name, head: false),
            DistributionEndpoint.Blob when HttpMethods.IsHead(method) => GetBlobAsync(context, route, name, head: true),
            DistributionEndpoint.Blob when HttpMethods.IsDelete(method) => DeleteBlobAsync(context, route, name),
            DistributionEndpoint.Blob => MethodNotAllowedAsync(context, route, "GET, HEAD, DELETE"),
            DistributionEndpoint.StartUpload when HttpMethods.IsPost(method) => StartUploadAsync(context, route, name),
            DistributionEndpoint.StartUpload => MethodNotAllowedAsync(context, route, "POST"),
            DistributionEndpoint.Upload when HttpMethods.IsGet(method) => UploadStatusAsync(context, route, name),
            DistributionEndpoint.Upload when HttpMethods.IsPatch(method) => PatchUploadAsync(context, route, name),
            DistributionEndpoint.Upload when HttpMethods.IsPut(method) => CompleteUploadAsync(context, route, name),
            DistributionEndpoint.Upload when HttpMethods.IsDelete(method) => CancelUploadAsync(context, route, name),
            DistributionEndpoint.Upload => MethodNotAllowedAsync(context, route, "GET, PATCH, PUT, DELETE"),
            DistributionEndpoint.TagsList when HttpMethods.IsGet(method) || HttpMethods.IsHead(method) => ListTagsAsync(context, route, name),
            DistributionEndpoint.TagsList => MethodNotAllowedAsync(context, route, "GET"),
            DistributionEndpoint.Referrers when HttpMethods.IsGet(method) || HttpMethods.IsHead(method) => ListReferrersAsync(context, route, name),
            _ => MethodNotAllowedAsync(context, route, "GET"),
        };
    }

    private string NameProblem(string text)
    {
        try
        {
            _ = RepositoryName.Parse(text, _grammar);
            return $"invalid repository name '{text}'";
        }
        catch (InvalidRepositoryNameException error)
        {
            return error.Message;
        }
    }

    private bool RepositoryExists(RepositoryName name)
    {
        try
        {
            _ = _registry.GetRepository(name);
            return true;
        }
        catch (RepositoryNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the repository exists for a push; creates it with the configured policy when create-on-push is on,
    /// as a push is the first write to it (its first blob upload, or its manifest).
    /// </summary>
    private async Task<bool> EnsureRepositoryAsync(RepositoryName name)
    {
        if (RepositoryExists(name))
        {
            return true;
        }

        if (!_options.CreateOnPush)
        {
            return false;
        }

        TagMutabilityPolicy policy = _options.CreateOnPushPolicy;
        bool created = await WriteAsync(write =>
        {
            if (write is not null && RepositoryExists(name))
            {
                // Created by a concurrent push while this one waited for the journal: nothing to record.
                return false;
            }

            write?.Append(JournalRecord.CreateRepository(name, policy));
            return RegistryWrites.CreateOnPush(_registry, name, policy);
        }).ConfigureAwait(false);
        if (created)
        {
            _log.RepositoryCreatedOnPush(name.Value, TagMutabilityPolicy.EcrName(policy.Mode));
        }

        return true;
    }

    /// <summary>
    /// Runs a write: with a journal, under its lock, where <paramref name="body"/> appends its record before applying
    /// the call; without one, at once with no record (<paramref name="body"/> gets <see langword="null"/>).
    /// </summary>
    private Task<T> WriteAsync<T>(Func<RegistryJournal.JournalWrite?, T> body) =>
        _journal is null ? Task.FromResult(body(null)) : _journal.WriteAsync(body);

    /// <summary>ECR's answer to a request for a repository that does not exist: NAME_UNKNOWN with RepositoryNotFoundException's message.</summary>
    private Task NameUnknownAsync(HttpContext context, DistributionRoute route, RepositoryName name) =>
        RefuseAsync(context, route, StatusCodes.Status404NotFound, new DistributionError(
            DistributionError.NameUnknown,
            new RepositoryNotFoundException(_registry.RegistryId, name).Message,
            [new("name", name.Value)]));

    private Task RefuseAsync(HttpContext context, DistributionRoute route, int status, DistributionError error) =>
        RefuseAsync(context, route, status, [error]);

    private Task RefuseAsync(HttpContext context, DistributionRoute route, int status, IReadOnlyList<DistributionError> errors)
    {
        _log.Refused(context.Request.Method, route.Endpoint, route.Name, route.Reference, status, errors[0].Code, errors[0].Message);
        return DistributionError.WriteAsync(context, status, errors);
    }

    private Task MethodNotAllowedAsync(HttpContext context, DistributionRoute route, string allow)
    {
        context.Response.Headers.Allow = allow;
        return RefuseAsync(context, route, StatusCodes.Status405MethodNotAllowed, new DistributionError(
            DistributionError.Unsupported, $"the method {context.Request.Method} is not supported here; allowed: {allow}"));
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, ReadOnlyMemory<byte> json, string contentType = "application/json; charset=utf-8")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = json.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static void AllowBody(HttpContext context, long? maximum)
    {
        IHttpMaxRequestBodySizeFeature? limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false })
        {
            limit.MaxRequestBodySize = maximum;
        }
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
