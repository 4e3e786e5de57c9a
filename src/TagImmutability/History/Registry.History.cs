using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using TagImmutability.Registries;

namespace TagImmutability;

/// <summary>Tag history: an append-only, bounded record of every tag event of each repository.</summary>
/// <remarks>
/// <para>
/// <b>What is recorded.</b> <see cref="TagEventKind.Created"/> and <see cref="TagEventKind.Moved"/> by
/// <see cref="PutImage(RepositoryName, ReadOnlyMemory{byte}, Tag?, MediaType?, Digest?)"/>;
/// <see cref="TagEventKind.Removed"/> by <see cref="BatchDeleteImage(RepositoryName, IEnumerable{ImageId})"/> (one per
/// tag that stops naming a digest, in ordinal order of tag within one call); <see cref="TagEventKind.Rejected"/> when
/// a push fails with <see cref="ImageTagAlreadyExistsException"/>. Other failures record nothing, and neither do
/// untagged pushes, policy changes or <see cref="ExpireUntagged(RepositoryName, TimeSpan)"/> (it removes untagged
/// images only, so no tag changes).
/// </para>
/// <para>
/// <b>Atomicity.</b> Events live in the repository's snapshot, so a write and its events are published together: no
/// reader sees a binding without its event or the reverse. A rejected push is a failed call and changes no image, tag
/// or policy; it does append its <see cref="TagEventKind.Rejected"/> event. The history is an audit log beside the
/// state, not part of it: "a failed call changes nothing" is about images, tags and policies.
/// </para>
/// <para>
/// <b>Repository deletion.</b> The history goes with the repository: a repository created again under the same name
/// starts with an empty history, numbered from 0.
/// </para>
/// </remarks>
public sealed partial class Registry
{
    /// <summary>The repository's retained tag events, oldest first (record order, which is time order on a monotonic clock).</summary>
    /// <param name="repository">The repository's name.</param>
    /// <returns>At most <see cref="RegistryOptions.MaxHistoryEventsPerRepository"/> events; their <see cref="TagEvent.Sequence"/> numbers are consecutive.</returns>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    /// <remarks>Reads one snapshot without locking.</remarks>
    public ImmutableArray<TagEvent> GetHistory(RepositoryName repository) => Sync(GetHistoryCoreAsync(repository, CancellationToken.None));

    /// <summary>
    /// What <paramref name="tag"/> named at <paramref name="instant"/>: the outcome of replaying the repository's
    /// events recorded at or before that instant. Reads one snapshot without locking.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="instant">The instant, in any offset (compared as UTC). An event recorded exactly at the instant counts.</param>
    /// <returns>
    /// A known digest, known nothing (the tag named nothing, including before the repository existed), or
    /// <see cref="TagResolution.Unknown"/> when older events were dropped and no retained event of the tag at or before
    /// the instant tells the answer. The answer is exact when the registry's clock never goes backwards.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="tag"/> is the default value.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public TagResolution ResolveAt(RepositoryName repository, Tag tag, DateTimeOffset instant) =>
        Sync(ResolveAtCoreAsync(repository, tag, instant, CancellationToken.None));

    private async ValueTask<ImmutableArray<TagEvent>> GetHistoryCoreAsync(RepositoryName repository, CancellationToken cancellationToken) =>
        [.. (await ReadHistoryAsync(repository, cancellationToken).ConfigureAwait(false)).Events];

    private async ValueTask<TagResolution> ResolveAtCoreAsync(RepositoryName repository, Tag tag, DateTimeOffset instant, CancellationToken cancellationToken)
    {
        if (tag.IsDefault)
        {
            throw new ArgumentException("tag is default(Tag), which is not a tag", nameof(tag));
        }

        TagHistory history = await ReadHistoryAsync(repository, cancellationToken).ConfigureAwait(false);
        // The last event in record order that is at or before the instant and about the tag: scanning backwards, the first.
        TagEvent? last = null;
        for (int i = history.Events.Count - 1; i >= 0 && last is null; i--)
        {
            TagEvent item = history.Events[i];
            if (item.Timestamp <= instant && string.Equals(item.Tag.Value, tag.Value, StringComparison.Ordinal))
            {
                last = item;
            }
        }

        return last is not null ? TagResolution.Known(last.DigestAfter)
            : history.Dropped == 0 ? TagResolution.Known(null)
            : TagResolution.Unknown;
    }

    /// <summary>
    /// Writes the repository's retained history as one JSON object: <c>repositoryName</c>, <c>droppedEvents</c> (how
    /// many older events the bound dropped) and <c>events</c>, an array, oldest first, of objects with
    /// <c>sequence</c>, <c>timestamp</c> (ISO 8601 UTC, such as <c>2026-11-29T12:00:00.0000000+00:00</c>),
    /// <c>imageTag</c>, <c>event</c> (<c>CREATED</c>, <c>MOVED</c>, <c>REMOVED</c> or <c>REJECTED</c>),
    /// <c>oldImageDigest</c>, <c>newImageDigest</c> and <c>actor</c> (<c>null</c> when absent). Reads one snapshot.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="writer">The writer; the caller flushes and disposes it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public void WriteHistoryJson(RepositoryName repository, Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        TagHistory history = Sync(ReadHistoryAsync(repository, CancellationToken.None));
        writer.WriteStartObject();
        writer.WriteString("repositoryName", repository.Value);
        writer.WriteNumber("droppedEvents", history.Dropped);
        writer.WriteStartArray("events");
        foreach (TagEvent item in history.Events)
        {
            writer.WriteStartObject();
            writer.WriteNumber("sequence", item.Sequence);
            writer.WriteString("timestamp", item.Timestamp.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("imageTag", item.Tag.Value);
            writer.WriteString("event", item.Kind.ToString().ToUpperInvariant());
            WriteNullable(writer, "oldImageDigest", item.OldDigest?.ToString());
            WriteNullable(writer, "newImageDigest", item.NewDigest?.ToString());
            WriteNullable(writer, "actor", item.Actor);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

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

    // Appends an event for each tag whose binding differs between the two states, with the time and actor of now.
    private RepositoryState RecordTagChanges(RepositoryState before, RepositoryState after, IEnumerable<Tag> tags)
    {
        TagHistory history = after.History;
        DateTimeOffset now = default;
        string? actor = null;
        bool stamped = false;
        foreach (Tag tag in tags.Distinct().OrderBy(t => t.Value, StringComparer.Ordinal))
        {
            Digest? old = before.Tags.TryGetValue(tag.Value, out Digest o) ? o : null;
            Digest? @new = after.Tags.TryGetValue(tag.Value, out Digest n) ? n : null;
            if (old == @new)
            {
                continue;
            }

            if (!stamped)
            {
                (now, actor, stamped) = (Now.ToUniversalTime(), Options.ActorProvider?.Invoke(), true);
            }

            TagEventKind kind = old is null ? TagEventKind.Created : @new is null ? TagEventKind.Removed : TagEventKind.Moved;
            history = history.Append(new TagEvent(history.NextSequence, now, after.Info.Name, tag, kind, old, @new, actor), Options.MaxHistoryEventsPerRepository);
        }

        return ReferenceEquals(history, after.History) ? after : after.WithHistory(history);
    }

    // The state a rejected push publishes: unchanged but for its Rejected event.
    private RepositoryState RecordRejection(RepositoryState state, ImageTagAlreadyExistsException error) =>
        RecordRejection(state, error.Tag, error.ExistingDigest, error.AttemptedDigest);

    private RepositoryState RecordRejection(RepositoryState state, Tag tag, Digest existing, Digest attempted)
    {
        var item = new TagEvent(
            state.History.NextSequence,
            Now.ToUniversalTime(),
            state.Info.Name,
            tag,
            TagEventKind.Rejected,
            existing,
            attempted,
            Options.ActorProvider?.Invoke());
        return state.WithHistory(state.History.Append(item, Options.MaxHistoryEventsPerRepository));
    }
}
