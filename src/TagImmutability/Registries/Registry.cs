using System.Collections.Immutable;
using TagImmutability.Internal;
using TagImmutability.Registries;
using TagImmutability.Storage;

namespace TagImmutability;

/// <summary>
/// A container registry with Amazon ECR's semantics, in memory by default or over a store many registry nodes share
/// (<see cref="Store"/>): repositories with tag mutability policies, images
/// identified by the digest of their exact manifest bytes, and tags that name one digest each. Its operations have
/// ECR's names, inputs, outputs, errors and message templates (ECR API reference; the specification we follow).
/// </summary>
/// <remarks>
/// <para>
/// <b>Atomicity.</b> Every operation applies completely or not at all: a failed call leaves the registry's images, tags
/// and policies exactly as they were. A batch call applies all its ids under one lock and publishes once, so no reader
/// sees part of it. The tag history (<see cref="GetHistory(RepositoryName)"/>) is published with the write it records;
/// a push refused with <see cref="ImageTagAlreadyExistsException"/> appends its <see cref="TagEventKind.Rejected"/>
/// event and changes nothing else (docs/decisions/0006-tag-history.md).
/// </para>
/// <para>
/// <b>Thread safety.</b> Safe to share between threads. In memory, writes to one repository are serialised by that
/// repository's lock; writes to different repositories run in parallel. Reads never lock: they take the repository's current
/// immutable snapshot, so they never wait for a writer and never see half a write. Every operation is linearizable.
/// Two racing pushes of different digests to one new immutable tag: exactly one wins; the other gets
/// <see cref="ImageTagAlreadyExistsException"/>.
/// </para>
/// <para>
/// <b>Order of checks</b> (decision Q11): parameters (<see cref="InvalidParameterException"/>), then the repository
/// (<see cref="RepositoryNotFoundException"/>), then the images.
/// </para>
/// <para>
/// <b>Stores.</b> The registry keeps its state in a <see cref="RegistryStore"/>: by default an
/// <see cref="InMemoryRegistryStore"/>, where it decides each write under the repository's lock on the current snapshot.
/// Over another store (such as the PostgreSQL store many nodes share) it reads what a write depends on, decides, and
/// commits the write as a compare-and-swap: when what it read is no longer true, nothing is applied and it reads and
/// decides again, up to <see cref="RegistryOptions.MaxStoreAttempts"/> times (docs/decisions/0009-store-abstraction.md).
/// The guarantees above then hold across every registry sharing the store.
/// </para>
/// <para>
/// Every operation also has a <c>ValueTask</c> form taking a <see cref="CancellationToken"/>. In memory both forms
/// complete synchronously. Over a store doing I/O the <c>ValueTask</c> forms are asynchronous, and the synchronous
/// forms block the calling thread until the store answers; servers should prefer the <c>ValueTask</c> forms.
/// </para>
/// </remarks>
public sealed partial class Registry
{
    /// <summary>The most image ids one batch call may carry: 100 (ECR's <c>ImageIdentifierList</c>).</summary>
    public const int MaxImageIdsPerRequest = 100;

    // Set when the registry decides writes directly on an in-memory store's snapshots (the fast path); null when it goes
    // through the store's read-and-commit contract.
    private readonly InMemoryRegistryStore? _memory;

    /// <summary>Creates an empty registry with ECR's defaults (<see cref="RegistryOptions.Default"/>).</summary>
    public Registry()
        : this(RegistryOptions.Default)
    {
    }

    /// <summary>Creates an empty registry.</summary>
    /// <param name="options">The registry's identity, clock, grammar and limits.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public Registry(RegistryOptions options)
        : this(new InMemoryRegistryStore(options ?? throw new ArgumentNullException(nameof(options))), options)
    {
    }

    /// <summary>Creates a registry over a store: every registry over the same store sees and keeps the same state.</summary>
    /// <param name="store">
    /// Where the state lives. An <see cref="InMemoryRegistryStore"/> must have been created with the same registry id and
    /// region; a shared store (such as the PostgreSQL one) checks that itself when it opens.
    /// </param>
    /// <param name="options">The registry's identity, clock, grammar and limits.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="store"/> is an in-memory store of another registry id or region.</exception>
    public Registry(RegistryStore store, RegistryOptions options)
        : this(store, options, directInMemory: true)
    {
    }

    private Registry(RegistryStore store, RegistryOptions options, bool directInMemory)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (store is InMemoryRegistryStore memory
            && (memory.Options.RegistryId != options.RegistryId || memory.Options.Region != options.Region))
        {
            throw new ArgumentException(
                $"the in-memory store belongs to registry {memory.Options.RegistryId} in {memory.Options.Region}, not {options.RegistryId} in {options.Region}",
                nameof(store));
        }

        Store = store;
        Options = options;
        ParserOptions = new ManifestParserOptions { MaxSizeInBytes = options.MaxManifestSizeInBytes };
        _memory = directInMemory ? store as InMemoryRegistryStore : null;
    }

    /// <summary>The registry's settings.</summary>
    public RegistryOptions Options { get; }

    /// <summary>The registry's id (12 digits), ECR's <c>registryId</c>.</summary>
    public string RegistryId => Options.RegistryId;

    /// <summary>Where the registry's state lives.</summary>
    public RegistryStore Store { get; }

    private ManifestParserOptions ParserOptions { get; }

    // Over a shared store, times are whole microseconds (PostgreSQL's precision), so what a write returns equals what
    // any node reads back later.
    private DateTimeOffset Now => _memory is not null ? Options.TimeProvider.GetUtcNow() : Microseconds(Options.TimeProvider.GetUtcNow());

    private InMemoryRegistryStore Memory => _memory!;

    /// <summary>A registry that goes through <paramref name="store"/>'s read-and-commit contract even though it is in memory: tests of that path.</summary>
    internal static Registry OverStoreContract(RegistryStore store, RegistryOptions options) => new(store, options, directInMemory: false);

    /// <summary>ECR's <c>CreateRepository</c> with the default policy, <c>MUTABLE</c>.</summary>
    /// <param name="name">The repository's name.</param>
    /// <returns>The new repository.</returns>
    /// <exception cref="InvalidParameterException"><paramref name="name"/> breaks the registry's grammar profile (ECR: 2..256 characters).</exception>
    /// <exception cref="RepositoryAlreadyExistsException">A repository of that name exists.</exception>
    public RepositoryInfo CreateRepository(RepositoryName name) => CreateRepository(name, TagMutabilityPolicy.Mutable);

    /// <summary>ECR's <c>CreateRepository</c>.</summary>
    /// <param name="name">The repository's name.</param>
    /// <param name="policy">The tag mutability policy.</param>
    /// <returns>The new repository, with <c>createdAt</c> from the registry's clock.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="name"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryAlreadyExistsException">A repository of that name exists.</exception>
    public RepositoryInfo CreateRepository(RepositoryName name, TagMutabilityPolicy policy) =>
        Sync(CreateRepositoryCoreAsync(name, policy, CancellationToken.None));

    /// <summary>ECR's <c>DescribeRepositories</c> without names: every repository, in ordinal order of name.</summary>
    /// <returns>The repositories.</returns>
    public ImmutableArray<RepositoryInfo> DescribeRepositories() => Sync(DescribeRepositoriesCoreAsync(CancellationToken.None));

    /// <summary>ECR's <c>DescribeRepositories</c> with names: the named repositories, in the order asked.</summary>
    /// <param name="names">1..100 names.</param>
    /// <returns>The repositories.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidParameterException">Fewer than 1 or more than 100 names, or a name that breaks the registry's grammar profile (checked before any lookup, decision Q11).</exception>
    /// <exception cref="RepositoryNotFoundException">A named repository does not exist (the first one missing is named).</exception>
    public ImmutableArray<RepositoryInfo> DescribeRepositories(IEnumerable<RepositoryName> names) => Sync(DescribeRepositoriesCoreAsync(names, CancellationToken.None));

    /// <summary>ECR's <c>DeleteRepository</c>.</summary>
    /// <param name="name">The repository's name.</param>
    /// <param name="force">Whether to delete a repository that still holds images (and them with it), whatever its mode.</param>
    /// <returns>The deleted repository.</returns>
    /// <exception cref="InvalidParameterException"><paramref name="name"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    /// <exception cref="RepositoryNotEmptyException">It holds images and <paramref name="force"/> is <see langword="false"/>.</exception>
    public RepositoryInfo DeleteRepository(RepositoryName name, bool force) => Sync(DeleteRepositoryCoreAsync(name, force, CancellationToken.None));

    /// <summary>
    /// ECR's <c>PutImageTagMutability</c>: replaces the mode and the filters. Images and tags are untouched; the new
    /// policy applies from the next write.
    /// </summary>
    /// <param name="name">The repository's name.</param>
    /// <param name="policy">The new policy.</param>
    /// <returns>The repository with its new policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="name"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public RepositoryInfo PutImageTagMutability(RepositoryName name, TagMutabilityPolicy policy) =>
        Sync(PutImageTagMutabilityCoreAsync(name, policy, CancellationToken.None));

    /// <summary>The repository's current policy and identity.</summary>
    /// <param name="name">The repository's name.</param>
    /// <returns>The repository.</returns>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public RepositoryInfo GetRepository(RepositoryName name) => Sync(GetRepositoryCoreAsync(name, CancellationToken.None));

    /// <summary>The image with <paramref name="digest"/>, if the repository holds it.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="digest">The image's digest.</param>
    /// <param name="image">The image, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetImage(RepositoryName repository, Digest digest, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageDetail? image)
    {
        image = null;
        if (repository.IsDefault)
        {
            return false;
        }

        if (_memory is { } memory)
        {
            return memory.Repositories.TryGetValue(repository.Value, out RepositoryCell? cell)
                && cell.State.Images.TryGetValue(digest, out image);
        }

        if (digest.IsDefault || !RepositoryName.IsValid(repository.Value, Options.Grammar))
        {
            return false;
        }

        RepositorySnapshot? snapshot = Sync(Store.ReadAsync(repository, RepositoryQuery.For([], [digest]), CancellationToken.None));
        image = snapshot is null ? null : StateOf(snapshot).Images.GetValueOrDefault(digest);
        return image is not null;
    }

    private async ValueTask<RepositoryInfo> CreateRepositoryCoreAsync(RepositoryName name, TagMutabilityPolicy policy, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(policy);
        ValidateName(name);
        if (_memory is { } memory)
        {
            lock (memory.Gate)
            {
                if (memory.Repositories.ContainsKey(name.Value))
                {
                    throw new RepositoryAlreadyExistsException(RegistryId, name);
                }

                var info = new RepositoryInfo(RegistryId, Options.Region, name, Now, policy);
                memory.Repositories = memory.Repositories.Add(name.Value, new RepositoryCell(RepositoryState.Empty(info)));
                return info;
            }
        }

        StoredRepository created = await Store.CreateRepositoryAsync(name, policy, Now, cancellationToken).ConfigureAwait(false)
            ?? throw new RepositoryAlreadyExistsException(RegistryId, name);
        return InfoOf(created);
    }

    private async ValueTask<ImmutableArray<RepositoryInfo>> DescribeRepositoriesCoreAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_memory is { } memory)
        {
            return [.. memory.Repositories.Values.Select(c => c.State.Info).OrderBy(i => i.Name)];
        }

        return [.. (await Store.ListRepositoriesAsync(cancellationToken).ConfigureAwait(false)).Select(InfoOf).OrderBy(i => i.Name)];
    }

    private async ValueTask<ImmutableArray<RepositoryInfo>> DescribeRepositoriesCoreAsync(IEnumerable<RepositoryName> names, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentNullException.ThrowIfNull(names);
        ImmutableArray<RepositoryName> list = [.. names];
        CheckCount("repositoryNames", list.Length, 100);
        foreach (RepositoryName name in list)
        {
            ValidateName(name, "repositoryNames");
        }

        // One view of all repositories, so the answer is as of one instant.
        Dictionary<RepositoryName, RepositoryInfo> all = _memory is { } memory
            ? memory.Repositories.Values.ToDictionary(c => c.State.Info.Name, c => c.State.Info)
            : (await Store.ListRepositoriesAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(r => r.Name, InfoOf);
        return [.. list.Select(n => all.TryGetValue(n, out RepositoryInfo? info) ? info : throw new RepositoryNotFoundException(RegistryId, n))];
    }

    private async ValueTask<RepositoryInfo> DeleteRepositoryCoreAsync(RepositoryName name, bool force, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidateName(name);
        if (_memory is { } memory)
        {
            if (!memory.Repositories.TryGetValue(name.Value, out RepositoryCell? cell))
            {
                throw new RepositoryNotFoundException(RegistryId, name);
            }

            // The repository's lock first, and the registry-wide lock only for the update of the map: waiting for this
            // repository's writers must not hold up the creation or deletion of other repositories. While the cell is not
            // Deleted (checked under its lock) it is still the map's entry for the name, since only this method removes it.
            lock (cell.Gate)
            {
                if (cell.Deleted)
                {
                    throw new RepositoryNotFoundException(RegistryId, name);
                }

                if (!force && !cell.State.Images.IsEmpty)
                {
                    throw new RepositoryNotEmptyException(RegistryId, name);
                }

                lock (memory.Gate)
                {
                    cell.Deleted = true;
                    memory.Repositories = memory.Repositories.Remove(name.Value);
                }

                return cell.State.Info;
            }
        }

        for (int attempt = 1; ; attempt++)
        {
            RepositorySnapshot snapshot = await Store.ReadAsync(name, RepositoryQuery.None, cancellationToken).ConfigureAwait(false)
                ?? throw new RepositoryNotFoundException(RegistryId, name);
            if (!force && snapshot.ImageCount > 0)
            {
                throw new RepositoryNotEmptyException(RegistryId, name);
            }

            if (await Store.DeleteRepositoryAsync(snapshot.Repository, onlyIfEmpty: !force, cancellationToken).ConfigureAwait(false) == StoreCommitOutcome.Committed)
            {
                return InfoOf(snapshot.Repository);
            }

            await AfterConflictAsync(name, "DeleteRepository", attempt, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<RepositoryInfo> PutImageTagMutabilityCoreAsync(RepositoryName name, TagMutabilityPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ValidateName(name);
        return await WriteAsync(
            name,
            RepositoryQuery.None,
            state =>
            {
                RepositoryInfo info = state.Info.WithPolicy(policy);
                return (state.With(info: info), info);
            },
            null,
            cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<RepositoryInfo> GetRepositoryCoreAsync(RepositoryName name, CancellationToken cancellationToken) =>
        (await ReadAsync(name, RepositoryQuery.None, cancellationToken).ConfigureAwait(false)).Info;

    // The repository's state for a read: in memory, the current snapshot (whatever the query); over a store, the part
    // the query asks for, read as of one instant.
    private ValueTask<RepositoryState> ReadAsync(RepositoryName name, RepositoryQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidateName(name);
        if (_memory is { } memory)
        {
            return memory.Repositories.TryGetValue(name.Value, out RepositoryCell? cell)
                ? new ValueTask<RepositoryState>(cell.State)
                : throw new RepositoryNotFoundException(RegistryId, name);
        }

        return ReadFromStoreAsync(name, query, cancellationToken);
    }

    private async ValueTask<RepositoryState> ReadFromStoreAsync(RepositoryName name, RepositoryQuery query, CancellationToken cancellationToken)
    {
        RepositorySnapshot snapshot = await Store.ReadAsync(name, query, cancellationToken).ConfigureAwait(false)
            ?? throw new RepositoryNotFoundException(RegistryId, name);
        return StateOf(snapshot);
    }

    // Runs a pure transformation of one repository's state and publishes the result only when the transformation
    // returns; an exception leaves the state as it was. In memory it runs under the repository's lock on the current
    // snapshot; over a store it runs on what `query` reads and commits as a compare-and-swap (Registry.Store.cs).
    // When rejected is given, an ImageTagAlreadyExistsException from the transformation publishes rejected(state, error)
    // (the state with a Rejected event appended to its history, nothing else changed) before it propagates.
    private ValueTask<TResult> WriteAsync<TResult>(
        RepositoryName name,
        RepositoryQuery query,
        Func<RepositoryState, (RepositoryState State, TResult Result)> change,
        Func<RepositoryState, ImageTagAlreadyExistsException, RepositoryState>? rejected,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_memory is null)
        {
            return WriteToStoreAsync(name, query, change, rejected, cancellationToken);
        }

        if (!Memory.Repositories.TryGetValue(name.Value, out RepositoryCell? cell))
        {
            throw new RepositoryNotFoundException(RegistryId, name);
        }

        lock (cell.Gate)
        {
            if (cell.Deleted)
            {
                throw new RepositoryNotFoundException(RegistryId, name);
            }

            try
            {
                (RepositoryState state, TResult result) = change(cell.State);
                cell.State = state;
                return new ValueTask<TResult>(result);
            }
            catch (ImageTagAlreadyExistsException error) when (rejected is not null)
            {
                cell.State = rejected(cell.State, error);
                throw;
            }
        }
    }

    // Completes a ValueTask of the registry's own: in memory it has completed already; over a store the call blocks
    // until the store answers. Store implementations do not capture a synchronization context, so this cannot deadlock.
    private static T Sync<T>(ValueTask<T> task) => task.IsCompleted ? task.GetAwaiter().GetResult() : task.AsTask().GetAwaiter().GetResult();

    private static DateTimeOffset Microseconds(DateTimeOffset value)
    {
        DateTimeOffset utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    private void ValidateName(RepositoryName name, string parameter = "repositoryName")
    {
        if (name.IsDefault)
        {
            throw new ArgumentException("name is default(RepositoryName), which is not a repository name", nameof(name));
        }

        if (!RepositoryName.IsValid(name.Value, Options.Grammar))
        {
            try
            {
                RepositoryName.Parse(name.Value, Options.Grammar);
            }
            catch (InvalidRepositoryNameException error)
            {
                throw new InvalidParameterException(parameter, error.Message, error);
            }
        }
    }

    // Parses a repository name from a request with this registry's grammar; the error is the one ValidateName gives.
    internal RepositoryName ParseRepositoryName(string text, string parameter)
    {
        if (RepositoryName.TryParse(text, Options.Grammar, out RepositoryName name))
        {
            return name;
        }

        try
        {
            RepositoryName.Parse(text, Options.Grammar);
        }
        catch (InvalidRepositoryNameException error)
        {
            throw new InvalidParameterException(parameter, error.Message, error);
        }

        throw new InvalidOperationException("unreachable: TryParse and Parse disagree");
    }

    // Parses a tag from a request with this registry's grammar; on failure, the grammar error ValidateTag wraps.
    internal bool TryParseTag(string text, out Tag tag, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out InvalidTagException? error)
    {
        error = null;
        if (Tag.TryParse(text, Options.Grammar, out tag))
        {
            return true;
        }

        try
        {
            Tag.Parse(text, Options.Grammar);
        }
        catch (InvalidTagException failure)
        {
            error = failure;
            return false;
        }

        throw new InvalidOperationException("unreachable: TryParse and Parse disagree");
    }

    internal Tag ParseTag(string text, string parameter) =>
        TryParseTag(text, out Tag tag, out InvalidTagException? error) ? tag : throw new InvalidParameterException(parameter, error.Message, error);

    internal static void CheckCount(string parameter, int count, int maximum)
    {
        if (count < 1)
        {
            throw new InvalidParameterException(parameter, "Member must have length greater than or equal to 1", null);
        }

        if (count > maximum)
        {
            throw new InvalidParameterException(parameter, $"Member must have length less than or equal to {maximum}", null);
        }
    }
}
