using System.Collections.Immutable;

namespace TagImmutability;

/// <summary>
/// ECR's <c>ReferencedImagesNotFoundException</c>: an image index (or Docker manifest list) references manifests that
/// the repository does not hold. Message (ours, after the model's documentation): <c>The manifest list is referencing
/// images that do not exist in the repository with name '{repo}' in registry with id '{registryId}': {digests}</c>.
/// </summary>
/// <remarks>
/// ECR API reference (<c>PutImage</c> errors); the specification we follow, section (b), step 4 of PutImage.
/// <para><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</para>
/// </remarks>
public sealed class ReferencedImagesNotFoundException : RegistryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ReferencedImagesNotFoundException()
    {
        RegistryId = string.Empty;
        MissingDigests = [];
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public ReferencedImagesNotFoundException(string? message)
        : base(message)
    {
        RegistryId = string.Empty;
        MissingDigests = [];
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public ReferencedImagesNotFoundException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        RegistryId = string.Empty;
        MissingDigests = [];
    }

    /// <summary>Creates an exception naming the missing manifests.</summary>
    /// <param name="registryId">The registry's id (12 digits).</param>
    /// <param name="repositoryName">The repository's name.</param>
    /// <param name="missingDigests">The referenced digests the repository does not hold, in the index's order.</param>
    public ReferencedImagesNotFoundException(string registryId, RepositoryName repositoryName, ImmutableArray<Digest> missingDigests)
        : base($"The manifest list is referencing images that do not exist in the repository with name '{repositoryName}' in registry with id '{registryId}': {string.Join(", ", missingDigests)}")
    {
        RegistryId = registryId;
        RepositoryName = repositoryName;
        MissingDigests = missingDigests;
    }

    /// <summary>The registry's id (12 digits).</summary>
    public string RegistryId { get; }

    /// <summary>The repository's name.</summary>
    public RepositoryName RepositoryName { get; }

    /// <summary>The referenced digests the repository does not hold, in the index's order.</summary>
    public ImmutableArray<Digest> MissingDigests { get; }
}
