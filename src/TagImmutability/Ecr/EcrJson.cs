using System.Buffers;
using System.Text.Json;
using TagImmutability.Internal;

namespace TagImmutability.Ecr;

/// <summary>
/// Writes ECR's output shapes with <see cref="Utf8JsonWriter"/>: member names and order as in the ECR API model,
/// optional members omitted when they have no value, timestamps as epoch seconds (a JSON number with up to three
/// fractional digits, as the AWS JSON 1.1 protocol carries them). Strings are escaped as the library's canonical
/// manifest writer escapes them, so <c>+</c> in media types stays <c>+</c>.
/// </summary>
internal static class EcrJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = CanonicalJsonEncoder.Instance,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>Runs <paramref name="write"/> on a fresh writer and returns the bytes written.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An AWS JSON 1.1 error body: <c>{"__type": type, "message": message}</c>; no message member when it is <see langword="null"/>.</summary>
    public static byte[] Error(string type, string? message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("__type", type);
        if (message is not null)
        {
            w.WriteString("message", message);
        }

        w.WriteEndObject();
    });

    /// <summary>Epoch seconds, with the milliseconds as a fraction: <c>1764417600</c> or <c>1764417600.25</c>.</summary>
    public static void WriteTimestamp(Utf8JsonWriter writer, string name, DateTimeOffset value)
    {
        long milliseconds = value.ToUnixTimeMilliseconds();
        writer.WritePropertyName(name);
        if (milliseconds % 1000 == 0)
        {
            writer.WriteNumberValue(milliseconds / 1000);
        }
        else
        {
            writer.WriteNumberValue(milliseconds / 1000m);
        }
    }

    /// <summary>ECR's <c>Repository</c> shape.</summary>
    public static void WriteRepository(Utf8JsonWriter writer, RepositoryInfo repository)
    {
        writer.WriteStartObject();
        writer.WriteString("repositoryArn", repository.Arn);
        writer.WriteString("registryId", repository.RegistryId);
        writer.WriteString("repositoryName", repository.Name.Value);
        writer.WriteString("repositoryUri", repository.Uri);
        WriteTimestamp(writer, "createdAt", repository.CreatedAt);
        WritePolicy(writer, repository.Policy);
        writer.WriteEndObject();
    }

    /// <summary><c>imageTagMutability</c> and, when the policy has filters, <c>imageTagMutabilityExclusionFilters</c>.</summary>
    public static void WritePolicy(Utf8JsonWriter writer, TagMutabilityPolicy policy)
    {
        writer.WriteString("imageTagMutability", TagMutabilityPolicy.EcrName(policy.Mode));
        if (!policy.Filters.IsEmpty)
        {
            writer.WriteStartArray("imageTagMutabilityExclusionFilters");
            foreach (TagFilter filter in policy.Filters)
            {
                writer.WriteStartObject();
                writer.WriteString("filterType", "WILDCARD");
                writer.WriteString("filter", filter.Pattern);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
    }

    /// <summary>ECR's <c>ImageIdentifier</c>: <c>imageDigest</c> and <c>imageTag</c>, each only when present.</summary>
    public static void WriteImageId(Utf8JsonWriter writer, string name, string? digest, string? tag)
    {
        writer.WriteStartObject(name);
        WriteImageIdMembers(writer, digest, tag);
        writer.WriteEndObject();
    }

    public static void WriteImageIdValue(Utf8JsonWriter writer, ImageId id)
    {
        writer.WriteStartObject();
        WriteImageIdMembers(writer, id.Digest?.ToString(), id.Tag?.Value);
        writer.WriteEndObject();
    }

    /// <summary>ECR's <c>Image</c> shape (PutImage, BatchGetImage): the manifest is written as a JSON string of its exact bytes.</summary>
    public static void WriteImage(Utf8JsonWriter writer, ImageDetail image, Tag? tag)
    {
        writer.WriteStartObject();
        writer.WriteString("registryId", image.RegistryId);
        writer.WriteString("repositoryName", image.RepositoryName.Value);
        WriteImageId(writer, "imageId", image.Digest.ToString(), tag?.Value);
        writer.WriteString("imageManifest", image.Manifest.Span);
        writer.WriteString("imageManifestMediaType", image.ManifestMediaType.ToString());
        writer.WriteEndObject();
    }

    /// <summary>ECR's <c>ImageDetail</c> shape; <c>imageTags</c> is omitted for an untagged image.</summary>
    public static void WriteImageDetail(Utf8JsonWriter writer, ImageDetail image)
    {
        writer.WriteStartObject();
        writer.WriteString("registryId", image.RegistryId);
        writer.WriteString("repositoryName", image.RepositoryName.Value);
        writer.WriteString("imageDigest", image.Digest.ToString());
        if (!image.Tags.IsEmpty)
        {
            writer.WriteStartArray("imageTags");
            foreach (Tag tag in image.Tags)
            {
                writer.WriteStringValue(tag.Value);
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("imageSizeInBytes", image.SizeInBytes);
        WriteTimestamp(writer, "imagePushedAt", image.PushedAt);
        writer.WriteString("imageManifestMediaType", image.ManifestMediaType.ToString());
        if (image.ArtifactMediaType is { } artifact)
        {
            writer.WriteString("artifactMediaType", artifact.ToString());
        }

        if (image.SubjectDigest is { } subject)
        {
            writer.WriteString("subjectManifestDigest", subject.ToString());
        }

        writer.WriteString("imageStatus", "ACTIVE");
        writer.WriteEndObject();
    }

    /// <summary>ECR's <c>ImageFailure</c> shape.</summary>
    public static void WriteFailure(Utf8JsonWriter writer, string? digest, string? tag, ImageFailureCode code, string reason)
    {
        writer.WriteStartObject();
        WriteImageId(writer, "imageId", digest, tag);
        writer.WriteString("failureCode", code.ToString());
        writer.WriteString("failureReason", reason);
        writer.WriteEndObject();
    }

    private static void WriteImageIdMembers(Utf8JsonWriter writer, string? digest, string? tag)
    {
        if (digest is not null)
        {
            writer.WriteString("imageDigest", digest);
        }

        if (tag is not null)
        {
            writer.WriteString("imageTag", tag);
        }
    }
}
