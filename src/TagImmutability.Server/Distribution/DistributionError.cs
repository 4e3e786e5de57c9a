using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TagImmutability.Server.Distribution;

/// <summary>
/// One entry of the OCI distribution error body <c>{"errors":[{"code","message","detail"}]}</c>. Codes and their
/// meanings are the distribution spec's ("Error Codes", code-1 … code-15), plus <c>TAG_INVALID</c>, which the Docker
/// registry API defines and Amazon ECR answers for an immutable tag.
/// </summary>
internal readonly record struct DistributionError(string Code, string Message, IReadOnlyList<KeyValuePair<string, string>>? Detail = null)
{
    public const string BlobUnknown = "BLOB_UNKNOWN";
    public const string BlobUploadInvalid = "BLOB_UPLOAD_INVALID";
    public const string BlobUploadUnknown = "BLOB_UPLOAD_UNKNOWN";
    public const string DigestInvalid = "DIGEST_INVALID";
    public const string ManifestBlobUnknown = "MANIFEST_BLOB_UNKNOWN";
    public const string ManifestInvalid = "MANIFEST_INVALID";
    public const string ManifestUnknown = "MANIFEST_UNKNOWN";
    public const string NameInvalid = "NAME_INVALID";
    public const string NameUnknown = "NAME_UNKNOWN";
    public const string SizeInvalid = "SIZE_INVALID";
    public const string Denied = "DENIED";
    public const string Unsupported = "UNSUPPORTED";
    public const string TagInvalid = "TAG_INVALID";
    public const string TooManyRequests = "TOOMANYREQUESTS";

    /// <summary>Writes the error body with <paramref name="status"/>; a HEAD response carries the headers only.</summary>
    public static async Task WriteAsync(HttpContext context, int status, IReadOnlyList<DistributionError> errors)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, JsonOptions.Writer))
        {
            json.WriteStartObject();
            json.WriteStartArray("errors");
            foreach (DistributionError error in errors)
            {
                json.WriteStartObject();
                json.WriteString("code", error.Code);
                json.WriteString("message", error.Message);
                if (error.Detail is { Count: > 0 } detail)
                {
                    json.WriteStartObject("detail");
                    foreach (KeyValuePair<string, string> pair in detail)
                    {
                        json.WriteString(pair.Key, pair.Value);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        response.ContentLength = buffer.WrittenCount;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
