using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// A wildcard tag filter, ECR's <c>ImageTagMutabilityExclusionFilter</c> of type <c>WILDCARD</c>: 1..128 characters of
/// <c>[0-9a-zA-Z._*-]</c>, where <c>*</c> matches any run of characters (including none) and every other character,
/// <c>.</c> included, matches itself. A filter matches a tag only when it matches the whole tag, case-sensitively.
/// </summary>
/// <remarks>
/// <para>
/// Sources: ECR API reference (<c>ImageTagMutabilityExclusionFilter</c>: type <c>WILDCARD</c>, value pattern
/// <c>^[0-9a-zA-Z._*-]{1,128}$</c>); whole-tag, case-sensitive matching is decision Q5 of the specification we follow.
/// Unlike a popular mock, a filter is not a regular expression: <c>tagME.*</c> does not match <c>tagME1</c>.
/// </para>
/// <para>
/// Matching takes time linear in the tag and filter lengths, whatever the pattern: the literal runs between
/// <c>*</c>s are found left to right with a Knuth–Morris–Pratt search, each starting where the last one ended, with no
/// backtracking (a leftmost match is always safe when the only wildcard is <c>*</c>).
/// </para>
/// <para><c>default(TagFilter)</c> is not a filter: <see cref="IsDefault"/> is <see langword="true"/> and it matches nothing.</para>
/// <para><b>Thread safety:</b> an immutable value; safe to share between threads.</para>
/// </remarks>
public readonly struct TagFilter :
    IEquatable<TagFilter>,
    ISpanParsable<TagFilter>,
    IUtf8SpanParsable<TagFilter>,
    ISpanFormattable,
    IUtf8SpanFormattable
{
    /// <summary>The longest filter, in characters: 128.</summary>
    public const int MaxLength = 128;

    private const string Field = "imageTagMutabilityExclusionFilters.filter";
    private const string Rule = "[0-9a-zA-Z._*-]{1,128} (Amazon ECR ImageTagMutabilityExclusionFilter, WILDCARD)";

    private static readonly SearchValues<char> Characters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._*-");

    private readonly string? _pattern;

    private TagFilter(string pattern) => _pattern = pattern;

    /// <summary>The filter's text, such as <c>release-*</c>; empty for the default value.</summary>
    public string Pattern => _pattern ?? string.Empty;

    /// <summary>Whether this is <c>default(TagFilter)</c>, which is not a filter.</summary>
    public bool IsDefault => _pattern is null;

    /// <summary>Whether the filter matches the whole of <paramref name="tag"/>, case-sensitively.</summary>
    /// <param name="tag">The tag.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    /// <remarks><c>default(Tag)</c> is not a tag, so no filter matches it, not even <c>*</c>.</remarks>
    public bool IsMatch(Tag tag) => !tag.IsDefault && IsMatch(tag.Value.AsSpan());

    /// <summary>Whether the filter matches the whole of <paramref name="tag"/>, case-sensitively. Allocates nothing.</summary>
    /// <param name="tag">The tag's text; it is not validated.</param>
    /// <returns><see langword="true"/> when it matches; always <see langword="false"/> for the default filter.</returns>
    public bool IsMatch(ReadOnlySpan<char> tag)
    {
        if (_pattern is null)
        {
            return false;
        }

        ReadOnlySpan<char> pattern = _pattern;
        int firstStar = pattern.IndexOf('*');
        if (firstStar < 0)
        {
            return tag.SequenceEqual(pattern);
        }

        int lastStar = pattern.LastIndexOf('*');
        ReadOnlySpan<char> head = pattern[..firstStar];
        ReadOnlySpan<char> last = pattern[(lastStar + 1)..];
        if (tag.Length < head.Length + last.Length || !tag.StartsWith(head) || !tag.EndsWith(last))
        {
            return false;
        }

        ReadOnlySpan<char> rest = tag[head.Length..(tag.Length - last.Length)];
        ReadOnlySpan<char> middle = firstStar == lastStar ? [] : pattern[(firstStar + 1)..lastStar];
        Span<int> table = stackalloc int[MaxLength];
        while (!middle.IsEmpty)
        {
            int star = middle.IndexOf('*');
            ReadOnlySpan<char> segment = star < 0 ? middle : middle[..star];
            middle = star < 0 ? [] : middle[(star + 1)..];
            if (segment.IsEmpty)
            {
                continue;
            }

            int found = IndexOf(rest, segment, table);
            if (found < 0)
            {
                return false;
            }

            rest = rest[(found + segment.Length)..];
        }

        return true;
    }

    /// <summary>Parses a filter.</summary>
    /// <param name="text">The text, 1..128 characters.</param>
    /// <returns>The filter; it shares <paramref name="text"/>'s string instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidTagFilterException"><paramref name="text"/> is not 1..128 characters of <c>[0-9a-zA-Z._*-]</c>.</exception>
    public static TagFilter Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowIfInvalid(text);
        return new TagFilter(text);
    }

    /// <summary>Parses a filter from UTF-16 characters.</summary>
    /// <param name="text">The text, 1..128 characters.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="InvalidTagFilterException"><paramref name="text"/> is not 1..128 characters of <c>[0-9a-zA-Z._*-]</c>.</exception>
    public static TagFilter Parse(ReadOnlySpan<char> text)
    {
        ThrowIfInvalid(text);
        return new TagFilter(text.ToString());
    }

    /// <summary>Parses a filter from UTF-8 bytes.</summary>
    /// <param name="utf8Text">The UTF-8 text, 1..128 bytes.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="InvalidTagFilterException"><paramref name="utf8Text"/> is not 1..128 characters of <c>[0-9a-zA-Z._*-]</c>.</exception>
    public static TagFilter Parse(ReadOnlySpan<byte> utf8Text) =>
        AsciiClasses.ParseUtf8(utf8Text, MaxLength, 0, static (text, _) => Parse(text));

    /// <summary>Tries to parse a filter; never throws.</summary>
    /// <param name="text">The text; <see langword="null"/> gives <see langword="false"/>.</param>
    /// <param name="filter">The filter, or <c>default</c>.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out TagFilter filter)
    {
        filter = text is not null && !Scan(text).Failed ? new TagFilter(text) : default;
        return !filter.IsDefault;
    }

    /// <summary>Tries to parse a filter from UTF-16 characters; never throws.</summary>
    /// <param name="text">The text.</param>
    /// <param name="filter">The filter, or <c>default</c>.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out TagFilter filter)
    {
        filter = Scan(text).Failed ? default : new TagFilter(text.ToString());
        return !filter.IsDefault;
    }

    /// <summary>Tries to parse a filter from UTF-8 bytes; never throws.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="filter">The filter, or <c>default</c>.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Text, out TagFilter filter) =>
        AsciiClasses.TryParseUtf8(utf8Text, MaxLength, 0, static (ReadOnlySpan<char> text, int _, out TagFilter value) => TryParse(text, out value), out filter);

    /// <inheritdoc cref="Parse(string)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    static TagFilter IParsable<TagFilter>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(string, out TagFilter)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <param name="result">The filter.</param>
    static bool IParsable<TagFilter>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out TagFilter result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    static TagFilter ISpanParsable<TagFilter>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out TagFilter)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <param name="result">The filter.</param>
    static bool ISpanParsable<TagFilter>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out TagFilter result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored.</param>
    static TagFilter IUtf8SpanParsable<TagFilter>.Parse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider) => Parse(utf8Text);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, out TagFilter)"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored.</param>
    /// <param name="result">The filter.</param>
    static bool IUtf8SpanParsable<TagFilter>.TryParse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider, out TagFilter result) => TryParse(utf8Text, out result);

    /// <summary>Writes the pattern as UTF-16 characters.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="charsWritten">The number of characters written; 0 when the buffer is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten) => AsciiClasses.TryCopy(Pattern, destination, out charsWritten);

    /// <summary>Writes the pattern as UTF-8 bytes.</summary>
    /// <param name="utf8Destination">The buffer.</param>
    /// <param name="bytesWritten">The number of bytes written; 0 when the buffer is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="utf8Destination"/> is too small.</returns>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten) => AsciiClasses.TryEncodeAscii(Pattern, utf8Destination, out bytesWritten);

    /// <inheritdoc cref="TryFormat(Span{char}, out int)"/>
    /// <param name="destination">The buffer.</param>
    /// <param name="charsWritten">The number of characters written.</param>
    /// <param name="format">Empty or <c>G</c>.</param>
    /// <param name="provider">Ignored.</param>
    /// <exception cref="FormatException"><paramref name="format"/> is not empty or <c>G</c>.</exception>
    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        FormatStrings.ThrowIfNotGeneral(format);
        return TryFormat(destination, out charsWritten);
    }

    /// <inheritdoc cref="TryFormat(Span{byte}, out int)"/>
    /// <param name="utf8Destination">The buffer.</param>
    /// <param name="bytesWritten">The number of bytes written.</param>
    /// <param name="format">Empty or <c>G</c>.</param>
    /// <param name="provider">Ignored.</param>
    /// <exception cref="FormatException"><paramref name="format"/> is not empty or <c>G</c>.</exception>
    bool IUtf8SpanFormattable.TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        FormatStrings.ThrowIfNotGeneral(format);
        return TryFormat(utf8Destination, out bytesWritten);
    }

    /// <summary>The pattern; empty for the default value.</summary>
    /// <returns>The pattern.</returns>
    public override string ToString() => Pattern;

    /// <inheritdoc cref="ToString()"/>
    /// <param name="format">Empty, <see langword="null"/> or <c>G</c>.</param>
    /// <param name="formatProvider">Ignored.</param>
    /// <exception cref="FormatException"><paramref name="format"/> is not empty or <c>G</c>.</exception>
    string IFormattable.ToString(string? format, IFormatProvider? formatProvider)
    {
        FormatStrings.ThrowIfNotGeneral(format);
        return Pattern;
    }

    /// <summary>Whether both filters have the same pattern, compared ordinally.</summary>
    /// <param name="other">The other filter.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(TagFilter other) => string.Equals(_pattern, other._pattern, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="obj"/> is a <see cref="TagFilter"/> equal to this one.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is TagFilter other && Equals(other);

    /// <summary>An ordinal hash code of the pattern.</summary>
    /// <returns>The hash code; it varies between processes.</returns>
    public override int GetHashCode() => _pattern is null ? 0 : StringComparer.Ordinal.GetHashCode(_pattern);

    /// <summary>Whether two filters are equal.</summary>
    /// <param name="left">The first filter.</param>
    /// <param name="right">The second filter.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(TagFilter left, TagFilter right) => left.Equals(right);

    /// <summary>Whether two filters differ.</summary>
    /// <param name="left">The first filter.</param>
    /// <param name="right">The second filter.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(TagFilter left, TagFilter right) => !left.Equals(right);

    private static void ThrowIfInvalid(ReadOnlySpan<char> text)
    {
        ParseFailure failure = Scan(text);
        if (failure.Failed)
        {
            throw new InvalidTagFilterException(Field, text, failure, Rule);
        }
    }

    private static ParseFailure Scan(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return ParseFailure.Whole("it is empty");
        }

        if (text.Length > MaxLength)
        {
            return ParseFailure.Whole("it is {length} characters long, and the longest filter is 128");
        }

        int bad = text.IndexOfAnyExcept(Characters);
        return bad < 0 ? ParseFailure.None : ParseFailure.At(bad, "character {char} is not allowed");
    }

    // Knuth–Morris–Pratt: the first index of segment in text, or -1, in O(text + segment) steps.
    private static int IndexOf(ReadOnlySpan<char> text, ReadOnlySpan<char> segment, Span<int> table)
    {
        table[0] = 0;
        for (int i = 1, k = 0; i < segment.Length; i++)
        {
            while (k > 0 && segment[i] != segment[k])
            {
                k = table[k - 1];
            }

            if (segment[i] == segment[k])
            {
                k++;
            }

            table[i] = k;
        }

        for (int i = 0, k = 0; i < text.Length; i++)
        {
            while (k > 0 && text[i] != segment[k])
            {
                k = table[k - 1];
            }

            if (text[i] == segment[k])
            {
                k++;
            }

            if (k == segment.Length)
            {
                return i - segment.Length + 1;
            }
        }

        return -1;
    }
}
