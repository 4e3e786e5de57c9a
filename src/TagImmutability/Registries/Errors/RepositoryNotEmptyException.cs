namespace TagImmutability;

/// <summary>
/// ECR's <c>RepositoryNotEmptyException</c>: the repository holds images and the deletion was not forced. Message:
/// <c>The repository with name '{name}' in registry with id '{registryId}' cannot be deleted because it still
/// contains images</c>.
/// </summary>
/// <remarks>
/// The values are properties, so that callers never parse the message. Source: ECR API reference (error shapes) and
/// the message templates of the specification we follow, section (b).
/// <para><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</para>
/// </remarks>
public sealed class RepositoryNotEmptyException : RegistryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public RepositoryNotEmptyException()
    {
        RegistryId = string.Empty;
        RepositoryName = default;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public RepositoryNotEmptyException(string? message)
        : base(message)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public RepositoryNotEmptyException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
    }


    /// <summary>Creates an exception with ECR's message for these values.</summary>
    /// <param name="registryId">The registry's id (12 digits).</param>
    /// <param name="repositoryName">The repository's name.</param>
    public RepositoryNotEmptyException(string registryId, RepositoryName repositoryName)
        : base($"The repository with name '{repositoryName}' in registry with id '{registryId}' cannot be deleted because it still contains images")
    {
        RegistryId = registryId;
        RepositoryName = repositoryName;
    }

    /// <summary>The registry's id (12 digits).</summary>
    public string RegistryId { get; }

    /// <summary>The repository's name.</summary>
    public RepositoryName RepositoryName { get; }
}
