using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// Thrown when an <see cref="ImmutabilityRule"/>'s pattern is invalid, at the moment the pattern or rule is created
/// (never later, at push time). The message names the rule and field (<see cref="GrammarException.Field"/>, such as
/// <c>rule 'release' tag pattern</c>), quotes the pattern, gives the index of the offending character and the rule
/// of the pattern syntax that was broken.
/// </summary>
/// <remarks><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</remarks>
public sealed class InvalidTagPatternException : GrammarException
{
    /// <summary>Creates an exception with a default message.</summary>
    public InvalidTagPatternException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public InvalidTagPatternException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public InvalidTagPatternException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal InvalidTagPatternException(string field, ReadOnlySpan<char> input, ParseFailure failure, string rule)
        : base(field, input, failure, rule)
    {
    }

    internal static string FieldFor(string? ruleId, string what) =>
        ruleId is null ? what : $"rule '{ruleId}' {what}";
}
