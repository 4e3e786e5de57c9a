using System.Collections.Immutable;
using TagImmutability.Internal;
using TagImmutability.Registries;
using TagImmutability.Storage;

namespace TagImmutability;

/// <summary>The registry's side of snapshots (<see cref="RegistrySnapshot"/>): taking every repository's state, and installing states read from a file.</summary>
public sealed partial class Registry
{
    // Each repository's current snapshot, read once, in ordinal order of name: a consistent point in time per repository.
    internal ImmutableArray<RepositoryState> CaptureRepositoryStates() =>
        _memory is { } memory
            ? [.. memory.Repositories.Values.Select(cell => cell.State).OrderBy(state => state.Info.Name)]
            : Sync(CaptureFromStoreAsync(CancellationToken.None));

    // One repository's current snapshot, read once (for TagDecisionState.FromRegistry).
    internal RepositoryState ReadRepositoryState(RepositoryName name) => Sync(ReadAsync(name, RepositoryQuery.All, CancellationToken.None));

    // Over a store: each repository whole, with its history. The history is read before and after the images and tags,
    // and the read is repeated until no event was recorded in between, so that the history replays to the bindings
    // (writes that record no event, such as an untagged push, cannot break that).
    private async ValueTask<ImmutableArray<RepositoryState>> CaptureFromStoreAsync(CancellationToken cancellationToken)
    {
        var states = ImmutableArray.CreateBuilder<RepositoryState>();
        foreach (StoredRepository repository in await Store.ListRepositoriesAsync(cancellationToken).ConfigureAwait(false))
        {
            for (int attempt = 1; ; attempt++)
            {
                StoredHistory? before = await Store.ReadHistoryAsync(repository.Name, Options.MaxHistoryEventsPerRepository, cancellationToken).ConfigureAwait(false);
                RepositorySnapshot? snapshot = await Store.ReadAsync(repository.Name, RepositoryQuery.All, cancellationToken).ConfigureAwait(false);
                StoredHistory? after = await Store.ReadHistoryAsync(repository.Name, Options.MaxHistoryEventsPerRepository, cancellationToken).ConfigureAwait(false);
                if (before is null || snapshot is null || after is null || snapshot.Repository.Key != repository.Key)
                {
                    break; // deleted meanwhile: not in the capture
                }

                if (before.Dropped + before.Events.Length == after.Dropped + after.Events.Length)
                {
                    states.Add(StateOf(snapshot).WithHistory(TagHistory.Restore([.. after.Events], after.Dropped)));
                    break;
                }

                await AfterConflictAsync(repository.Name, "snapshot", attempt, cancellationToken).ConfigureAwait(false);
            }
        }

        return [.. states.OrderBy(state => state.Info.Name)];
    }

    // Installs the states of a snapshot into this registry, which must be new and empty; they become its repositories.
    internal void InstallRepositoryStates(IEnumerable<RepositoryState> states)
    {
        InMemoryRegistryStore memory = _memory ?? throw new InvalidOperationException("a snapshot is installed into a new, empty in-memory registry only");
        lock (memory.Gate)
        {
            if (!memory.Repositories.IsEmpty)
            {
                throw new InvalidOperationException("a snapshot is installed into a new, empty registry only");
            }

            memory.Repositories = states.Aggregate(AsciiMap<RepositoryCell>.Empty, (map, state) => map.Add(state.Info.Name.Value, new RepositoryCell(state)));
        }
    }

    // The one place a snapshot builds a repository's state: the tag index and the index references are derived from
    // the images, exactly as the writes that built the original state derived them.
    internal static RepositoryState RestoredState(RepositoryInfo info, IReadOnlyList<ImageDetail> imagesInPushOrder, long nextSequence, TagHistory history)
    {
        var images = ImmutableDictionary.CreateBuilder<Digest, ImageDetail>();
        TagIndex tags = TagIndex.Empty;
        var referencedBy = new Dictionary<Digest, ImmutableHashSet<Digest>>();
        foreach (ImageDetail image in imagesInPushOrder)
        {
            images.Add(image.Digest, image);
            foreach (Tag tag in image.Tags)
            {
                tags = tags.SetItem(tag.Value, image);
            }

            foreach (Digest child in image.ReferencedDigests)
            {
                referencedBy[child] = (referencedBy.TryGetValue(child, out ImmutableHashSet<Digest>? set) ? set : []).Add(image.Digest);
            }
        }

        return RepositoryState.Empty(info)
            .With(images: images.ToImmutable(), tags: tags, referencedBy: referencedBy.ToImmutableDictionary(), nextSequence: nextSequence)
            .WithHistory(history);
    }
}
