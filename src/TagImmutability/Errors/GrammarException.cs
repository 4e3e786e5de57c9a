using System.Globalization;
using System.Text;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// The base of the exceptions thrown when text does not match the grammar of a value type (digest, tag, repository
/// name, image reference, media type). The message names the field, quotes the input (cut to
/// <see cref="MaxQuotedLength"/> characters, control and non-ASCII characters escaped), gives the index of the first
/// offending character and the rule that was broken.
/// </summary>
/// <remarks>
/// Derives from <see cref="FormatException"/>, as the BCL's parsers do, so callers that catch
/// <see cref="FormatException"/> keep working.
/// <para><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</para>
/// </remarks>
public abstract class GrammarException : FormatException
{
    /// <summary>The longest excerpt of the input quoted in a message, in characters: 100.</summary>
    public const int MaxQuotedLength = 100;

    /// <summary>Creates an exception with a default message and no field, input, index or rule.</summary>
    protected GrammarException()
        : this(null, null)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> and no field, input, index or rule.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    protected GrammarException(string? message)
        : this(message, null)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    protected GrammarException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
        Input = string.Empty;
        Index = -1;
        Rule = string.Empty;
    }

    private protected GrammarException(string field, ReadOnlySpan<char> input, ParseFailure failure, string rule)
        : base(BuildMessage(field, input, failure, rule))
    {
        Field = field;
        Input = Quote(input);
        Index = failure.Index;
        Rule = failure.PartRule ?? rule;
    }

    /// <summary>The name of the field whose value was rejected, such as <c>tag</c> or <c>digest</c>; empty when unknown.</summary>
    public string Field { get; }

    /// <summary>
    /// The rejected input as quoted in the message: at most <see cref="MaxQuotedLength"/> characters of it followed by
    /// an ellipsis when cut, with control and non-ASCII characters, <c>'</c> and <c>\</c> escaped as <c>\uXXXX</c> (so it
    /// is safe to log and reads back unambiguously).
    /// </summary>
    public string Input { get; }

    /// <summary>
    /// The zero-based index, in UTF-16 characters, of the first character that broke the rule; -1 when the input as a
    /// whole is at fault (empty, too long, too short) or when unknown.
    /// </summary>
    public int Index { get; }

    /// <summary>
    /// The rule that was broken, with its source: for a value inside a composite one (the tag of an image reference),
    /// the part's rule; empty when unknown.
    /// </summary>
    public string Rule { get; }

    private static string BuildMessage(string field, ReadOnlySpan<char> input, ParseFailure failure, string rule)
    {
        string detail = failure.Detail ?? "it does not match the grammar";
        if (detail.Contains("{char}", StringComparison.Ordinal))
        {
            string offending = failure.Index >= 0 && failure.Index < input.Length
                ? "'" + Escape(input.Slice(failure.Index, 1)) + "'"
                : "end of input";
            detail = detail.Replace("{char}", offending, StringComparison.Ordinal);
        }

        int length = failure.PartLength >= 0 ? failure.PartLength : input.Length;
        detail = detail.Replace("{length}", length.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var message = new StringBuilder();
        message.Append(field).Append(" '").Append(Quote(input)).Append("' is invalid");
        if (failure.Index >= 0)
        {
            message.Append(" at index ").Append(failure.Index.ToString(CultureInfo.InvariantCulture));
        }

        message.Append(": ");
        if (failure.Part is { } part)
        {
            message.Append("in the ").Append(part).Append(", ");
        }

        message.Append(detail).Append("; it must match ").Append(failure.PartRule ?? rule);
        return message.ToString();
    }

    private static string Quote(ReadOnlySpan<char> input)
    {
        if (input.Length <= MaxQuotedLength)
        {
            return Escape(input);
        }

        return Escape(input[..MaxQuotedLength]) + "\u2026 (" + input.Length.ToString(CultureInfo.InvariantCulture) + " characters)";
    }

    private static string Escape(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            // Quote and backslash are escaped too, so that the quoted text reads back unambiguously.
            if (c is >= ' ' and <= '~' and not '\'' and not '\\')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
