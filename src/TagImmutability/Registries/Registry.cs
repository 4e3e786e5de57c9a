using System.Collections.Immutable;
using TagImmutability.Registries;

namespace TagImmutability;

/// <summary>
/// An in-memory container registry with Amazon ECR's semantics: repositories with tag mutability policies, images
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
/// <b>Thread safety.</b> Safe to share between threads. Writes to one repository are serialised by that repository's
/// lock; writes to different repositories run in parallel. Reads never lock: they take the repository's current
/// immutable snapshot, so they never wait for a writer and never see half a write. Every operation is linearizable.
/// Two racing pushes of different digests to one new immutable tag: exactly one wins; the other gets
/// <see cref="ImageTagAlreadyExistsException"/>.
/// </para>
/// <para>
/// <b>Order of checks</b> (decision Q11): parameters (<see cref="InvalidParameterException"/>), then the repository
/// (<see cref="RepositoryNotFoundException"/>), then the images.
/// </para>
/// <para>
/// Every operation also has a <c>ValueTask</c> form taking a <see cref="CancellationToken"/>, so that stores doing
/// I/O fit behind the same API; in memory they complete synchronously.
/// </para>
/// </remarks>
public sealed partial class Registry
{
    /// <summary>The most image ids one batch call may carry: 100 (ECR's <c>ImageIdentifierList</c>).</summary>
    public const int MaxImageIdsPerRequest = 100;

    private readonly object _repositoriesGate = new();
    private volatile ImmutableDictionary<RepositoryName, RepositoryCell> _repositories = ImmutableDictionary<RepositoryName, RepositoryCell>.Empty;

    /// <summary>Creates an empty registry with ECR's defaults (<see cref="RegistryOptions.Default"/>).</summary>
    public Registry()
        : this(RegistryOptions.Default)
    {
    }

    /// <summary>Creates an empty registry.</summary>
    /// <param name="options">The registry's identity, clock, grammar and limits.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public Registry(RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        ParserOptions = new ManifestParserOptions { MaxSizeInBytes = options.MaxManifestSizeInBytes };
    }

    /// <summary>The registry's settings.</summary>
    public RegistryOptions Options { get; }

    /// <summary>The registry's id (12 digits), ECR's <c>registryId</c>.</summary>
    public string RegistryId => Options.RegistryId;

    private ManifestParserOptions ParserOptions { get; }

    private DateTimeOffset Now => Options.TimeProvider.GetUtcNow();

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
    public RepositoryInfo CreateRepository(RepositoryName name, TagMutabilityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ValidateName(name);
        lock (_repositoriesGate)
        {
            if (_repositories.ContainsKey(name))
            {
                throw new RepositoryAlreadyExistsException(RegistryId, name);
            }

            var info = new RepositoryInfo(RegistryId, Options.Region, name, Now, policy);
            _repositories = _repositories.Add(name, new RepositoryCell(RepositoryState.Empty(info)));
            return info;
        }
    }

    /// <summary>ECR's <c>DescribeRepositories</c> without names: every repository, in ordinal order of name.</summary>
    /// <returns>The repositories.</returns>
    public ImmutableArray<RepositoryInfo> DescribeRepositories() =>
        [.. _repositories.Values.Select(c => c.State.Info).OrderBy(i => i.Name)];

    /// <summary>ECR's <c>DescribeRepositories</c> with names: the named repositories, in the order asked.</summary>
    /// <param name="names">1..100 names.</param>
    /// <returns>The repositories.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidParameterException">Fewer than 1 or more than 100 names, or a name that breaks the registry's grammar profile (checked before any lookup, decision Q11).</exception>
    /// <exception cref="RepositoryNotFoundException">A named repository does not exist (the first one missing is named).</exception>
    public ImmutableArray<RepositoryInfo> DescribeRepositories(IEnumerable<RepositoryName> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        ImmutableArray<RepositoryName> list = [.. names];
        CheckCount("repositoryNames", list.Length, 100);
        foreach (RepositoryName name in list)
        {
            ValidateName(name, "repositoryNames");
        }

        ImmutableDictionary<RepositoryName, RepositoryCell> repositories = _repositories;
        return [.. list.Select(n => repositories.TryGetValue(n, out RepositoryCell? cell) ? cell.State.Info : throw new RepositoryNotFoundException(RegistryId, n))];
    }

    /// <summary>ECR's <c>DeleteRepository</c>.</summary>
    /// <param name="name">The repository's name.</param>
    /// <param name="force">Whether to delete a repository that still holds images (and them with it), whatever its mode.</param>
    /// <returns>The deleted repository.</returns>
    /// <exception cref="InvalidParameterException"><paramref name="name"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    /// <exception cref="RepositoryNotEmptyException">It holds images and <paramref name="force"/> is <see langword="false"/>.</exception>
    public RepositoryInfo DeleteRepository(RepositoryName name, bool force)
    {
        ValidateName(name);
        if (!_repositories.TryGetValue(name, out RepositoryCell? cell))
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

            lock (_repositoriesGate)
            {
                cell.Deleted = true;
                _repositories = _repositories.Remove(name);
            }

            return cell.State.Info;
        }
    }

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
    public RepositoryInfo PutImageTagMutability(RepositoryName name, TagMutabilityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ValidateName(name);
        return Write(name, state =>
        {
            RepositoryInfo info = state.Info.WithPolicy(policy);
            return (state.With(info: info), info);
        });
    }

    /// <summary>The repository's current policy and identity.</summary>
    /// <param name="name">The repository's name.</param>
    /// <returns>The repository.</returns>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public RepositoryInfo GetRepository(RepositoryName name) => Read(name).Info;

    /// <summary>
    /// Resolves a tag to the digest it names, without locking and without allocating: the hot path of every pull.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="digest">The digest, or <c>default</c> when the repository or the tag does not exist.</param>
    /// <returns><see langword="true"/> when the tag names a digest.</returns>
    public bool TryResolveTag(RepositoryName repository, Tag tag, out Digest digest)
    {
        digest = default;
        return !repository.IsDefault && !tag.IsDefault
            && _repositories.TryGetValue(repository, out RepositoryCell? cell)
            && cell.State.Tags.TryGetValue(tag.Value, out digest);
    }

    /// <summary>The image with <paramref name="digest"/>, if the repository holds it.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="digest">The image's digest.</param>
    /// <param name="image">The image, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetImage(RepositoryName repository, Digest digest, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageDetail? image)
    {
        image = null;
        return !repository.IsDefault
            && _repositories.TryGetValue(repository, out RepositoryCell? cell)
            && cell.State.Images.TryGetValue(digest, out image);
    }

    private RepositoryState Read(RepositoryName name)
    {
        ValidateName(name);
        return _repositories.TryGetValue(name, out RepositoryCell? cell) ? cell.State : throw new RepositoryNotFoundException(RegistryId, name);
    }

    // Runs a pure transformation of one repository's state under its lock, and publishes the result only when the
    // transformation returns; an exception leaves the state as it was.
    // When rejected is given, an ImageTagAlreadyExistsException from the transformation publishes rejected(state, error)
    // (the state with a Rejected event appended to its history, nothing else changed) before it propagates.
    private TResult Write<TResult>(
        RepositoryName name,
        Func<RepositoryState, (RepositoryState State, TResult Result)> change,
        Func<RepositoryState, ImageTagAlreadyExistsException, RepositoryState>? rejected = null)
    {
        if (!_repositories.TryGetValue(name, out RepositoryCell? cell))
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
                return result;
            }
            catch (ImageTagAlreadyExistsException error) when (rejected is not null)
            {
                cell.State = rejected(cell.State, error);
                throw;
            }
        }
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
