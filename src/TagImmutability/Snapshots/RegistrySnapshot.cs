using System.Buffers;
using System.Text.Json;
using TagImmutability.Snapshots;

namespace TagImmutability;

/// <summary>
/// Export and import of a whole <see cref="Registry"/> as one versioned JSON document (docs/snapshot-format.md):
/// every repository with its policy and exclusion filters, every image with its exact manifest bytes, media type,
/// size, push time and push order, its tags in the order they were added, and each repository's tag history.
/// </summary>
/// <remarks>
/// <para>
/// <b>Exactness.</b> Writing a registry, reading the file and writing the result gives the same bytes, and the
/// registry read back answers every call as the original did at the time of the snapshot. The output is compact
/// UTF-8 JSON with a fixed member order and the same bytes on every platform.
/// </para>
/// <para>
/// <b>Consistency.</b> Each repository is written from one snapshot of its state, taken once, so a repository is
/// never written half-changed, even while other threads write to it. Different repositories may be taken at
/// slightly different moments (as with any per-repository operation of the registry).
/// </para>
/// <para>
/// <b>Validation.</b> Reading checks everything a registry checks when it builds its state, and that the state fits
/// together: each manifest is parsed from its bytes and its digest recomputed and compared; tags, repository names,
/// media types, policies and timestamps are parsed; an index's children are present; a tag is on one image only; the
/// limits of the <see cref="RegistryOptions"/> hold; the history replays to the tags. The first problem throws
/// <see cref="SnapshotInvalidException"/> naming its JSON path, and nothing is built: there is no half-loaded registry.
/// </para>
/// <para><b>Thread safety:</b> every method is safe to call from any thread, including while other threads use the registry.</para>
/// </remarks>
public static class RegistrySnapshot
{
    /// <summary>The value of the document's <c>format</c> member: <c>tagimmutability.registry-snapshot</c>.</summary>
    public const string FormatName = "tagimmutability.registry-snapshot";

    /// <summary>The version this library writes and the only one it reads: 1. A document of another version is refused with <see cref="SnapshotInvalidReason.UnsupportedFormatVersion"/>.</summary>
    public const int FormatVersion = 1;

    /// <summary>Writes <paramref name="registry"/>'s state to <paramref name="utf8Json"/> as one snapshot document.</summary>
    /// <param name="registry">The registry; other threads may keep using it.</param>
    /// <param name="utf8Json">Where the UTF-8 JSON goes; it is flushed, not closed.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="IOException">Writing to the stream failed.</exception>
    public static void Write(Registry registry, Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var writer = new Utf8JsonWriter(utf8Json, SnapshotWriter.WriterOptions);
        SnapshotWriter.WriteDocument(writer, registry.Options, registry.CaptureRepositoryStates());
        writer.Flush();
    }

    /// <summary>Writes <paramref name="registry"/>'s state to <paramref name="utf8Json"/> as one snapshot document.</summary>
    /// <param name="registry">The registry; other threads may keep using it.</param>
    /// <param name="utf8Json">Where the UTF-8 JSON goes.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Write(Registry registry, IBufferWriter<byte> utf8Json)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(utf8Json);
        using var writer = new Utf8JsonWriter(utf8Json, SnapshotWriter.WriterOptions);
        SnapshotWriter.WriteDocument(writer, registry.Options, registry.CaptureRepositoryStates());
        writer.Flush();
    }

    /// <summary>
    /// <see cref="Write(Registry, Stream)"/> for streams that do I/O: the states are captured at once, then written and
    /// flushed asynchronously.
    /// </summary>
    /// <param name="registry">The registry; other threads may keep using it.</param>
    /// <param name="utf8Json">Where the UTF-8 JSON goes; it is flushed, not closed.</param>
    /// <param name="cancellationToken">Cancels the writing; the stream then holds part of a document.</param>
    /// <returns>A task that completes when the document is written and flushed.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="IOException">Writing to the stream failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task WriteAsync(Registry registry, Stream utf8Json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(utf8Json);
        var buffer = new ArrayBufferWriter<byte>();
        Write(registry, buffer);
        await utf8Json.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await utf8Json.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a snapshot document into a new registry with ECR's default options and the snapshot's registry id and region.</summary>
    /// <param name="utf8Json">The document, UTF-8 JSON; read to its end, not closed.</param>
    /// <returns>A new registry holding exactly the snapshot's state.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="utf8Json"/> is <see langword="null"/>.</exception>
    /// <exception cref="SnapshotInvalidException">The document is not valid (its <see cref="SnapshotInvalidException.Reason"/> and <see cref="SnapshotInvalidException.JsonPath"/> say why and where); nothing was built.</exception>
    /// <exception cref="IOException">Reading from the stream failed.</exception>
    public static Registry Read(Stream utf8Json) => Read(utf8Json, null);

    /// <summary>Reads a snapshot document into a new registry.</summary>
    /// <param name="utf8Json">The document, UTF-8 JSON; read to its end, not closed.</param>
    /// <param name="options">
    /// The new registry's options (clock, grammar, limits); their <see cref="RegistryOptions.RegistryId"/> and
    /// <see cref="RegistryOptions.Region"/> must be the snapshot's. <see langword="null"/> for ECR's defaults with the
    /// snapshot's registry id and region.
    /// </param>
    /// <returns>A new registry holding exactly the snapshot's state.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="utf8Json"/> is <see langword="null"/>.</exception>
    /// <exception cref="SnapshotInvalidException">The document is not valid (its <see cref="SnapshotInvalidException.Reason"/> and <see cref="SnapshotInvalidException.JsonPath"/> say why and where); nothing was built.</exception>
    /// <exception cref="IOException">Reading from the stream failed.</exception>
    public static Registry Read(Stream utf8Json, RegistryOptions? options)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, StateJson.DocumentOptions);
        }
        catch (JsonException error)
        {
            throw SnapshotInvalidException.Create(SnapshotInvalidReason.InvalidJson, string.Empty, "the snapshot is not valid JSON: " + error.Message, error);
        }

        using (document)
        {
            return SnapshotReader.Read(document, options);
        }
    }

    /// <summary>Reads a snapshot document into a new registry with ECR's default options and the snapshot's registry id and region.</summary>
    /// <param name="utf8Json">The document, UTF-8 JSON.</param>
    /// <returns>A new registry holding exactly the snapshot's state.</returns>
    /// <exception cref="SnapshotInvalidException">The document is not valid; nothing was built.</exception>
    public static Registry Read(ReadOnlyMemory<byte> utf8Json) => Read(utf8Json, null);

    /// <summary>Reads a snapshot document into a new registry.</summary>
    /// <param name="utf8Json">The document, UTF-8 JSON.</param>
    /// <param name="options">As for <see cref="Read(Stream, RegistryOptions?)"/>.</param>
    /// <returns>A new registry holding exactly the snapshot's state.</returns>
    /// <exception cref="SnapshotInvalidException">The document is not valid; nothing was built.</exception>
    public static Registry Read(ReadOnlyMemory<byte> utf8Json, RegistryOptions? options)
    {
        using JsonDocument document = StateJson.Parse(utf8Json, "the snapshot");
        return SnapshotReader.Read(document, options);
    }

    /// <summary><see cref="Read(Stream, RegistryOptions?)"/> for streams that do I/O: the document is read asynchronously, then validated.</summary>
    /// <param name="utf8Json">The document, UTF-8 JSON; read to its end, not closed.</param>
    /// <param name="options">As for <see cref="Read(Stream, RegistryOptions?)"/>.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>A new registry holding exactly the snapshot's state.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="utf8Json"/> is <see langword="null"/>.</exception>
    /// <exception cref="SnapshotInvalidException">The document is not valid; nothing was built.</exception>
    /// <exception cref="IOException">Reading from the stream failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<Registry> ReadAsync(Stream utf8Json, RegistryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(utf8Json, StateJson.DocumentOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException error)
        {
            throw SnapshotInvalidException.Create(SnapshotInvalidReason.InvalidJson, string.Empty, "the snapshot is not valid JSON: " + error.Message, error);
        }

        using (document)
        {
            return SnapshotReader.Read(document, options);
        }
    }
}
