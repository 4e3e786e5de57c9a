namespace TagImmutability;

/// <summary>
/// ECR's <c>ImageAlreadyExistsException</c>: the push changes nothing, because the mutable tag already names this
/// digest, or (untagged push) the digest is already stored (decisions Q1, Q2). Message: <c>Image with digest
/// '{digest}' and tag '{tag}' already exists in the repository with name '{repo}' in registry with id
/// '{registryId}'</c>; the tag is <c>null</c> for an untagged push.
/// </summary>
/// <remarks>
/// The values are properties, so that callers never parse the message. Source: ECR API reference (error shapes) and
/// the message templates of the specification we follow, section (b).
/// <para><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</para>
/// </remarks>
public sealed class ImageAlreadyExistsException : RegistryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ImageAlreadyExistsException()
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        Digest = default;
        Tag = null;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public ImageAlreadyExistsException(string? message)
        : base(message)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        Digest = default;
        Tag = null;
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public ImageAlreadyExistsException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        Digest = default;
        Tag = null;
    }


    /// <summary>Creates an exception with ECR's message for these values.</summary>
    /// <param name="registryId">The registry's id (12 digits).</param>
    /// <param name="repositoryName">The repository's name.</param>
    /// <param name="digest">The image's digest.</param>
    /// <param name="tag">The tag pushed, or <see langword="null"/> for an untagged push.</param>
    public ImageAlreadyExistsException(string registryId, RepositoryName repositoryName, Digest digest, Tag? tag)
        : base($"Image with digest '{digest}' and tag '{tag?.Value ?? "null"}' already exists in the repository with name '{repositoryName}' in registry with id '{registryId}'")
    {
        RegistryId = registryId;
        RepositoryName = repositoryName;
        Digest = digest;
        Tag = tag;
    }

    /// <summary>The registry's id (12 digits).</summary>
    public string RegistryId { get; }

    /// <summary>The repository's name.</summary>
    public RepositoryName RepositoryName { get; }

    /// <summary>The image's digest.</summary>
    public Digest Digest { get; }

    /// <summary>The tag pushed, or <see langword="null"/> for an untagged push.</summary>
    public Tag? Tag { get; }
}
