namespace TagImmutability.Storage;

/// <summary>
/// A write to a repository kept losing to concurrent writes: each attempt found, when it committed, that what it had
/// read was no longer true, and the registry gave up after <see cref="RegistryOptions.MaxStoreAttempts"/> attempts.
/// Nothing of the write was applied; retrying later is safe.
/// </summary>
public sealed class StoreConflictException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public StoreConflictException()
        : base("The write kept conflicting with concurrent writes and was not applied.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was attempted, on which repository, how many times.</param>
    public StoreConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What was attempted.</param>
    /// <param name="innerException">The cause.</param>
    public StoreConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
