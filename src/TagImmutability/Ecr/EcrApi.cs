using System.Collections.Immutable;
using System.Text.Json;
using TagImmutability.Ecr;

namespace TagImmutability;

/// <summary>
/// Amazon ECR's JSON 1.1 API over one <see cref="Registry"/>: takes an operation name and the request body as UTF-8
/// JSON, exactly as the AWS SDKs send them, and answers with the response body or an AWS JSON error body, with the HTTP
/// status an ECR endpoint would use. The registry stays the only source of truth: this class reads request shapes,
/// calls the registry's typed operations, and writes response shapes.
/// </summary>
/// <remarks>
/// <para>
/// Operations: <c>CreateRepository</c>, <c>DescribeRepositories</c>, <c>DeleteRepository</c>,
/// <c>PutImageTagMutability</c>, <c>PutImage</c>, <c>BatchGetImage</c>, <c>BatchDeleteImage</c>,
/// <c>DescribeImages</c>, <c>ListImages</c> (<see cref="Operations"/>). Member names and shapes are those of the ECR
/// API model (botocore <c>ecr/2015-09-21/service-2.json</c>); docs/ecr-compatibility.md lists every operation and error
/// with its source, and where the facade judges.
/// </para>
/// <para>Errors, all with HTTP status 400:</para>
/// <list type="bullet">
/// <item>a <see cref="RegistryException"/> becomes <c>{"__type": ErrorCode, "message": Message}</c>;</item>
/// <item>a constraint a request member breaks is <c>InvalidParameterException</c> with ECR's message form
/// <c>Invalid parameter at '{field}' failed to satisfy constraint: '{constraint}'</c> (a missing required member:
/// <c>'Member must not be null'</c>);</item>
/// <item>a body that is not a JSON object is <c>SerializationException</c>, as AWS JSON services answer; a member of the
/// wrong JSON type is <c>SerializationException</c> too, when it is read (members are read and checked in turn, so a
/// constraint broken by an earlier member is reported first);</item>
/// <item>an operation the facade does not know is <c>{"__type": "UnknownOperationException"}</c>.</item>
/// </list>
/// <para>
/// <c>registryId</c>, when given, must be 12 digits and must be this registry's id; another registry's id is answered
/// with <c>RepositoryNotFoundException</c> naming that registry (this registry serves no other), and
/// <c>DescribeRepositories</c> without names lists nothing for it.
/// </para>
/// <para><b>Thread safety:</b> safe to share between threads; it holds no state beyond the registry, which is thread-safe.</para>
/// </remarks>
public sealed partial class EcrApi
{
    /// <summary>The target prefix of ECR's JSON 1.1 protocol: an <c>X-Amz-Target</c> header is <c>AmazonEC2ContainerRegistry_V20150921.&lt;Operation&gt;</c>.</summary>
    public const string TargetPrefix = "AmazonEC2ContainerRegistry_V20150921";

    /// <summary>The content type of ECR's requests and responses: <c>application/x-amz-json-1.1</c>.</summary>
    public const string ContentType = "application/x-amz-json-1.1";

    /// <summary>How many items a listing returns when the request has no <c>maxResults</c>: 100 (ECR API reference).</summary>
    public const int DefaultMaxResults = 100;

    /// <summary>The largest <c>maxResults</c> a listing accepts: 1000 (ECR's <c>MaxResults</c> shape).</summary>
    public const int MaxResultsLimit = 1000;

    private const string Unknown = "UnknownOperationException";

    private readonly OperationTable _handlers;

    /// <summary>Creates the facade over <paramref name="registry"/>.</summary>
    /// <param name="registry">The registry that holds the state and applies the rules.</param>
    /// <exception cref="ArgumentNullException"><paramref name="registry"/> is <see langword="null"/>.</exception>
    public EcrApi(Registry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        _handlers = new OperationTable(this);
    }

    /// <summary>The operations this facade serves, by their ECR names.</summary>
    public static ImmutableArray<string> Operations { get; } =
    [
        "CreateRepository",
        "DescribeRepositories",
        "DeleteRepository",
        "PutImageTagMutability",
        "PutImage",
        "BatchGetImage",
        "BatchDeleteImage",
        "DescribeImages",
        "ListImages",
    ];

    /// <summary>The registry behind the facade.</summary>
    public Registry Registry { get; }

    /// <summary>Runs one ECR operation.</summary>
    /// <param name="operation">
    /// The operation's name, such as <c>PutImage</c>, or the whole <c>X-Amz-Target</c> value,
    /// <c>AmazonEC2ContainerRegistry_V20150921.PutImage</c>. Case-sensitive.
    /// </param>
    /// <param name="requestBody">The request as UTF-8 JSON (an object); an empty body reads as <c>{}</c>.</param>
    /// <returns>
    /// The response: on success status 200 and the operation's output shape; on failure status 400 and
    /// <c>{"__type", "message"}</c>. Never <see langword="null"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is <see langword="null"/>.</exception>
    /// <remarks>Request content never makes this method throw: every problem with it is an error response.</remarks>
    public EcrResponse Invoke(string operation, ReadOnlyMemory<byte> requestBody)
    {
        ArgumentNullException.ThrowIfNull(operation);
        string name = operation.StartsWith(TargetPrefix + ".", StringComparison.Ordinal) ? operation[(TargetPrefix.Length + 1)..] : operation;
        Func<EcrRequest, byte[]>? handler = _handlers.Find(name);
        if (handler is null)
        {
            return new EcrResponse(400, EcrJson.Error(Unknown, null), Unknown, null);
        }

        try
        {
            using JsonDocument document = EcrRequest.Parse(requestBody);
            return new EcrResponse(200, handler(EcrRequest.Root(document)), null, null);
        }
        catch (RegistryException error)
        {
            return new EcrResponse(400, EcrJson.Error(error.ErrorCode, error.Message), error.ErrorCode, error.Message);
        }
        catch (EcrSerializationException error)
        {
            return new EcrResponse(400, EcrJson.Error("SerializationException", error.Message), "SerializationException", error.Message);
        }
    }

    // --- shared request members ------------------------------------------------------------------------------------

    private static string? RegistryIdOf(EcrRequest request)
    {
        string? id = request.String("registryId");
        if (id is not null && (id.Length != 12 || id.AsSpan().ContainsAnyExceptInRange('0', '9')))
        {
            throw new InvalidParameterException("registryId", "Member must satisfy regular expression pattern: [0-9]{12}", null);
        }

        return id;
    }

    private bool IsForeign(string? registryId) => registryId is not null && !string.Equals(registryId, Registry.RegistryId, StringComparison.Ordinal);

    // Another registry's id: ECR would look in that registry and find no such repository.
    private void CheckRegistry(string? registryId, RepositoryName name)
    {
        if (IsForeign(registryId))
        {
            throw new RepositoryNotFoundException(registryId!, name);
        }
    }

    private RepositoryName RepositoryNameOf(EcrRequest request) =>
        Registry.ParseRepositoryName(request.RequiredString("repositoryName"), "repositoryName");

    private static int? MaxResultsOf(EcrRequest request)
    {
        int? value = request.Int32("maxResults");
        return value switch
        {
            < 1 => throw new InvalidParameterException("maxResults", "Member must have value greater than or equal to 1", null),
            > MaxResultsLimit => throw new InvalidParameterException("maxResults", $"Member must have value less than or equal to {MaxResultsLimit}", null),
            _ => value,
        };
    }

    // One page of an ordered listing, after the item the token names. The key of an item orders it within the listing.
    private static (List<T> Items, string? NextToken) Page<T>(
        IEnumerable<T> ordered,
        string operation,
        string scope,
        string? nextToken,
        int? maxResults,
        Func<T, string> keyOf,
        Func<string, Func<T, bool>?> isAfter)
    {
        IEnumerable<T> rest = ordered;
        if (nextToken is not null)
        {
            Func<T, bool> after = isAfter(EcrPageToken.ReadKey(nextToken, operation, scope)) ?? throw EcrPageToken.Invalid(operation);
            rest = rest.SkipWhile(item => !after(item));
        }

        int size = maxResults ?? DefaultMaxResults;
        List<T> items = [.. rest.Take(size + 1)];
        if (items.Count <= size)
        {
            return (items, null);
        }

        items.RemoveAt(size);
        return (items, EcrPageToken.Create(operation, scope, keyOf(items[^1])));
    }

    private static void WriteNextToken(Utf8JsonWriter writer, string? nextToken)
    {
        if (nextToken is not null)
        {
            writer.WriteString("nextToken", nextToken);
        }
    }

    /// <summary>The operation table, built once per facade.</summary>
    private sealed class OperationTable
    {
        private readonly Dictionary<string, Func<EcrRequest, byte[]>> _table;

        public OperationTable(EcrApi api) => _table = new(StringComparer.Ordinal)
        {
            ["CreateRepository"] = api.CreateRepository,
            ["DescribeRepositories"] = api.DescribeRepositories,
            ["DeleteRepository"] = api.DeleteRepository,
            ["PutImageTagMutability"] = api.PutImageTagMutability,
            ["PutImage"] = api.PutImage,
            ["BatchGetImage"] = api.BatchGetImage,
            ["BatchDeleteImage"] = api.BatchDeleteImage,
            ["DescribeImages"] = api.DescribeImages,
            ["ListImages"] = api.ListImages,
        };

        public Func<EcrRequest, byte[]>? Find(string operation) => _table.GetValueOrDefault(operation);
    }
}
