using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// A repository name: the path of a repository within a registry, such as <c>library/alpine</c> or
/// <c>team/service</c>, made of lowercase path components separated by <c>/</c>.
/// </summary>
/// <remarks>
/// <para>
/// Both profiles use the OCI distribution spec's grammar
/// <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*</c> ("Pulling manifests"), which is
/// also Amazon ECR's <c>RepositoryName</c> pattern since 2026-02. The OCI profile caps the length at 255 characters
/// (the spec sets no limit; the CNCF distribution reference library, and so Docker, rejects longer paths); the ECR
/// profile requires 2..256 characters. Names are compared and sorted ordinally.
/// </para>
/// <para><c>default(RepositoryName)</c> is not a name: <see cref="IsDefault"/> is <see langword="true"/> and <see cref="Value"/> is empty.</para>
/// <para><b>Thread safety:</b> an immutable value; safe to share between threads.</para>
/// </remarks>
public readonly struct RepositoryName :
    IEquatable<RepositoryName>,
    IComparable<RepositoryName>,
    IComparable,
    ISpanParsable<RepositoryName>,
    IUtf8SpanParsable<RepositoryName>,
    ISpanFormattable,
    IUtf8SpanFormattable
{
    /// <summary>The longest repository name in the OCI profile, in characters: 255.</summary>
    public const int MaxLength = 255;

    /// <summary>The shortest repository name in the ECR profile, in characters: 2.</summary>
    public const int EcrMinLength = 2;

    /// <summary>The longest repository name in the ECR profile, in characters: 256.</summary>
    public const int EcrMaxLength = 256;

    private const string Field = "repository name";
    private const string Grammar = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*";
    internal const string OciRule = Grammar + ", at most 255 characters (OCI distribution-spec, repository name grammar)";
    private const string EcrRule = Grammar + ", 2 to 256 characters (Amazon ECR repositoryName)";

    private readonly string? _value;

    private RepositoryName(string value) => _value = value;

    /// <summary>The name's text; empty for <c>default(RepositoryName)</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>The name's length, in characters (ASCII, so also in UTF-8 bytes).</summary>
    public int Length => Value.Length;

    /// <summary>Whether this is <c>default(RepositoryName)</c>, which is not a name.</summary>
    public bool IsDefault => _value is null;

    /// <summary>The path components, split at <c>/</c>; empty for the default value. Allocates on each call.</summary>
    public ImmutableArray<string> Components => IsDefault ? [] : [.. Value.Split('/')];

    /// <summary>Whether <paramref name="text"/> is a valid repository name in <paramref name="profile"/>. Never throws.</summary>
    /// <param name="text">The text to check.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValid(ReadOnlySpan<char> text, GrammarProfile profile) => !Scan(text, profile).Failed;

    /// <summary>Parses an OCI repository name.</summary>
    /// <param name="text">The text, at most <see cref="MaxLength"/> characters.</param>
    /// <returns>The repository name; it shares <paramref name="text"/>'s string instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidRepositoryNameException"><paramref name="text"/> does not match the OCI repository name grammar.</exception>
    public static RepositoryName Parse(string text) => Parse(text, GrammarProfile.Oci);

    /// <summary>Parses a repository name in <paramref name="profile"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <returns>The repository name; it shares <paramref name="text"/>'s string instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidRepositoryNameException"><paramref name="text"/> does not match the profile's repository name grammar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="profile"/> is not a defined <see cref="GrammarProfile"/>.</exception>
    public static RepositoryName Parse(string text, GrammarProfile profile)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowIfInvalid(text, profile);
        return new RepositoryName(text);
    }

    /// <summary>Parses an OCI repository name from UTF-16 characters.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The repository name.</returns>
    /// <exception cref="InvalidRepositoryNameException"><paramref name="text"/> does not match the OCI repository name grammar.</exception>
    public static RepositoryName Parse(ReadOnlySpan<char> text) => Parse(text, GrammarProfile.Oci);

    /// <summary>Parses a repository name in <paramref name="profile"/> from UTF-16 characters.</summary>
    /// <param name="text">The text.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <returns>The repository name.</returns>
    /// <exception cref="InvalidRepositoryNameException"><paramref name="text"/> does not match the profile's repository name grammar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="profile"/> is not a defined <see cref="GrammarProfile"/>.</exception>
    public static RepositoryName Parse(ReadOnlySpan<char> text, GrammarProfile profile)
    {
        ThrowIfInvalid(text, profile);
        return new RepositoryName(text.ToString());
    }

    /// <summary>Parses an OCI repository name from UTF-8 bytes.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <returns>The repository name.</returns>
    /// <exception cref="InvalidRepositoryNameException"><paramref name="utf8Text"/> does not match the OCI repository name grammar.</exception>
    public static RepositoryName Parse(ReadOnlySpan<byte> utf8Text) => Parse(utf8Text, GrammarProfile.Oci);

    /// <summary>Parses a repository name in <paramref name="profile"/> from UTF-8 bytes.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <returns>The repository name.</returns>
    /// <exception cref="InvalidRepositoryNameException"><paramref name="utf8Text"/> does not match the profile's repository name grammar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="profile"/> is not a defined <see cref="GrammarProfile"/>.</exception>
    public static RepositoryName Parse(ReadOnlySpan<byte> utf8Text, GrammarProfile profile) =>
        AsciiClasses.ParseUtf8(utf8Text, MaxLengthOf(profile), profile, static (text, p) => Parse(text, p));

    /// <summary>Tries to parse an OCI repository name; never throws.</summary>
    /// <param name="text">The text; <see langword="null"/> gives <see langword="false"/>.</param>
    /// <param name="name">The repository name, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out RepositoryName name) => TryParse(text, GrammarProfile.Oci, out name);

    /// <summary>Tries to parse a repository name in <paramref name="profile"/>; never throws.</summary>
    /// <param name="text">The text; <see langword="null"/> gives <see langword="false"/>.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <param name="name">The repository name, sharing <paramref name="text"/>'s string instance, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, GrammarProfile profile, out RepositoryName name)
    {
        name = text is not null && !Scan(text, profile).Failed ? new RepositoryName(text) : default;
        return !name.IsDefault;
    }

    /// <summary>Tries to parse an OCI repository name from UTF-16 characters; never throws.</summary>
    /// <param name="text">The text.</param>
    /// <param name="name">The repository name, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out RepositoryName name) => TryParse(text, GrammarProfile.Oci, out name);

    /// <summary>Tries to parse a repository name in <paramref name="profile"/> from UTF-16 characters; never throws.</summary>
    /// <param name="text">The text.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <param name="name">The repository name, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, GrammarProfile profile, out RepositoryName name)
    {
        name = Scan(text, profile).Failed ? default : new RepositoryName(text.ToString());
        return !name.IsDefault;
    }

    /// <summary>Tries to parse an OCI repository name from UTF-8 bytes; never throws.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="name">The repository name, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Text, out RepositoryName name) => TryParse(utf8Text, GrammarProfile.Oci, out name);

    /// <summary>Tries to parse a repository name in <paramref name="profile"/> from UTF-8 bytes; never throws.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="profile">The grammar to apply.</param>
    /// <param name="name">The repository name, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Text, GrammarProfile profile, out RepositoryName name) =>
        AsciiClasses.TryParseUtf8(utf8Text, MaxLengthOf(profile), profile, static (ReadOnlySpan<char> text, GrammarProfile p, out RepositoryName value) => TryParse(text, p, out value), out name);

    /// <inheritdoc cref="Parse(string)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    static RepositoryName IParsable<RepositoryName>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(string, out RepositoryName)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    /// <param name="result">The repository name.</param>
    static bool IParsable<RepositoryName>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out RepositoryName result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    static RepositoryName ISpanParsable<RepositoryName>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out RepositoryName)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    /// <param name="result">The repository name.</param>
    static bool ISpanParsable<RepositoryName>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out RepositoryName result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    static RepositoryName IUtf8SpanParsable<RepositoryName>.Parse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider) => Parse(utf8Text);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, out RepositoryName)"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored: the OCI profile applies.</param>
    /// <param name="result">The repository name.</param>
    static bool IUtf8SpanParsable<RepositoryName>.TryParse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider, out RepositoryName result) => TryParse(utf8Text, out result);

    /// <summary>Writes the repository name as UTF-16 characters.</summary>
    /// <param name="destination">The buffer; <see cref="Length"/> characters are needed.</param>
    /// <param name="charsWritten">The number of characters written; 0 when the buffer is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten) => AsciiClasses.TryCopy(Value, destination, out charsWritten);

    /// <summary>Writes the repository name as UTF-8 bytes.</summary>
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

    /// <summary>The repository name's text; empty for <c>default(RepositoryName)</c>.</summary>
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

    /// <summary>Whether both repository names have the same text, compared ordinally (case-sensitive).</summary>
    /// <param name="other">The other name.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(RepositoryName other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="obj"/> is a <see cref="RepositoryName"/> equal to this one.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is RepositoryName other && Equals(other);

    /// <summary>An ordinal hash code of the text.</summary>
    /// <returns>The hash code; it varies between processes.</returns>
    public override int GetHashCode() => _value is null ? 0 : StringComparer.Ordinal.GetHashCode(_value);

    /// <summary>Compares the texts ordinally; <c>default(RepositoryName)</c> sorts first.</summary>
    /// <param name="other">The other name.</param>
    /// <returns>Negative, zero or positive.</returns>
    public int CompareTo(RepositoryName other) => string.CompareOrdinal(_value, other._value);

    /// <summary>Compares with another boxed <see cref="RepositoryName"/>; <see langword="null"/> sorts first.</summary>
    /// <param name="obj">A <see cref="RepositoryName"/> or <see langword="null"/>.</param>
    /// <returns>Negative, zero or positive.</returns>
    /// <exception cref="ArgumentException"><paramref name="obj"/> is not a <see cref="RepositoryName"/>.</exception>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        RepositoryName other => CompareTo(other),
        _ => throw new ArgumentException($"obj is a {obj.GetType()}, not a RepositoryName", nameof(obj)),
    };

    /// <summary>Whether two repository names are equal.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(RepositoryName left, RepositoryName right) => left.Equals(right);

    /// <summary>Whether two repository names differ.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(RepositoryName left, RepositoryName right) => !left.Equals(right);

    /// <summary>Whether <paramref name="left"/> sorts before <paramref name="right"/>.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <(RepositoryName left, RepositoryName right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> sorts before or with <paramref name="right"/>.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <=(RepositoryName left, RepositoryName right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> sorts after <paramref name="right"/>.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >(RepositoryName left, RepositoryName right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> sorts after or with <paramref name="right"/>.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >=(RepositoryName left, RepositoryName right) => left.CompareTo(right) >= 0;

    internal static void ThrowIfInvalid(ReadOnlySpan<char> text, GrammarProfile profile)
    {
        GrammarProfiles.ThrowIfUndefined(profile);
        ParseFailure failure = Scan(text, profile);
        if (failure.Failed)
        {
            throw new InvalidRepositoryNameException(Field, text, failure, profile == GrammarProfile.Ecr ? EcrRule : OciRule);
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
            case GrammarProfile.Oci when text.Length > MaxLength:
                return ParseFailure.Whole("it is {length} characters long, and the longest repository name is 255");
            case GrammarProfile.Ecr when text.Length > EcrMaxLength:
                return ParseFailure.Whole("it is {length} characters long, and the longest ECR repository name is 256");
            case GrammarProfile.Ecr when text.Length < EcrMinLength:
                return ParseFailure.Whole("it is {length} character long, and the shortest ECR repository name is 2");
            case GrammarProfile.Oci or GrammarProfile.Ecr:
                break;
            default:
                return ParseFailure.Whole("the grammar profile is not defined");
        }

        // previous: 'a' after a letter or digit, '/' at the start of a component, or the separator character just read.
        char previous = '/';
        int run = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (AsciiClasses.IsLowerAlphanumeric(c))
            {
                previous = 'a';
                continue;
            }

            switch (c)
            {
                case '/':
                    if (previous != 'a')
                    {
                        return previous == '/'
                            ? ParseFailure.At(i, "path component before {char} is empty")
                            : ParseFailure.At(i, "a path component must end with a lowercase letter or digit, not a separator");
                    }

                    break;
                case '.' when previous == 'a':
                case '_' when previous == 'a' || (previous == '_' && run == 1):
                case '-' when previous is 'a' or '-':
                    run = c == previous ? run + 1 : 1;
                    break;
                case '.' or '_' or '-':
                    return previous == '/'
                        ? ParseFailure.At(i, "a path component must start with a lowercase letter or digit, not {char}")
                        : ParseFailure.At(i, "separator {char} cannot follow another separator here (allowed: '.', '_', '__', or a run of '-')");
                default:
                    return AsciiClasses.IsUpper(c)
                        ? ParseFailure.At(i, "uppercase {char} is not allowed: repository names are lowercase")
                        : ParseFailure.At(i, "character {char} is not allowed");
            }

            previous = c;
        }

        return previous == 'a'
            ? ParseFailure.None
            : ParseFailure.At(text.Length - 1, "it ends with {char}, and a name ends with a lowercase letter or digit");
    }

    /// <summary>A name from text that <see cref="Scan"/> has accepted; it is not scanned again.</summary>
    internal static RepositoryName FromScanned(ReadOnlySpan<char> text) => new(text.ToString());

    private static int MaxLengthOf(GrammarProfile profile) => profile == GrammarProfile.Ecr ? EcrMaxLength : MaxLength;
}
