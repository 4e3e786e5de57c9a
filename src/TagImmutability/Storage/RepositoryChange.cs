using System.Collections.Immutable;

namespace TagImmutability.Storage;

/// <summary>
/// One write to one repository, as a registry decided it on a <see cref="RepositorySnapshot"/>: what must still be
/// true (its preconditions) and what it changes. A <see cref="RegistryStore"/> applies it completely, atomically, or
/// not at all (<see cref="StoreCommitOutcome.Conflict"/>) when a precondition no longer holds.
/// </summary>
/// <remarks>
/// <para>
/// <b>Preconditions.</b> The repository is still the incarnation read (<see cref="StoredRepository.Key"/>); when
/// <see cref="DependsOnPolicy"/>, its policy is still the version read; every <see cref="TagChange"/> finds its tag
/// naming <see cref="TagChange.Expected"/>; every <see cref="ImageExpectation"/> holds; every added image is absent
/// and every image it references present; every removed image is present; and, when <see cref="MaxImages"/> is set,
/// the repository holds at most that many images afterwards.
/// </para>
/// <para>
/// <b>History.</b> <see cref="Events"/> are the tag events the write records, in order, with the write's
/// <see cref="Timestamp"/> and <see cref="Actor"/>; their sequence numbers are assigned by the store. A store may
/// derive the binding events (created, moved, removed) from the tag changes itself (the PostgreSQL store's database
/// does); it must then record the same events.
/// </para>
/// <para><b>Thread safety:</b> immutable once built; safe to share between threads.</para>
/// </remarks>
public sealed class RepositoryChange
{
    /// <summary>Creates a change of <paramref name="repository"/>, as read.</summary>
    /// <param name="repository">The repository as the decision read it.</param>
    /// <param name="timestamp">When the write happens (any offset; kept as UTC), for history events and images' push time.</param>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> is <see langword="null"/>.</exception>
    public RepositoryChange(StoredRepository repository, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(repository);
        Repository = repository;
        Timestamp = timestamp.ToUniversalTime();
    }

    /// <summary>The repository as the decision read it.</summary>
    public StoredRepository Repository { get; }

    /// <summary>When the write happens, in UTC.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Who writes, for history events; <see langword="null"/> when unknown.</summary>
    public string? Actor { get; init; }

    /// <summary>Whether the decision depended on the policy, which must then still be <see cref="StoredRepository.PolicyVersion"/>.</summary>
    public bool DependsOnPolicy { get; init; }

    /// <summary>A new policy, replacing the current one whatever it is; <see langword="null"/> to keep it.</summary>
    public TagMutabilityPolicy? NewPolicy { get; init; }

    /// <summary>Compare-and-swaps (and checks) of tag bindings.</summary>
    public ImmutableArray<TagChange> TagChanges { get; init; } = [];

    /// <summary>What the decision saw of images, which must still hold.</summary>
    public ImmutableArray<ImageExpectation> ImageExpectations { get; init; } = [];

    /// <summary>Images to add; each must be absent until now.</summary>
    public ImmutableArray<NewImage> AddedImages { get; init; } = [];

    /// <summary>Images to remove; each must be present, and after the write no tag may name it and no index reference it.</summary>
    public ImmutableArray<Digest> RemovedImages { get; init; } = [];

    /// <summary>When set, the most images the repository may hold once the write is applied.</summary>
    public long? MaxImages { get; init; }

    /// <summary>The tag events the write records, in order (sequence numbers are the store's to assign).</summary>
    public ImmutableArray<TagEvent> Events { get; init; } = [];

    /// <summary>The most tag events the repository's history keeps; older ones are dropped with this write.</summary>
    public int MaxHistoryEvents { get; init; } = RegistryOptions.DefaultMaxHistoryEventsPerRepository;

    /// <summary>Whether the write changes nothing but (possibly) the history.</summary>
    public bool IsEmpty =>
        NewPolicy is null && AddedImages.IsEmpty && RemovedImages.IsEmpty && TagChanges.All(c => c.IsCheck);

    /// <summary>A summary of the change.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"{Repository.Name}: tags [{string.Join("; ", TagChanges)}], +[{string.Join(", ", AddedImages)}], -[{string.Join(", ", RemovedImages)}]{(NewPolicy is null ? string.Empty : $", policy {NewPolicy}")}, {Events.Length} events";
}
