using System.Globalization;
using System.Text.Json;
using TagImmutability.Internal;
using TagImmutability.Registries;

namespace TagImmutability.Snapshots;

/// <summary>
/// Writes the shapes of the snapshot format (docs/snapshot-format.md) with <see cref="Utf8JsonWriter"/>: the document,
/// and each record on its own (a repository, an image, a tag event), so that an append-only journal can write the
/// same shapes one record a line. Member order is fixed and the output is compact, so equal states give equal bytes
/// on every platform.
/// </summary>
internal static class SnapshotWriter
{
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = CanonicalJsonEncoder.Instance,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>The whole document: the header, then each repository's state in the order given.</summary>
    public static void WriteDocument(Utf8JsonWriter writer, RegistryOptions options, IEnumerable<RepositoryState> states)
    {
        writer.WriteStartObject();
        writer.WriteString("format", RegistrySnapshot.FormatName);
        writer.WriteNumber("formatVersion", RegistrySnapshot.FormatVersion);
        writer.WriteString("registryId", options.RegistryId);
        writer.WriteString("region", options.Region);
        writer.WriteStartArray("repositories");
        foreach (RepositoryState state in states)
        {
            WriteRepository(writer, state);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>One repository's whole state: identity and policy, the push counter, images in push order, history.</summary>
    public static void WriteRepository(Utf8JsonWriter writer, RepositoryState state)
    {
        writer.WriteStartObject();
        WriteRepositoryMembers(writer, state.Info);
        writer.WriteNumber("nextImageSequence", state.NextSequence);
        writer.WriteStartArray("images");
        foreach (ImageDetail image in state.ImagesInPushOrder())
        {
            WriteImage(writer, image);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("history");
        writer.WriteNumber("droppedEvents", state.History.Dropped);
        writer.WriteStartArray("events");
        foreach (TagEvent item in state.History.Events)
        {
            WriteEvent(writer, item);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary><c>repositoryName</c>, <c>createdAt</c>, <c>imageTagMutability</c>, <c>imageTagMutabilityExclusionFilters</c> (always, empty when none).</summary>
    public static void WriteRepositoryMembers(Utf8JsonWriter writer, RepositoryInfo info)
    {
        writer.WriteString("repositoryName", info.Name.Value);
        writer.WriteString("createdAt", Timestamp(info.CreatedAt));
        writer.WriteString("imageTagMutability", TagMutabilityPolicy.EcrName(info.Policy.Mode));
        writer.WriteStartArray("imageTagMutabilityExclusionFilters");
        foreach (TagFilter filter in info.Policy.Filters)
        {
            writer.WriteStartObject();
            writer.WriteString("filterType", "WILDCARD");
            writer.WriteString("filter", filter.Pattern);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>One image: push order, digest, tags in the order they were added, size, push time, media type, the manifest's exact bytes as a string.</summary>
    public static void WriteImage(Utf8JsonWriter writer, ImageDetail image)
    {
        writer.WriteStartObject();
        writer.WriteNumber("sequence", image.Sequence);
        writer.WriteString("imageDigest", image.Digest.ToString());
        writer.WriteStartArray("imageTags");
        foreach (Tag tag in image.Tags)
        {
            writer.WriteStringValue(tag.Value);
        }

        writer.WriteEndArray();
        writer.WriteNumber("imageSizeInBytes", image.SizeInBytes);
        writer.WriteString("imagePushedAt", Timestamp(image.PushedAt));
        writer.WriteString("imageManifestMediaType", image.ManifestMediaType.ToString());

        // Manifests are valid UTF-8 (the parser refuses anything else), so the JSON string carries their exact bytes.
        writer.WriteString("imageManifest", image.Manifest.Span);
        writer.WriteEndObject();
    }

    /// <summary>One tag event, in the shape <see cref="Registry.WriteHistoryJson"/> writes events.</summary>
    public static void WriteEvent(Utf8JsonWriter writer, TagEvent item)
    {
        writer.WriteStartObject();
        writer.WriteNumber("sequence", item.Sequence);
        writer.WriteString("timestamp", Timestamp(item.Timestamp));
        writer.WriteString("imageTag", item.Tag.Value);
        writer.WriteString("event", item.Kind switch
        {
            TagEventKind.Created => "CREATED",
            TagEventKind.Moved => "MOVED",
            TagEventKind.Removed => "REMOVED",
            _ => "REJECTED",
        });
        WriteNullable(writer, "oldImageDigest", item.OldDigest?.ToString());
        WriteNullable(writer, "newImageDigest", item.NewDigest?.ToString());
        WriteNullable(writer, "actor", item.Actor);
        writer.WriteEndObject();
    }

    /// <summary>The round-trip format: every tick and the offset, so that reading gives the same instant and the same text back.</summary>
    public static string Timestamp(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
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
