using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace TagImmutability.Server.Journal;

/// <summary>
/// One state-changing call the server made, as the journal keeps it: what was asked (never what came of it), the
/// UTC instant the registry's clock read while it ran, and the actor its <see cref="RegistryOptions.ActorProvider"/>
/// named. Replaying the records in order against the state they started from gives the same state, because every
/// write is deterministic given the state, the request, the instant and the actor.
/// </summary>
/// <remarks>
/// The payload is UTF-8 JSON: <c>{"at", "actor", "op", ...}</c> with <c>op</c> one of <c>ecr</c> (an ECR JSON
/// request: <c>target</c> and the exact <c>body</c> in base64), <c>createRepository</c> (create on push:
/// <c>repository</c>, <c>imageTagMutability</c>, <c>exclusionFilters</c>), <c>pushManifest</c> (a distribution
/// manifest PUT: <c>repository</c>, the exact <c>manifest</c> bytes in base64, <c>mediaType</c>, <c>manifestDigest</c>,
/// <c>imageDigest</c> when pushed by digest, <c>tags</c>), <c>deleteManifest</c> (<c>repository</c> and
/// <c>imageDigest</c> or <c>imageTag</c>), <c>linkBlob</c> and <c>unlinkBlob</c> (<c>repository</c>, <c>digest</c>).
/// <para><b>Thread safety:</b> immutable.</para>
/// </remarks>
internal sealed class JournalRecord
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    private JournalRecord(JournalOperation operation, string repository)
    {
        Operation = operation;
        Repository = repository;
    }

    /// <summary>What kind of call it was.</summary>
    public JournalOperation Operation { get; }

    /// <summary>The repository named, as the request named it (for <see cref="JournalOperation.Ecr"/>: empty).</summary>
    public string Repository { get; }

    /// <summary>The registry clock's reading while the call ran (UTC); set when the record is appended or read.</summary>
    public DateTimeOffset At { get; private init; }

    /// <summary>The actor the registry recorded, if any.</summary>
    public string? Actor { get; private init; }

    /// <summary>The ECR operation name (<see cref="JournalOperation.Ecr"/>).</summary>
    public string? Target { get; private init; }

    /// <summary>The ECR request body, or the manifest bytes (<see cref="JournalOperation.PushManifest"/>).</summary>
    public ReadOnlyMemory<byte> Body { get; private init; }

    /// <summary>The policy of a repository created on push.</summary>
    public TagMutabilityPolicy? Policy { get; private init; }

    /// <summary>The manifest's media type (Content-Type), when the push named one.</summary>
    public string? MediaType { get; private init; }

    /// <summary>The digest of the manifest bytes (<see cref="JournalOperation.PushManifest"/>), or the blob's digest.</summary>
    public Digest? Digest { get; private init; }

    /// <summary>The digest a push by digest named.</summary>
    public Digest? ImageDigest { get; private init; }

    /// <summary>The tags of a manifest push, in request order.</summary>
    public ImmutableArray<string> Tags { get; private init; } = [];

    /// <summary>The tag a manifest delete named (a delete by tag).</summary>
    public string? ImageTag { get; private init; }

    public static JournalRecord Ecr(string target, ReadOnlyMemory<byte> body) =>
        new(JournalOperation.Ecr, string.Empty) { Target = target, Body = body };

    public static JournalRecord CreateRepository(RepositoryName repository, TagMutabilityPolicy policy) =>
        new(JournalOperation.CreateRepository, repository.Value) { Policy = policy };

    public static JournalRecord PushManifest(RepositoryName repository, ReadOnlyMemory<byte> manifest, MediaType? mediaType, Digest manifestDigest, Digest? imageDigest, IEnumerable<Tag> tags) =>
        new(JournalOperation.PushManifest, repository.Value)
        {
            Body = manifest,
            MediaType = mediaType?.Value,
            Digest = manifestDigest,
            ImageDigest = imageDigest,
            Tags = [.. tags.Select(t => t.Value)],
        };

    public static JournalRecord DeleteManifest(RepositoryName repository, ImageId id) =>
        new(JournalOperation.DeleteManifest, repository.Value) { ImageDigest = id.Digest, ImageTag = id.Tag?.Value };

    public static JournalRecord LinkBlob(RepositoryName repository, Digest digest) =>
        new(JournalOperation.LinkBlob, repository.Value) { Digest = digest };

    public static JournalRecord UnlinkBlob(RepositoryName repository, Digest digest) =>
        new(JournalOperation.UnlinkBlob, repository.Value) { Digest = digest };

    /// <summary>The record as it is framed: its JSON with <paramref name="at"/> and <paramref name="actor"/>.</summary>
    public byte[] ToPayload(DateTimeOffset at, string? actor)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (Body.Length * 4 / 3));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("at", at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            if (actor is null)
            {
                writer.WriteNull("actor");
            }
            else
            {
                writer.WriteString("actor", actor);
            }

            writer.WriteString("op", OperationName(Operation));
            switch (Operation)
            {
                case JournalOperation.Ecr:
                    writer.WriteString("target", Target);
                    writer.WriteBase64String("body", Body.Span);
                    break;
                case JournalOperation.CreateRepository:
                    writer.WriteString("repository", Repository);
                    writer.WriteString("imageTagMutability", TagMutabilityPolicy.EcrName(Policy!.Mode));
                    writer.WriteStartArray("exclusionFilters");
                    foreach (TagFilter filter in Policy.Filters)
                    {
                        writer.WriteStringValue(filter.ToString());
                    }

                    writer.WriteEndArray();
                    break;
                case JournalOperation.PushManifest:
                    writer.WriteString("repository", Repository);
                    writer.WriteBase64String("manifest", Body.Span);
                    WriteOptional(writer, "mediaType", MediaType);
                    writer.WriteString("manifestDigest", Digest!.Value.ToString());
                    WriteOptional(writer, "imageDigest", ImageDigest?.ToString());
                    writer.WriteStartArray("tags");
                    foreach (string tag in Tags)
                    {
                        writer.WriteStringValue(tag);
                    }

                    writer.WriteEndArray();
                    break;
                case JournalOperation.DeleteManifest:
                    writer.WriteString("repository", Repository);
                    WriteOptional(writer, "imageDigest", ImageDigest?.ToString());
                    WriteOptional(writer, "imageTag", ImageTag);
                    break;
                default:
                    writer.WriteString("repository", Repository);
                    writer.WriteString("digest", Digest!.Value.ToString());
                    break;
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a record's payload.</summary>
    /// <exception cref="FormatException">The payload is not a record this version writes (the message names the member).</exception>
    public static JournalRecord FromPayload(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            JsonElement root = document.RootElement;
            DateTimeOffset at = DateTimeOffset.Parse(Required(root, "at"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            string? actor = root.GetProperty("actor").GetString();
            string op = Required(root, "op");
            JournalRecord record = op switch
            {
                "ecr" => Ecr(Required(root, "target"), root.GetProperty("body").GetBytesFromBase64()),
                "createRepository" => new JournalRecord(JournalOperation.CreateRepository, Required(root, "repository"))
                {
                    Policy = PolicyOf(Required(root, "imageTagMutability"), root.GetProperty("exclusionFilters")),
                },
                "pushManifest" => new JournalRecord(JournalOperation.PushManifest, Required(root, "repository"))
                {
                    Body = root.GetProperty("manifest").GetBytesFromBase64(),
                    MediaType = Optional(root, "mediaType"),
                    Digest = TagImmutability.Digest.Parse(Required(root, "manifestDigest")),
                    ImageDigest = Optional(root, "imageDigest") is { } d ? TagImmutability.Digest.Parse(d) : null,
                    Tags = [.. root.GetProperty("tags").EnumerateArray().Select(t => t.GetString() ?? throw new FormatException("a tag is null"))],
                },
                "deleteManifest" => new JournalRecord(JournalOperation.DeleteManifest, Required(root, "repository"))
                {
                    ImageDigest = Optional(root, "imageDigest") is { } d ? TagImmutability.Digest.Parse(d) : null,
                    ImageTag = Optional(root, "imageTag"),
                },
                "linkBlob" or "unlinkBlob" => new JournalRecord(op == "linkBlob" ? JournalOperation.LinkBlob : JournalOperation.UnlinkBlob, Required(root, "repository"))
                {
                    Digest = TagImmutability.Digest.Parse(Required(root, "digest")),
                },
                _ => throw new FormatException($"the record's op '{op}' is not one this version writes"),
            };
            return new JournalRecord(record.Operation, record.Repository)
            {
                At = at,
                Actor = actor,
                Target = record.Target,
                Body = record.Body,
                Policy = record.Policy,
                MediaType = record.MediaType,
                Digest = record.Digest,
                ImageDigest = record.ImageDigest,
                Tags = record.Tags,
                ImageTag = record.ImageTag,
            };
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException("the record is not valid: " + error.Message, error);
        }
    }

    private static string OperationName(JournalOperation operation) => operation switch
    {
        JournalOperation.Ecr => "ecr",
        JournalOperation.CreateRepository => "createRepository",
        JournalOperation.PushManifest => "pushManifest",
        JournalOperation.DeleteManifest => "deleteManifest",
        JournalOperation.LinkBlob => "linkBlob",
        _ => "unlinkBlob",
    };

    private static TagMutabilityPolicy PolicyOf(string mode, JsonElement filters)
    {
        ImageTagMutability parsed = Enum.GetValues<ImageTagMutability>().FirstOrDefault(m => TagMutabilityPolicy.EcrName(m) == mode, (ImageTagMutability)(-1));
        if ((int)parsed == -1)
        {
            throw new FormatException($"imageTagMutability '{mode}' is not an ECR mode");
        }

        TagFilter[] parsedFilters = [.. filters.EnumerateArray().Select(f => TagFilter.Parse(f.GetString() ?? throw new FormatException("a filter is null")))];
        return parsedFilters.Length == 0 ? TagMutabilityPolicy.Create(parsed) : TagMutabilityPolicy.Create(parsed, parsedFilters);
    }

    private static string Required(JsonElement root, string name) =>
        root.GetProperty(name).GetString() ?? throw new FormatException($"the record's '{name}' is null");

    private static string? Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}

/// <summary>The kinds of call the journal records.</summary>
internal enum JournalOperation
{
    /// <summary>An ECR JSON API write, replayed through <see cref="EcrApi.Invoke"/>.</summary>
    Ecr,

    /// <summary>A repository created by a push (create on push).</summary>
    CreateRepository,

    /// <summary>A manifest PUT on the distribution API.</summary>
    PushManifest,

    /// <summary>A manifest DELETE on the distribution API.</summary>
    DeleteManifest,

    /// <summary>A blob linked into a repository (an upload committed, or a mount).</summary>
    LinkBlob,

    /// <summary>A blob unlinked from a repository (a blob DELETE).</summary>
    UnlinkBlob,
}
