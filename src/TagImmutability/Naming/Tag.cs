using System.Diagnostics.CodeAnalysis;
using System.Text;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// A tag: the movable, human-readable name of a manifest within a repository. ASCII only and case-sensitive:
/// <c>Latest</c> and <c>latest</c> are different tags.
/// </summary>
/// <remarks>
/// <para>
/// The grammar depends on the <see cref="GrammarProfile"/>: the OCI profile (the default of the overloads without a
/// profile) is <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c> (OCI distribution spec, "Pulling manifests"); the ECR profile
/// is 1..300 characters of <c>[A-Za-z0-9_.-]</c>. A tag remembers nothing of the profile it was checked with: two
/// tags are equal when their text is, and they sort in ordinal order, as <c>/v2/&lt;name&gt;/tags/list</c> does.
/// </para>
/// <para><c>default(Tag)</c> is not a tag: <see cref="IsDefault"/> is <see langword="true"/> and <see cref="Value"/> is empty.</para>
/// <para><b>Thread safety:</b> an immutable value; safe to share between threads.</para>
/// </remarks>
public readonly struct Tag :
    IEquatable<Tag>,
    IComparable<Tag>,
    IComparable,
    ISpanParsable<Tag>,
    IUtf8SpanParsable<Tag>,
    ISpanFormattable,
    IUtf8SpanFormattable
{
    /// <summary>The longest tag in the OCI profile, in characters: 128.</summary>
    public const int MaxLength = 128;

    /// <summary>The longest tag in the ECR profile, in characters: 300.</summary>
    public const int EcrMaxLength = 300;

    private const string Field = "tag";
    internal const string OciRule = "[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127} (OCI distribution-spec, tag grammar)";
    private const string EcrRule = "[a-zA-Z0-9_.-]{1,300} (Amazon ECR imageTag)";

    private readonly string? _value;

    private Tag(string value) => _value = value;

    /// <summary>The tag's text; empty for <c>default(Tag)</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>The tag's length, in characters (ASCII, so also in UTF-8 bytes).</summary>
    public int Length => Value.Length;

    /// <summary>Whether this is <c>default(Tag)</c>, which is not a tag.</summary>
    public bool IsDefault => _value is null;

    /// <summary>Whether <paramref name="text"/> is a valid tag in <paramref name="profile"/>. Never throws.</summary>
    /// <param name="text">The text to check.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValid(ReadOnlySpan<char> text, GrammarProfile profile) => IsAccepted(text, profile);

    /// <summary>Parses an OCI tag.</summary>
    /// <param name="text">The text, at most <see cref="MaxLength"/> characters.</param>
    /// <returns>The tag; it shares <paramref name="text"/>'s string instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidTagException"><paramref name="text"/> does not match the OCI tag grammar.</exception>
    public static Tag Parse(string text) => Parse(text, GrammarProfile.Oci);

    /// <summary>Parses a tag in <paramref name="profile"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <returns>The tag; it shares <paramref name="text"/>'s string instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidTagException"><paramref name="text"/> does not match the profile's tag grammar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="profile"/> is not a defined <see cref="GrammarProfile"/>.</exception>
    public static Tag Parse(string text, GrammarProfile profile)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowIfInvalid(text, profile);
        return new Tag(text);
    }

    /// <summary>Parses an OCI tag from UTF-16 characters.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The tag.</returns>
    /// <exception cref="InvalidTagException"><paramref name="text"/> does not match the OCI tag grammar.</exception>
    public static Tag Parse(ReadOnlySpan<char> text) => Parse(text, GrammarProfile.Oci);

    /// <summary>Parses a tag in <paramref name="profile"/> from UTF-16 characters.</summary>
    /// <param name="text">The text.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <returns>The tag.</returns>
    /// <exception cref="InvalidTagException"><paramref name="text"/> does not match the profile's tag grammar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="profile"/> is not a defined <see cref="GrammarProfile"/>.</exception>
    public static Tag Parse(ReadOnlySpan<char> text, GrammarProfile profile)
    {
        ThrowIfInvalid(text, profile);
        return new Tag(text.ToString());
    }

    /// <summary>Parses an OCI tag from UTF-8 bytes.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <returns>The tag.</returns>
    /// <exception cref="InvalidTagException"><paramref name="utf8Text"/> does not match the OCI tag grammar.</exception>
    public static Tag Parse(ReadOnlySpan<byte> utf8Text) => Parse(utf8Text, GrammarProfile.Oci);

    /// <summary>Parses a tag in <paramref name="profile"/> from UTF-8 bytes.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <returns>The tag.</returns>
    /// <exception cref="InvalidTagException"><paramref name="utf8Text"/> does not match the profile's tag grammar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="profile"/> is not a defined <see cref="GrammarProfile"/>.</exception>
    public static Tag Parse(ReadOnlySpan<byte> utf8Text, GrammarProfile profile) =>
        TryParseAscii(utf8Text, profile, out Tag tag)
            ? tag
            : AsciiClasses.ParseUtf8(utf8Text, MaxLengthOf(profile), profile, static (text, p) => Parse(text, p));

    /// <summary>Tries to parse an OCI tag; never throws.</summary>
    /// <param name="text">The text; <see langword="null"/> gives <see langword="false"/>.</param>
    /// <param name="tag">The tag, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out Tag tag) => TryParse(text, GrammarProfile.Oci, out tag);

    /// <summary>Tries to parse a tag in <paramref name="profile"/>; never throws.</summary>
    /// <param name="text">The text; <see langword="null"/> gives <see langword="false"/>.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <param name="tag">The tag, sharing <paramref name="text"/>'s string instance, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, GrammarProfile profile, out Tag tag)
    {
        tag = text is not null && IsAccepted(text, profile) ? new Tag(text) : default;
        return !tag.IsDefault;
    }

    /// <summary>Tries to parse an OCI tag from UTF-16 characters; never throws.</summary>
    /// <param name="text">The text.</param>
    /// <param name="tag">The tag, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Tag tag) => TryParse(text, GrammarProfile.Oci, out tag);

    /// <summary>Tries to parse a tag in <paramref name="profile"/> from UTF-16 characters; never throws.</summary>
    /// <param name="text">The text.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <param name="tag">The tag, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, GrammarProfile profile, out Tag tag)
    {
        tag = IsAccepted(text, profile) ? new Tag(text.ToString()) : default;
        return !tag.IsDefault;
    }

    /// <summary>Tries to parse an OCI tag from UTF-8 bytes; never throws.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="tag">The tag, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Text, out Tag tag) => TryParse(utf8Text, GrammarProfile.Oci, out tag);

    /// <summary>Tries to parse a tag in <paramref name="profile"/> from UTF-8 bytes; never throws.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <param name="tag">The tag, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Text, GrammarProfile profile, out Tag tag) =>
        TryParseAscii(utf8Text, profile, out tag)
        || AsciiClasses.TryParseUtf8(utf8Text, MaxLengthOf(profile), profile, static (ReadOnlySpan<char> text, GrammarProfile p, out Tag value) => TryParse(text, p, out value), out tag);

    /// <inheritdoc cref="Parse(string)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    static Tag IParsable<Tag>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(string, out Tag)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    /// <param name="result">The tag.</param>
    static bool IParsable<Tag>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Tag result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    static Tag ISpanParsable<Tag>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out Tag)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    /// <param name="result">The tag.</param>
    static bool ISpanParsable<Tag>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Tag result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    static Tag IUtf8SpanParsable<Tag>.Parse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider) => Parse(utf8Text);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, out Tag)"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    /// <param name="result">The tag.</param>
    static bool IUtf8SpanParsable<Tag>.TryParse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider, out Tag result) => TryParse(utf8Text, out result);

    /// <summary>Writes the tag as UTF-16 characters.</summary>
    /// <param name="destination">The buffer; <see cref="Length"/> characters are needed.</param>
    /// <param name="charsWritten">The number of characters written; 0 when the buffer is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten) => AsciiClasses.TryCopy(Value, destination, out charsWritten);

    /// <summary>Writes the tag as UTF-8 bytes.</summary>
    /// <param name="utf8Destination">The buffer; <see cref="Length"/> bytes are needed.</param>
    /// <param name="bytesWritten">The number of bytes written; 0 when the buffer is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="utf8Destination"/> is too small.</returns>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten) => AsciiClasses.TryEncodeAscii(Value, utf8Destination, out bytesWritten);

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

    /// <summary>The tag's text; empty for <c>default(Tag)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Value;

    /// <inheritdoc cref="ToString()"/>
    /// <param name="format">Empty, <see langword="null"/> or <c>G</c>.</param>
    /// <param name="formatProvider">Ignored.</param>
    /// <exception cref="FormatException"><paramref name="format"/> is not empty or <c>G</c>.</exception>
    string IFormattable.ToString(string? format, IFormatProvider? formatProvider)
    {
        FormatStrings.ThrowIfNotGeneral(format);
        return Value;
    }

    /// <summary>Whether both tags have the same text, compared ordinally (case-sensitive).</summary>
    /// <param name="other">The other tag.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(Tag other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="obj"/> is a <see cref="Tag"/> equal to this one.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Tag other && Equals(other);

    /// <summary>An ordinal hash code of the text.</summary>
    /// <returns>The hash code; it varies between processes.</returns>
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <summary>Compares the texts ordinally; <c>default(Tag)</c> sorts first.</summary>
    /// <param name="other">The other tag.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int CompareTo(Tag other) => string.CompareOrdinal(_value, other._value);

    /// <summary>Compares with another boxed <see cref="Tag"/>; <see langword="null"/> sorts first.</summary>
    /// <param name="obj">A <see cref="Tag"/> or <see langword="null"/>.</param>
    /// <returns>Negative, zero or positive.</returns>
    /// <exception cref="ArgumentException"><paramref name="obj"/> is not a <see cref="Tag"/>.</exception>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Tag other => CompareTo(other),
        _ => throw new ArgumentException($"obj is a {obj.GetType()}, not a Tag", nameof(obj)),
    };

    /// <summary>Whether two tags are equal.</summary>
    /// <param name="left">The first tag.</param>
    /// <param name="right">The second tag.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(Tag left, Tag right) => left.Equals(right);

    /// <summary>Whether two tags differ.</summary>
    /// <param name="left">The first tag.</param>
    /// <param name="right">The second tag.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(Tag left, Tag right) => !left.Equals(right);

    /// <summary>Whether <paramref name="left"/> sorts before <paramref name="right"/>.</summary>
    /// <param name="left">The first tag.</param>
    /// <param name="right">The second tag.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <(Tag left, Tag right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> sorts before or with <paramref name="right"/>.</summary>
    /// <param name="left">The first tag.</param>
    /// <param name="right">The second tag.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <=(Tag left, Tag right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> sorts after <paramref name="right"/>.</summary>
    /// <param name="left">The first tag.</param>
    /// <param name="right">The second tag.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >(Tag left, Tag right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> sorts after or with <paramref name="right"/>.</summary>
    /// <param name="left">The first tag.</param>
    /// <param name="right">The second tag.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >=(Tag left, Tag right) => left.CompareTo(right) >= 0;

    internal static void ThrowIfInvalid(ReadOnlySpan<char> text, GrammarProfile profile)
    {
        if (IsAccepted(text, profile))
        {
            return;
        }

        GrammarProfiles.ThrowIfUndefined(profile);
        ParseFailure failure = Scan(text, profile);
        if (failure.Failed)
        {
            throw new InvalidTagException(Field, text, failure, profile == GrammarProfile.Ecr ? EcrRule : OciRule);
        }
    }

    internal static ParseFailure Scan(ReadOnlySpan<char> text, GrammarProfile profile)
    {
        if (text.IsEmpty)
        {
            return ParseFailure.Whole("it is empty");
        }

        switch (profile)
        {
            case GrammarProfile.Oci:
                if (text.Length > MaxLength)
                {
                    return ParseFailure.Whole("it is {length} characters long, and the longest tag is 128");
                }

                if (!AsciiClasses.Word.Contains(text[0]))
                {
                    return text[0] is '.' or '-'
                        ? ParseFailure.At(0, "it starts with {char}, and a tag starts with a letter, digit or '_'")
                        : ParseFailure.At(0, "character {char} is not allowed");
                }

                break;
            case GrammarProfile.Ecr:
                if (text.Length > EcrMaxLength)
                {
                    return ParseFailure.Whole("it is {length} characters long, and the longest ECR tag is 300");
                }

                break;
            default:
                return ParseFailure.Whole("the grammar profile is not defined");
        }

        int bad = text.IndexOfAnyExcept(AsciiClasses.TagBody);
        return bad < 0 ? ParseFailure.None : ParseFailure.At(bad, "character {char} is not allowed");
    }

    /// <summary>A tag from text that <see cref="Scan"/> has accepted; it is not scanned again.</summary>
    internal static Tag FromScanned(ReadOnlySpan<char> text) => new(text.ToString());

    /// <summary>
    /// Scan's verdict without its diagnosis, small enough to inline: the length, the first character and one vectorized
    /// class check. The parsers ask this first and run Scan only to say why a text failed.
    /// </summary>
    internal static bool IsAccepted(ReadOnlySpan<char> text, GrammarProfile profile) =>
        FitsProfile(text.Length, text.IsEmpty ? 0 : text[0], profile) && !text.ContainsAnyExcept(AsciiClasses.TagBody);

    // The common case straight from UTF-8: as IsAccepted, over the bytes, then one string. Bytes in the tag class are
    // ASCII, so decoding them would change nothing; anything else, valid or not, goes through the decoder to Scan,
    // which says why it fails.
    private static bool TryParseAscii(ReadOnlySpan<byte> utf8Text, GrammarProfile profile, out Tag tag)
    {
        bool accepted = FitsProfile(utf8Text.Length, utf8Text.IsEmpty ? 0 : utf8Text[0], profile)
            && !utf8Text.ContainsAnyExcept(AsciiClasses.TagBodyUtf8);
        tag = accepted ? new Tag(Encoding.ASCII.GetString(utf8Text)) : default;
        return accepted;
    }

    // The length and first-character rules of each profile (the class of the rest is checked by the caller).
    private static bool FitsProfile(int length, int first, GrammarProfile profile) => profile switch
    {
        GrammarProfile.Oci => length is > 0 and <= MaxLength && (char.IsAsciiLetterOrDigit((char)first) || first == '_'),
        GrammarProfile.Ecr => length is > 0 and <= EcrMaxLength,
        _ => false,
    };

    private static int MaxLengthOf(GrammarProfile profile) => profile == GrammarProfile.Ecr ? EcrMaxLength : MaxLength;
}
