using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TagImmutability.Internal;

/// <summary>Text for manifest error messages: quoted values (cut and escaped, safe to log) and JSON type names.</summary>
internal static class ManifestText
{
    /// <summary>The longest excerpt of a value quoted in a message, in characters.</summary>
    public const int MaxQuotedLength = 100;

    /// <summary>Quotes <paramref name="value"/> in single quotes, cut to <see cref="MaxQuotedLength"/> characters, with control and non-ASCII characters escaped.</summary>
    public static string Quote(ReadOnlySpan<char> value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, MaxQuotedLength) + 16);
        builder.Append('\'');
        AppendEscaped(builder, value.Length <= MaxQuotedLength ? value : value[..MaxQuotedLength]);
        builder.Append('\'');
        if (value.Length > MaxQuotedLength)
        {
            builder.Append("\u2026 (").Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(" characters)");
        }

        return builder.ToString();
    }

    /// <summary>Appends <paramref name="text"/> with everything outside printable ASCII escaped as <c>\uXXXX</c>.</summary>
    public static void AppendEscaped(StringBuilder builder, ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (c is >= ' ' and <= '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>
    /// The detail of a grammar failure with its <c>{char}</c> and <c>{length}</c> placeholders filled in from
    /// <paramref name="input"/>.
    /// </summary>
    public static string Detail(ParseFailure failure, ReadOnlySpan<char> input)
    {
        string detail = failure.Detail ?? "it does not match the grammar";
        if (detail.Contains("{char}", StringComparison.Ordinal))
        {
            string offending = failure.Index >= 0 && failure.Index < input.Length
                ? Quote(input.Slice(failure.Index, 1)) + " at index " + failure.Index.ToString(CultureInfo.InvariantCulture)
                : "end of input";
            detail = detail.Replace("{char}", offending, StringComparison.Ordinal);
        }

        if (failure.Part is { } part)
        {
            detail = "in the " + part + ", " + detail;
        }

        return detail.Replace("{length}", input.Length.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>What a JSON token is, for "found ..." in messages: <c>a string</c>, <c>null</c>, <c>an array</c>.</summary>
    public static string Describe(JsonTokenType tokenType) => tokenType switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => "no value",
    };
}
