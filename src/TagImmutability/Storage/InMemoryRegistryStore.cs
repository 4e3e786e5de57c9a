using System.Collections.Immutable;
using TagImmutability.Internal;
using TagImmutability.Registries;

namespace TagImmutability.Storage;

/// <summary>
/// The default <see cref="RegistryStore"/>: every repository is an immutable snapshot in this process's memory, behind
/// a lock of its own (docs/decisions/0005-registry-concurrency.md). Every call completes synchronously.
/// </summary>
/// <remarks>
/// <para>
/// A <see cref="Registry"/> over this store does not go through the store's read-and-commit methods: it decides each
/// write under the repository's lock, on the current snapshot, and publishes the result, so no decision can be stale
/// and resolving a tag is a lookup that neither locks nor allocates. The read-and-commit methods keep the
/// <see cref="RegistryStore"/> contract too (a commit is checked against the current snapshot under the lock), so the
/// store can stand in for a shared one in tests.
/// </para>
/// <para><b>Thread safety:</b> safe to share between threads, and between registries with the same identity.</para>
/// </remarks>
public sealed class InMemoryRegistryStore : RegistryStore
{
    private volatile AsciiMap<RepositoryCell> _repositories = AsciiMap<RepositoryCell>.Empty;

    /// <summary>Creates an empty store for a registry with ECR's defaults (<see cref="RegistryOptions.Default"/>).</summary>
    public InMemoryRegistryStore()
        : this(RegistryOptions.Default)
    {
    }

    /// <summary>Creates an empty store for the registry <paramref name="options"/> describes (its id, region and manifest size limit).</summary>
    /// <param name="options">The registry's options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public InMemoryRegistryStore(RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        ParserOptions = new ManifestParserOptions { MaxSizeInBytes = options.MaxManifestSizeInBytes };
    }

    /// <summary>The registry identity the store's repositories and images carry (registry id, region).</summary>
    public RegistryOptions Options { get; }

    /// <summary>The lock under which the map of repositories is replaced.</summary>
    internal object Gate { get; } = new();

    /// <summary>Every repository's cell, by name; replaced whole under <see cref="Gate"/>, read without locking.</summary>
    internal AsciiMap<RepositoryCell> Repositories
    {
        get => _repositories;
        set => _repositories = value;
    }

    private ManifestParserOptions ParserOptions { get; }

    /// <inheritdoc/>
    public override ValueTask<StoredRepository?> CreateRepositoryAsync(RepositoryName name, TagMutabilityPolicy policy, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (Gate)
        {
            if (Repositories.ContainsKey(name.Value))
            {
                return ValueTask.FromResult<StoredRepository?>(null);
            }

            var cell = new RepositoryCell(RepositoryState.Empty(new RepositoryInfo(Options.RegistryId, Options.Region, name, createdAt.ToUniversalTime(), policy)));
            Repositories = Repositories.Add(name.Value, cell);
            return ValueTask.FromResult<StoredRepository?>(Stored(cell, cell.State));
        }
    }

    /// <inheritdoc/>
    public override ValueTask<StoredRepository?> GetRepositoryAsync(RepositoryName name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Repositories.TryGetValue(name.Value, out RepositoryCell? cell) ? Stored(cell, cell.State) : null);

    /// <inheritdoc/>
    public override ValueTask<ImmutableArray<StoredRepository>> ListRepositoriesAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<ImmutableArray<StoredRepository>>([.. Repositories.Values.Select(c => Stored(c, c.State)).OrderBy(r => r.Name.Value, StringComparer.Ordinal)]);

    /// <inheritdoc/>
    public override ValueTask<StoreCommitOutcome> DeleteRepositoryAsync(StoredRepository repository, bool onlyIfEmpty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (!Repositories.TryGetValue(repository.Name.Value, out RepositoryCell? cell) || cell.Key != repository.Key)
        {
            return ValueTask.FromResult(StoreCommitOutcome.Conflict);
        }

        lock (cell.Gate)
        {
            if (cell.Deleted || (onlyIfEmpty && !cell.State.Images.IsEmpty))
            {
                return ValueTask.FromResult(StoreCommitOutcome.Conflict);
            }

            lock (Gate)
            {
                cell.Deleted = true;
                Repositories = Repositories.Remove(repository.Name.Value);
            }
        }

        return ValueTask.FromResult(StoreCommitOutcome.Committed);
    }

    /// <inheritdoc/>
    public override ValueTask<Digest?> ResolveTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Repositories.TryGetValue(repository.Value, out RepositoryCell? cell) && cell.State.Tags.TryGetValue(tag.Value, out Digest digest) ? digest : (Digest?)null);

    /// <inheritdoc/>
    public override ValueTask<RepositorySnapshot?> ReadAsync(RepositoryName repository, RepositoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!Repositories.TryGetValue(repository.Value, out RepositoryCell? cell))
        {
            return ValueTask.FromResult<RepositorySnapshot?>(null);
        }

        RepositoryState state = cell.State;
        IEnumerable<ImageDetail> images = query.AllImages
            ? state.Images.Values
            : query.Digests.Select(d => state.Images.GetValueOrDefault(d))
                .Concat(query.Tags.Select(t => state.Tags.TryGetValue(t.Value, out Digest d) ? state.Images[d] : null))
                .OfType<ImageDetail>()
                .Distinct();
        ImmutableArray<StoredImage> stored = [.. images.OrderBy(i => i.Sequence).Select(i => StoredImageOf(state, i))];
        return ValueTask.FromResult<RepositorySnapshot?>(new RepositorySnapshot(Stored(cell, state), state.Images.Count, stored, query.AllImages));
    }

    /// <inheritdoc/>
    public override ValueTask<StoredHistory?> ReadHistoryAsync(RepositoryName repository, int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        if (!Repositories.TryGetValue(repository.Value, out RepositoryCell? cell))
        {
            return ValueTask.FromResult<StoredHistory?>(null);
        }

        TagHistory history = cell.State.History;
        int skip = Math.Max(0, history.Events.Count - maxEvents);
        return ValueTask.FromResult<StoredHistory?>(new StoredHistory([.. history.Events.Skip(skip)], history.Dropped + skip));
    }

    /// <inheritdoc/>
    public override ValueTask<StoreCommitOutcome> CommitAsync(RepositoryChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!Repositories.TryGetValue(change.Repository.Name.Value, out RepositoryCell? cell) || cell.Key != change.Repository.Key)
        {
            return ValueTask.FromResult(StoreCommitOutcome.Conflict);
        }

        lock (cell.Gate)
        {
            if (cell.Deleted || Apply(cell.State, change) is not { } next)
            {
                return ValueTask.FromResult(StoreCommitOutcome.Conflict);
            }

            cell.State = next;
            return ValueTask.FromResult(StoreCommitOutcome.Committed);
        }
    }

    internal static StoredRepository Stored(RepositoryCell cell, RepositoryState state) =>
        new(cell.Key, state.Info.Name, state.Info.CreatedAt, state.Info.Policy, state.PolicyVersion);

    private static StoredImage StoredImageOf(RepositoryState state, ImageDetail image) => new(
        new NewImage(image.Digest, image.Manifest, image.ManifestMediaType, image.SizeInBytes, image.PushedAt, image.ReferencedDigests),
        image.Sequence,
        image.Tags,
        state.ReferencedBy.TryGetValue(image.Digest, out ImmutableHashSet<Digest>? indexes) ? [.. indexes.OrderBy(d => d.ToString(), StringComparer.Ordinal)] : []);

    // The state after the change, or null when a precondition fails. Checks come first, so a failure changes nothing.
    private RepositoryState? Apply(RepositoryState state, RepositoryChange change)
    {
        if ((change.DependsOnPolicy && state.PolicyVersion != change.Repository.PolicyVersion)
            || change.TagChanges.Any(c => (state.Tags.TryGetValue(c.Tag.Value, out Digest d) ? d : (Digest?)null) != c.Expected)
            || !change.ImageExpectations.All(e => Holds(state, e))
            || change.AddedImages.Any(i => state.Images.ContainsKey(i.Digest))
            || change.RemovedImages.Any(d => !state.Images.ContainsKey(d)))
        {
            return null;
        }

        ImmutableDictionary<Digest, ImageDetail> images = state.Images;
        TagIndex tags = state.Tags;
        ImmutableDictionary<Digest, ImmutableHashSet<Digest>> referencedBy = state.ReferencedBy;
        long sequence = state.NextSequence;

        foreach (TagChange removal in change.TagChanges.Where(c => !c.IsCheck))
        {
            if (removal.Expected is { } old)
            {
                tags = tags.Remove(removal.Tag.Value);
                images = images.SetItem(old, images[old].WithTags(images[old].Tags.Remove(removal.Tag)));
            }
        }

        foreach (NewImage added in change.AddedImages)
        {
            if (added.ReferencedDigests.Any(c => !images.ContainsKey(c)))
            {
                return null;
            }

            ParsedManifest parsed = ManifestParser.Parse(added.Manifest, added.MediaType, ParserOptions);
            var image = new ImageDetail(Options.RegistryId, state.Info.Name, parsed, added.Manifest.ToArray(), added.SizeInBytes, added.PushedAt, [], sequence++);
            images = images.Add(image.Digest, image);
            foreach (Digest child in image.ReferencedDigests)
            {
                referencedBy = referencedBy.SetItem(child, (referencedBy.TryGetValue(child, out ImmutableHashSet<Digest>? set) ? set : []).Add(image.Digest));
            }
        }

        foreach (TagChange binding in change.TagChanges.Where(c => !c.IsCheck && c.New is not null))
        {
            Digest target = binding.New!.Value;
            if (!images.TryGetValue(target, out ImageDetail? image))
            {
                return null;
            }

            tags = tags.SetItem(binding.Tag.Value, image);
            images = images.SetItem(target, image.WithTags(image.Tags.Add(binding.Tag)));
        }

        // Images removed together may reference each other (an index and its children): what must hold is that once
        // all of them are gone, no tag names one and no remaining index references one.
        var removedSet = new HashSet<Digest>(change.RemovedImages);
        foreach (Digest removed in change.RemovedImages)
        {
            if (!images[removed].Tags.IsEmpty
                || (referencedBy.TryGetValue(removed, out ImmutableHashSet<Digest>? indexes) && !indexes.All(removedSet.Contains)))
            {
                return null;
            }
        }

        foreach (Digest removed in change.RemovedImages)
        {
            ImageDetail image = images[removed];
            images = images.Remove(removed);
            referencedBy = referencedBy.Remove(removed);
            foreach (Digest child in image.ReferencedDigests)
            {
                if (referencedBy.TryGetValue(child, out ImmutableHashSet<Digest>? set))
                {
                    set = set.Remove(removed);
                    referencedBy = set.IsEmpty ? referencedBy.Remove(child) : referencedBy.SetItem(child, set);
                }
            }
        }

        if (change.MaxImages is { } max && images.Count > max)
        {
            return null;
        }

        RepositoryInfo info = change.NewPolicy is { } policy ? state.Info.WithPolicy(policy) : state.Info;
        RepositoryState next = state.With(info: info, images: images, tags: tags, referencedBy: referencedBy, nextSequence: sequence);
        TagHistory history = next.History;
        foreach (TagEvent item in change.Events)
        {
            // A refusal is recorded only while it is true: the tag still names the digest, under a policy that makes it immutable.
            if (item.Kind == TagEventKind.Rejected
                && (!tags.TryGetValue(item.Tag.Value, out Digest bound) || bound != item.OldDigest || !info.Policy.IsImmutable(item.Tag.Value)))
            {
                return null;
            }

            history = history.Append(
                new TagEvent(history.NextSequence, item.Timestamp, state.Info.Name, item.Tag, item.Kind, item.OldDigest, item.NewDigest, item.Actor),
                change.MaxHistoryEvents);
        }

        return next.WithHistory(history);
    }

    private static bool Holds(RepositoryState state, ImageExpectation expectation)
    {
        if (!state.Images.TryGetValue(expectation.Digest, out ImageDetail? image))
        {
            return !expectation.IsPresent;
        }

        ImmutableArray<Digest> referrers = state.ReferencedBy.TryGetValue(image.Digest, out ImmutableHashSet<Digest>? indexes)
            ? [.. indexes.OrderBy(d => d.ToString(), StringComparer.Ordinal)]
            : [];
        return expectation.IsPresent
            && image.Tags.AsSpan().SequenceEqual(expectation.Tags.AsSpan())
            && referrers.AsSpan().SequenceEqual(expectation.ReferencedBy.AsSpan());
    }
}
