namespace TagImmutability;

/// <summary>
/// ECR's <c>LimitExceededException</c>: the operation would exceed a service limit, so it changed nothing.
/// Messages: for tags per image, decision Q12's <c>Adding tag '{tag}' to an image in the repository with name
/// '{repo}' in registry with id '{registryId}' exceeds the maximum allowed number of tags per image which is
/// '{limit}'</c>; for images per repository, the same shape: <c>Adding image '{digest}' to the repository with name
/// '{repo}' in registry with id '{registryId}' exceeds the maximum allowed number of images per repository which is
/// '{limit}'</c>.
/// </summary>
/// <remarks><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</remarks>
public sealed class LimitExceededException : RegistryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public LimitExceededException()
    {
        RegistryId = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public LimitExceededException(string? message)
        : base(message)
    {
        RegistryId = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public LimitExceededException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        RegistryId = string.Empty;
    }

    private LimitExceededException(string message, RegistryLimit limit, int maximum, string registryId, RepositoryName repositoryName, Tag? tag, Digest digest)
        : base(message)
    {
        Limit = limit;
        Maximum = maximum;
        RegistryId = registryId;
        RepositoryName = repositoryName;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>Which limit was hit.</summary>
    public RegistryLimit Limit { get; }

    /// <summary>The limit's value (1,000 tags per image; 100,000 images per repository by default).</summary>
    public int Maximum { get; }

    /// <summary>The registry's id (12 digits).</summary>
    public string RegistryId { get; }

    /// <summary>The repository's name.</summary>
    public RepositoryName RepositoryName { get; }

    /// <summary>The tag whose addition hit <see cref="RegistryLimit.TagsPerImage"/>, or <see langword="null"/>.</summary>
    public Tag? Tag { get; }

    /// <summary>The image's digest.</summary>
    public Digest Digest { get; }

    /// <summary>Creates the error for a tag that would give an image more than <paramref name="maximum"/> tags.</summary>
    /// <param name="registryId">The registry's id.</param>
    /// <param name="repositoryName">The repository's name.</param>
    /// <param name="tag">The tag being added.</param>
    /// <param name="digest">The image's digest.</param>
    /// <param name="maximum">The limit.</param>
    /// <returns>The exception.</returns>
    public static LimitExceededException TagsPerImage(string registryId, RepositoryName repositoryName, Tag tag, Digest digest, int maximum) =>
        new(
            $"Adding tag '{tag}' to an image in the repository with name '{repositoryName}' in registry with id '{registryId}' exceeds the maximum allowed number of tags per image which is '{maximum}'",
            RegistryLimit.TagsPerImage, maximum, registryId, repositoryName, tag, digest);

    /// <summary>Creates the error for an image that would give a repository more than <paramref name="maximum"/> images.</summary>
    /// <param name="registryId">The registry's id.</param>
    /// <param name="repositoryName">The repository's name.</param>
    /// <param name="digest">The new image's digest.</param>
    /// <param name="maximum">The limit.</param>
    /// <returns>The exception.</returns>
    public static LimitExceededException ImagesPerRepository(string registryId, RepositoryName repositoryName, Digest digest, int maximum) =>
        new(
            $"Adding image '{digest}' to the repository with name '{repositoryName}' in registry with id '{registryId}' exceeds the maximum allowed number of images per repository which is '{maximum}'",
            RegistryLimit.ImagesPerRepository, maximum, registryId, repositoryName, null, digest);
}
