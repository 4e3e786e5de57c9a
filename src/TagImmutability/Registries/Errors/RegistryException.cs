namespace TagImmutability;

/// <summary>
/// The base of the errors a registry operation reports, each named as Amazon ECR names it
/// (<c>ImageTagAlreadyExistsException</c>, <c>RepositoryNotFoundException</c>, ...) and carrying its values as
/// properties, so that callers never parse messages. <see cref="ErrorCode"/> is ECR's error name, the
/// <c>__type</c> of its JSON error body.
/// </summary>
/// <remarks><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</remarks>
public abstract class RegistryException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    protected RegistryException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    protected RegistryException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    protected RegistryException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>ECR's name for the error, such as <c>ImageTagAlreadyExistsException</c>: the type name of the exception.</summary>
    public string ErrorCode => GetType().Name;
}
