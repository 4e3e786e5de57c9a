namespace TagImmutability;

/// <summary>
/// ECR's <c>ImageTagAlreadyExistsException</c>: the tag is immutable and already names a digest, so the push may
/// neither move it nor re-push it (decision Q1). Message (decision Q3, the wording ECR's registry endpoint uses
/// since 2025): <c>The image tag '{tag}' already exists in the '{repo}' repository and cannot be overwritten
/// because the tag is immutable.</c>
/// </summary>
/// <remarks>
/// The values are properties, so that callers never parse the message. Source: ECR API reference (error shapes) and
/// the message templates of the specification we follow, section (b).
/// <para><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</para>
/// </remarks>
public sealed class ImageTagAlreadyExistsException : RegistryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ImageTagAlreadyExistsException()
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        Tag = default;
        ExistingDigest = default;
        AttemptedDigest = default;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public ImageTagAlreadyExistsException(string? message)
        : base(message)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        Tag = default;
        ExistingDigest = default;
        AttemptedDigest = default;
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public ImageTagAlreadyExistsException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        Tag = default;
        ExistingDigest = default;
        AttemptedDigest = default;
    }


    /// <summary>Creates an exception with ECR's message for these values.</summary>
    /// <param name="registryId">The registry's id (12 digits).</param>
    /// <param name="repositoryName">The repository's name.</param>
    /// <param name="tag">The immutable tag.</param>
    /// <param name="existingDigest">The digest the tag names.</param>
    /// <param name="attemptedDigest">The digest the push tried to bind, (equal to <see cref="ExistingDigest"/> for a re-push).</param>
    public ImageTagAlreadyExistsException(string registryId, RepositoryName repositoryName, Tag tag, Digest existingDigest, Digest attemptedDigest)
        : base($"The image tag '{tag}' already exists in the '{repositoryName}' repository and cannot be overwritten because the tag is immutable.")
    {
        RegistryId = registryId;
        RepositoryName = repositoryName;
        Tag = tag;
        ExistingDigest = existingDigest;
        AttemptedDigest = attemptedDigest;
    }

    /// <summary>The registry's id (12 digits).</summary>
    public string RegistryId { get; }

    /// <summary>The repository's name.</summary>
    public RepositoryName RepositoryName { get; }

    /// <summary>The immutable tag.</summary>
    public Tag Tag { get; }

    /// <summary>The digest the tag names.</summary>
    public Digest ExistingDigest { get; }

    /// <summary>The digest the push tried to bind, (equal to <see cref="ExistingDigest"/> for a re-push).</summary>
    public Digest AttemptedDigest { get; }
}
