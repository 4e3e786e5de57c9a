namespace TagImmutability;

/// <summary>
/// ECR's <c>ImageDigestDoesNotMatchException</c>: the <c>imageDigest</c> given with a push is not the sha256 of the
/// manifest's exact bytes. Message (ours; ECR's text is not published): <c>The image digest '{provided}' does not
/// match the digest '{computed}' calculated for the image manifest in the repository with name '{repo}' in registry
/// with id '{registryId}'</c>.
/// </summary>
/// <remarks>
/// The values are properties, so that callers never parse the message. Source: ECR API reference (error shapes) and
/// the message templates of the specification we follow, section (b).
/// <para><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</para>
/// </remarks>
public sealed class ImageDigestDoesNotMatchException : RegistryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ImageDigestDoesNotMatchException()
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        ProvidedDigest = default;
        ComputedDigest = default;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public ImageDigestDoesNotMatchException(string? message)
        : base(message)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        ProvidedDigest = default;
        ComputedDigest = default;
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public ImageDigestDoesNotMatchException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        ProvidedDigest = default;
        ComputedDigest = default;
    }


    /// <summary>Creates an exception with ECR's message for these values.</summary>
    /// <param name="registryId">The registry's id (12 digits).</param>
    /// <param name="repositoryName">The repository's name.</param>
    /// <param name="providedDigest">The digest the caller gave.</param>
    /// <param name="computedDigest">The sha256 of the manifest's exact bytes.</param>
    public ImageDigestDoesNotMatchException(string registryId, RepositoryName repositoryName, Digest providedDigest, Digest computedDigest)
        : base($"The image digest '{providedDigest}' does not match the digest '{computedDigest}' calculated for the image manifest in the repository with name '{repositoryName}' in registry with id '{registryId}'")
    {
        RegistryId = registryId;
        RepositoryName = repositoryName;
        ProvidedDigest = providedDigest;
        ComputedDigest = computedDigest;
    }

    /// <summary>The registry's id (12 digits).</summary>
    public string RegistryId { get; }

    /// <summary>The repository's name.</summary>
    public RepositoryName RepositoryName { get; }

    /// <summary>The digest the caller gave.</summary>
    public Digest ProvidedDigest { get; }

    /// <summary>The sha256 of the manifest's exact bytes.</summary>
    public Digest ComputedDigest { get; }
}
