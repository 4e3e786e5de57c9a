using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TagImmutability.Server.Ecr;

/// <summary>
/// ECR's <c>GetAuthorizationToken</c> for a local endpoint: one <c>authorizationData</c> entry per requested registry
/// id (or one for this registry), each with <c>authorizationToken</c> = base64 of <c>AWS:&lt;password&gt;</c>,
/// <c>expiresAt</c> = now + 12 hours in epoch seconds, and <c>proxyEndpoint</c> = this server's own address. The
/// password is the fixed, public <see cref="Password"/>: the token proves nothing, it only lets tools that log in
/// with it (<c>aws ecr get-login-password | docker login --username AWS --password-stdin</c>) run unchanged.
/// </summary>
/// <remarks>
/// Request: <c>registryIds?</c>, a list of 1..10 registry ids of 12 digits each (ECR model shape
/// <c>GetAuthorizationTokenRegistryIdList</c>; the validation message is the one ECR has been seen to answer).
/// <para><b>Thread safety:</b> stateless; safe to call from any thread.</para>
/// </remarks>
internal static class EcrAuthorizationToken
{
    /// <summary>The operation's name.</summary>
    public const string Operation = "GetAuthorizationToken";

    /// <summary>The user name in every token, as ECR's: <c>AWS</c>.</summary>
    public const string UserName = "AWS";

    /// <summary>The password in every token: a fixed value, not a secret.</summary>
    public const string Password = "tagimmutability-local";

    /// <summary>The largest number of registry ids one request may name: 10.</summary>
    public const int MaxRegistryIds = 10;

    /// <summary>How long a token is said to be valid: 12 hours, as ECR's.</summary>
    public static TimeSpan Lifetime { get; } = TimeSpan.FromHours(12);

    /// <summary>The token: base64 of <c>AWS:tagimmutability-local</c>.</summary>
    public static string Token { get; } = Convert.ToBase64String(Encoding.UTF8.GetBytes(UserName + ":" + Password));

    /// <summary>Answers one request.</summary>
    /// <param name="body">The request body, UTF-8 JSON (empty reads as <c>{}</c>).</param>
    /// <param name="registryId">This registry's id, used when the request names none.</param>
    /// <param name="now">The current time (the registry's clock).</param>
    /// <param name="proxyEndpoint">This server's address, such as <c>http://127.0.0.1:5000</c>.</param>
    /// <returns>The response body, or the error to answer.</returns>
    public static (byte[]? Body, EcrError? Error) Answer(ReadOnlyMemory<byte> body, string registryId, DateTimeOffset now, string proxyEndpoint)
    {
        List<string> registryIds;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body.IsEmpty ? "{}"u8.ToArray() : body, new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Serialization($"The request body must be a JSON object, not {document.RootElement.ValueKind}."));
            }

            if (!document.RootElement.TryGetProperty("registryIds", out JsonElement ids) || ids.ValueKind == JsonValueKind.Null)
            {
                registryIds = [registryId];
            }
            else if (ids.ValueKind != JsonValueKind.Array)
            {
                return (null, Serialization($"Expected a JSON array at 'registryIds', found {ids.ValueKind}."));
            }
            else
            {
                registryIds = [];
                foreach (JsonElement id in ids.EnumerateArray())
                {
                    if (id.ValueKind != JsonValueKind.String)
                    {
                        return (null, Serialization($"Expected a JSON string in 'registryIds', found {id.ValueKind}."));
                    }

                    registryIds.Add(id.GetString()!);
                }
            }
        }
        catch (JsonException error)
        {
            return (null, Serialization("The request body is not valid JSON: " + error.Message));
        }

        if (registryIds.Count is < 1 or > MaxRegistryIds)
        {
            string constraint = registryIds.Count < 1
                ? "Member must have length greater than or equal to 1"
                : $"Member must have length less than or equal to {MaxRegistryIds}";
            return (null, Invalid(constraint));
        }

        if (registryIds.Any(id => id.Length != 12 || id.AsSpan().ContainsAnyExceptInRange('0', '9')))
        {
            return (null, Invalid("Member must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]{12}]"));
        }

        long expiresAt = (now + Lifetime).ToUnixTimeSeconds();
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("authorizationData");
            foreach (string _ in registryIds)
            {
                writer.WriteStartObject();
                writer.WriteString("authorizationToken", Token);
                writer.WriteNumber("expiresAt", expiresAt);
                writer.WriteString("proxyEndpoint", proxyEndpoint);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return (buffer.WrittenSpan.ToArray(), null);
    }

    private static EcrError Serialization(string message) => new(400, "SerializationException", message);

    private static EcrError Invalid(string constraint)
    {
        var error = new InvalidParameterException("registryIds", constraint, null);
        return new EcrError(400, error.ErrorCode, error.Message);
    }
}
