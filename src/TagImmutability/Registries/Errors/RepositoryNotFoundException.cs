namespace TagImmutability;

/// <summary>
/// ECR's <c>RepositoryNotFoundException</c>: the repository does not exist in the registry. Message: <c>The
/// repository with name '{name}' does not exist in the registry with id '{registryId}'</c>.
/// </summary>
/// <remarks>
/// The values are properties, so that callers never parse the message. Source: ECR API reference (error shapes) and
/// the message templates of the specification we follow, section (b).
/// <para><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</para>
/// </remarks>
public sealed class RepositoryNotFoundException : RegistryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public RepositoryNotFoundException()
    {
        RegistryId = string.Empty;
        RepositoryName = default;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public RepositoryNotFoundException(string? message)
        : base(message)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public RepositoryNotFoundException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        RegistryId = string.Empty;
        RepositoryName = default;
    }


    /// <summary>Creates an exception with ECR's message for these values.</summary>
    /// <param name="registryId">The registry's id (12 digits).</param>
    /// <param name="repositoryName">The repository's name as requested.</param>
    public RepositoryNotFoundException(string registryId, RepositoryName repositoryName)
        : base($"The repository with name '{repositoryName}' does not exist in the registry with id '{registryId}'")
    {
        RegistryId = registryId;
        RepositoryName = repositoryName;
    }

    /// <summary>The registry's id (12 digits).</summary>
    public string RegistryId { get; }

    /// <summary>The repository's name as requested.</summary>
    public RepositoryName RepositoryName { get; }
}
