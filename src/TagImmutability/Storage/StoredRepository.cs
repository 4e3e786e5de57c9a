namespace TagImmutability.Storage;

/// <summary>
/// A repository as a <see cref="RegistryStore"/> holds it: its name, when it was created, its tag mutability policy,
/// the version of that policy, and the store's key for this incarnation of the repository.
/// </summary>
/// <remarks>
/// A registry reads this before it decides a write, and hands it back with the write (<see cref="RepositoryChange.Repository"/>):
/// the store applies the write only to the same incarnation (<see cref="Key"/>), and, when the write depends on the
/// policy, only while the policy is still <see cref="PolicyVersion"/>.
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
public sealed class StoredRepository
{
    /// <summary>Creates the record.</summary>
    /// <param name="key">The store's identity of this incarnation: a repository deleted and created again under the same name gets another key.</param>
    /// <param name="name">The repository's name.</param>
    /// <param name="createdAt">When it was created (any offset; kept as UTC).</param>
    /// <param name="policy">Its tag mutability policy.</param>
    /// <param name="policyVersion">The version of <paramref name="policy"/>: 0 at creation, one more after each policy change.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is the default value.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="policy"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="policyVersion"/> is negative.</exception>
    public StoredRepository(long key, RepositoryName name, DateTimeOffset createdAt, TagMutabilityPolicy policy, long policyVersion)
    {
        if (name.IsDefault)
        {
            throw new ArgumentException("name is default(RepositoryName), which is not a repository name", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegative(policyVersion);
        Key = key;
        Name = name;
        CreatedAt = createdAt.ToUniversalTime();
        Policy = policy;
        PolicyVersion = policyVersion;
    }

    /// <summary>The store's identity of this incarnation of the repository; opaque to the registry.</summary>
    public long Key { get; }

    /// <summary>The repository's name.</summary>
    public RepositoryName Name { get; }

    /// <summary>When the repository was created, in UTC.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The tag mutability policy.</summary>
    public TagMutabilityPolicy Policy { get; }

    /// <summary>The policy's version: 0 at creation, one more after each policy change.</summary>
    public long PolicyVersion { get; }

    /// <summary>The name, key and policy version.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Name} #{Key} ({Policy}, policy version {PolicyVersion})";
}
