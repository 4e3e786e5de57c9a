using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// Thrown by <see cref="RepositoryName"/>'s parsing methods when text is not a valid repository name. The message names the field,
/// quotes the input, gives the index of the first offending character and the rule (see <see cref="GrammarException"/>).
/// </summary>
/// <remarks><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</remarks>
public sealed class InvalidRepositoryNameException : GrammarException
{
    /// <summary>Creates an exception with a default message.</summary>
    public InvalidRepositoryNameException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public InvalidRepositoryNameException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public InvalidRepositoryNameException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal InvalidRepositoryNameException(string field, ReadOnlySpan<char> input, ParseFailure failure, string rule)
        : base(field, input, failure, rule)
    {
    }
}
