using System.Collections.Immutable;

namespace TagImmutability.Storage;

/// <summary>
/// Where a <see cref="Registry"/> keeps its repositories, images, tags and history. The registry decides every write
/// (the ECR rules, the tag mutability policy) on what it read, and the store applies the write only if what it read is
/// still true: every tag binding is a compare-and-swap, so a decision taken on a stale read cannot win, even when many
/// registry nodes share one store.
/// </summary>
/// <remarks>
/// <para>
/// Implementations: <see cref="InMemoryRegistryStore"/> (the default; one process) and, in the
/// <c>TagImmutability.PostgreSql</c> package, a store many nodes share. See <c>docs/decisions/0009-store-abstraction.md</c>.
/// </para>
/// <para>
/// <b>Contract.</b> Every read returns a consistent view (all of it true at one instant). Every commit is atomic (all of
/// the change or none of it) and linearizable; it returns <see cref="StoreCommitOutcome.Conflict"/>, having changed
/// nothing, when one of the change's preconditions (<see cref="RepositoryChange"/>) fails. Errors other than conflicts
/// (the store is unreachable, refuses the change) are thrown; a store must then not have applied part of the change.
/// </para>
/// <para><b>Thread safety:</b> implementations must be safe to use from many threads at once.</para>
/// </remarks>
public abstract class RegistryStore
{
    /// <summary>Creates a repository unless one of that name exists.</summary>
    /// <param name="name">The name.</param>
    /// <param name="policy">The tag mutability policy.</param>
    /// <param name="createdAt">When (any offset; stored as UTC).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new repository (policy version 0), or <see langword="null"/> when one of that name exists.</returns>
    public abstract ValueTask<StoredRepository?> CreateRepositoryAsync(RepositoryName name, TagMutabilityPolicy policy, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>The repository of that name, or <see langword="null"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The repository, or <see langword="null"/>.</returns>
    public abstract ValueTask<StoredRepository?> GetRepositoryAsync(RepositoryName name, CancellationToken cancellationToken);

    /// <summary>Every repository, in ordinal order of name, as of one instant.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The repositories.</returns>
    public abstract ValueTask<ImmutableArray<StoredRepository>> ListRepositoriesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the repository with its images, tags and history, provided it is still the incarnation read and, when
    /// <paramref name="onlyIfEmpty"/>, holds no image.
    /// </summary>
    /// <param name="repository">The repository as read.</param>
    /// <param name="onlyIfEmpty">Whether to delete it only when it holds no image.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see cref="StoreCommitOutcome.Conflict"/> when it is gone or (with <paramref name="onlyIfEmpty"/>) holds images.</returns>
    public abstract ValueTask<StoreCommitOutcome> DeleteRepositoryAsync(StoredRepository repository, bool onlyIfEmpty, CancellationToken cancellationToken);

    /// <summary>The digest a tag names, or <see langword="null"/> (no such repository or tag). The pull hot path: one lookup.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The digest, or <see langword="null"/>.</returns>
    public abstract ValueTask<Digest?> ResolveTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken);

    /// <summary>Reads part of a repository (see <see cref="RepositorySnapshot"/>), as of one instant.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="query">What to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The snapshot, or <see langword="null"/> when the repository does not exist.</returns>
    public abstract ValueTask<RepositorySnapshot?> ReadAsync(RepositoryName repository, RepositoryQuery query, CancellationToken cancellationToken);

    /// <summary>The repository's retained tag history, at most <paramref name="maxEvents"/> of the latest events.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="maxEvents">The most events to return (the latest ones); 1 or more.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The history, or <see langword="null"/> when the repository does not exist.</returns>
    public abstract ValueTask<StoredHistory?> ReadHistoryAsync(RepositoryName repository, int maxEvents, CancellationToken cancellationToken);

    /// <summary>Applies a write if every one of its preconditions holds; atomically, or not at all.</summary>
    /// <param name="change">The write.</param>
    /// <param name="cancellationToken">Cancels the call; a cancelled commit either applied completely or not at all.</param>
    /// <returns><see cref="StoreCommitOutcome.Committed"/>, or <see cref="StoreCommitOutcome.Conflict"/> when a precondition failed (nothing applied).</returns>
    public abstract ValueTask<StoreCommitOutcome> CommitAsync(RepositoryChange change, CancellationToken cancellationToken);
}
