using System.Collections.Immutable;
using TagImmutability.Registries;
using TagImmutability.Storage;

namespace TagImmutability;

/// <summary>The registry's side of snapshots (<see cref="RegistrySnapshot"/>): taking every repository's state, and installing states read from a file.</summary>
public sealed partial class Registry
{
    // Each repository's current snapshot, read once, in ordinal order of name: a consistent point in time per repository.
    internal ImmutableArray<RepositoryState> CaptureRepositoryStates() =>
        [.. InMemory().Repositories.Values.Select(cell => cell.State).OrderBy(state => state.Info.Name)];

    // One repository's current snapshot, read once (for TagDecisionState.FromRegistry).
    internal RepositoryState ReadRepositoryState(RepositoryName name) =>
        InMemory().Repositories.TryGetValue(name, out RepositoryCell? cell) ? cell.State : throw new RepositoryNotFoundException(RegistryId, name);

    // Snapshots read and install the in-memory store's states directly; a shared store (such as PostgreSQL) keeps its
    // own durable state, backed up with the database's tools.
    private InMemoryRegistryStore InMemory() => _memory ?? throw new NotSupportedException(
        "snapshots are taken of and read into a registry kept in memory; this registry's state lives in a shared store, which keeps it durably itself");

    // Installs the states of a snapshot into this registry, which must be new and empty; they become its repositories.
    internal void InstallRepositoryStates(IEnumerable<RepositoryState> states)
    {
        InMemoryRegistryStore memory = InMemory();
        lock (memory.Gate)
        {
            if (!memory.Repositories.IsEmpty)
            {
                throw new InvalidOperationException("a snapshot is installed into a new, empty registry only");
            }

            memory.Repositories = states.ToImmutableDictionary(state => state.Info.Name, state => new RepositoryCell(state));
        }
    }

    // The one place a snapshot builds a repository's state: the tag index and the index references are derived from
    // the images, exactly as the writes that built the original state derived them.
    internal static RepositoryState RestoredState(RepositoryInfo info, IReadOnlyList<ImageDetail> imagesInPushOrder, long nextSequence, TagHistory history)
    {
        var images = ImmutableDictionary.CreateBuilder<Digest, ImageDetail>();
        var tags = ImmutableDictionary.CreateBuilder<string, Digest>(StringComparer.Ordinal);
        var referencedBy = new Dictionary<Digest, ImmutableHashSet<Digest>>();
        foreach (ImageDetail image in imagesInPushOrder)
        {
            images.Add(image.Digest, image);
            foreach (Tag tag in image.Tags)
            {
                tags.Add(tag.Value, image.Digest);
            }

            foreach (Digest child in image.ReferencedDigests)
            {
                referencedBy[child] = (referencedBy.TryGetValue(child, out ImmutableHashSet<Digest>? set) ? set : []).Add(image.Digest);
            }
        }

        return RepositoryState.Empty(info)
            .With(images: images.ToImmutable(), tags: tags.ToImmutable(), referencedBy: referencedBy.ToImmutableDictionary(), nextSequence: nextSequence)
            .WithHistory(history);
    }
}
