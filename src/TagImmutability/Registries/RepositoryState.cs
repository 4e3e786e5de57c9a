using System.Collections.Immutable;

namespace TagImmutability.Registries;

/// <summary>
/// One repository's whole state as an immutable snapshot. Writers build a new snapshot under the repository's lock and
/// publish it with one reference write; readers take the current snapshot without locking, so they never see half a write.
/// </summary>
internal sealed class RepositoryState
{
    public static RepositoryState Empty(RepositoryInfo info) => new(
        info,
        ImmutableDictionary<Digest, ImageDetail>.Empty,
        TagIndex.Empty,
        ImmutableDictionary<Digest, ImmutableHashSet<Digest>>.Empty,
        0,
        TagHistory.Empty);

    public RepositoryState(
        RepositoryInfo info,
        ImmutableDictionary<Digest, ImageDetail> images,
        TagIndex tags,
        ImmutableDictionary<Digest, ImmutableHashSet<Digest>> referencedBy,
        long nextSequence,
        TagHistory history,
        long policyVersion = 0,
        long unloadedImages = 0)
    {
        History = history;
        PolicyVersion = policyVersion;
        UnloadedImages = unloadedImages;
        Info = info;
        Images = images;
        Tags = tags;
        ReferencedBy = referencedBy;
        NextSequence = nextSequence;
    }

    public RepositoryInfo Info { get; }

    /// <summary>Every image, by digest.</summary>
    public ImmutableDictionary<Digest, ImageDetail> Images { get; }

    /// <summary>Every tag, to the digest it names (ordinal keys: tags are case-sensitive).</summary>
    public TagIndex Tags { get; }

    /// <summary>For each image an index references, the digests of the indexes that reference it.</summary>
    public ImmutableDictionary<Digest, ImmutableHashSet<Digest>> ReferencedBy { get; }

    /// <summary>The push order given to the next new image, so listings come out in push order.</summary>
    public long NextSequence { get; }

    /// <summary>
    /// The repository's tag events, oldest first. An audit log beside the bindings: a rejected push appends to it and
    /// changes nothing else.
    /// </summary>
    public TagHistory History { get; }

    /// <summary>The version of <see cref="RepositoryInfo.Policy"/>: 0 at creation, one more after each policy change.</summary>
    public long PolicyVersion { get; }

    /// <summary>
    /// How many of the repository's images this snapshot does not hold: 0 for a whole repository; more for the partial
    /// snapshot a registry over a <see cref="Storage.RegistryStore"/> reads for one write, which holds only the images
    /// the write's decision depends on.
    /// </summary>
    public long UnloadedImages { get; }

    /// <summary>How many images the whole repository holds (limits count all of them, loaded or not).</summary>
    public long ImageCount => Images.Count + UnloadedImages;

    public RepositoryState WithHistory(TagHistory history) => new(Info, Images, Tags, ReferencedBy, NextSequence, history, PolicyVersion, UnloadedImages);

    public RepositoryState With(
        RepositoryInfo? info = null,
        ImmutableDictionary<Digest, ImageDetail>? images = null,
        TagIndex? tags = null,
        ImmutableDictionary<Digest, ImmutableHashSet<Digest>>? referencedBy = null,
        long? nextSequence = null) =>
        new(
            info ?? Info,
            images ?? Images,
            tags ?? Tags,
            referencedBy ?? ReferencedBy,
            nextSequence ?? NextSequence,
            History,
            info is not null && info.Policy != Info.Policy ? PolicyVersion + 1 : PolicyVersion,
            UnloadedImages);

    public IEnumerable<ImageDetail> ImagesInPushOrder() => Images.Values.OrderBy(i => i.Sequence);
}

/// <summary>A repository's lock and its current snapshot. <see cref="Deleted"/> is set once, under both locks.</summary>
internal sealed class RepositoryCell
{
    private static long _lastKey;
    private volatile RepositoryState _state;

    public RepositoryCell(RepositoryState state) => _state = state;

    /// <summary>This incarnation's identity (<see cref="Storage.StoredRepository.Key"/>): unique in the process.</summary>
    public long Key { get; } = Interlocked.Increment(ref _lastKey);

    public object Gate { get; } = new();

    public RepositoryState State
    {
        get => _state;
        set => _state = value;
    }

    public bool Deleted { get; set; }
}
