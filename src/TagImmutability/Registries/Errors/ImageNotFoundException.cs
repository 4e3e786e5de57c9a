namespace TagImmutability;

/// <summary>
/// ECR's <c>ImageNotFoundException</c> (<c>DescribeImages</c>): a requested image does not exist. Message: <c>The
/// image with imageId {imageDigest:'{digest}', imageTag:'{tag}'} does not exist within the repository with name
/// '{repo}' in the registry with id '{registryId}'</c>, with <c>null</c> for a part not given.
/// </summary>
/// <remarks>
/// The values are properties, so that callers never parse the message. Source: ECR API reference (error shapes) and
/// the message templates of the specification we follow, section (b).
/// <para><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</para>
/// </remarks>
public sealed class ImageNotFoundException : RegistryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ImageNotFoundException()
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        ImageDigest = null;
        ImageTag = null;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public ImageNotFoundException(string? message)
        : base(message)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        ImageDigest = null;
        ImageTag = null;
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public ImageNotFoundException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
        ImageDigest = null;
        ImageTag = null;
    }


    /// <summary>Creates an exception with ECR's message for these values.</summary>
    /// <param name="registryId">The registry's id (12 digits).</param>
    /// <param name="repositoryName">The repository's name.</param>
    /// <param name="imageDigest">The requested digest or <see langword="null"/>.</param>
    /// <param name="imageTag">The requested tag, or <see langword="null"/>.</param>
    public ImageNotFoundException(string registryId, RepositoryName repositoryName, Digest? imageDigest, Tag? imageTag)
        : base(FormatMessage(registryId, repositoryName, imageDigest?.ToString(), imageTag?.Value))
    {
        RegistryId = registryId;
        RepositoryName = repositoryName;
        ImageDigest = imageDigest;
        ImageTag = imageTag;
    }

    /// <summary>The registry's id (12 digits).</summary>
    public string RegistryId { get; }

    // The message template, also used by the ECR facade for a requested digest this library cannot represent.
    internal static string FormatMessage(string registryId, RepositoryName repositoryName, string? imageDigest, string? imageTag) =>
        $"The image with imageId {{imageDigest:'{imageDigest ?? "null"}', imageTag:'{imageTag ?? "null"}'}} does not exist within the repository with name '{repositoryName}' in the registry with id '{registryId}'";

    /// <summary>The repository's name.</summary>
    public RepositoryName RepositoryName { get; }

    /// <summary>The requested digest or <see langword="null"/>.</summary>
    public Digest? ImageDigest { get; }

    /// <summary>The requested tag, or <see langword="null"/>.</summary>
    public Tag? ImageTag { get; }
}
