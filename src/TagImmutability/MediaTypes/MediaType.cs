using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// A media type <c>type/subtype</c>, such as <c>application/vnd.oci.image.manifest.v1+json</c>, which says how a
/// manifest, config or layer is to be read. The well-known OCI and Docker media types are static members.
/// </summary>
/// <remarks>
/// <para>
/// The grammar is RFC 6838 section 4.2, which the OCI image spec requires of descriptors' <c>mediaType</c>: a type
/// and a subtype, each 1..127 characters of <c>[A-Za-z0-9!#$&amp;^_.+-]</c> starting with a letter or digit.
/// Parameters (<c>; charset=utf-8</c>) belong to HTTP headers, not to media types, and are rejected here.
/// Media types are case-insensitive (RFC 6838 section 4.2): equality and hashing ignore ASCII case, while
/// <see cref="Value"/> keeps the text as given, since registries echo it back byte for byte.
/// </para>
/// <para><c>default(MediaType)</c> is not a media type: <see cref="IsDefault"/> is <see langword="true"/> and <see cref="Value"/> is empty.</para>
/// <para><b>Thread safety:</b> an immutable value; safe to share between threads.</para>
/// </remarks>
public readonly struct MediaType :
    IEquatable<MediaType>,
    ISpanParsable<MediaType>,
    IUtf8SpanParsable<MediaType>,
    ISpanFormattable,
    IUtf8SpanFormattable
{
    /// <summary>The longest media type, in characters: 255 (127 for each name and the <c>/</c>).</summary>
    public const int MaxLength = 255;

    private const int MaxNameLength = 127;
    private const string Field = "media type";
    private const string Rule = "type/subtype, each [A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126} (RFC 6838 section 4.2)";

    private static readonly SearchValues<char> NameCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&^_.+-");

    private readonly string? _value;

    private MediaType(string value) => _value = value;

    /// <summary><c>application/vnd.oci.image.manifest.v1+json</c>: an OCI image manifest (OCI image-spec, manifest.md).</summary>
    public static MediaType OciImageManifest { get; } = new("application/vnd.oci.image.manifest.v1+json");

    /// <summary><c>application/vnd.oci.image.index.v1+json</c>: an OCI image index (OCI image-spec, image-index.md).</summary>
    public static MediaType OciImageIndex { get; } = new("application/vnd.oci.image.index.v1+json");

    /// <summary><c>application/vnd.oci.image.config.v1+json</c>: an OCI image configuration (OCI image-spec, config.md).</summary>
    public static MediaType OciImageConfig { get; } = new("application/vnd.oci.image.config.v1+json");

    /// <summary><c>application/vnd.oci.empty.v1+json</c>: the empty descriptor's content, <c>{}</c> (OCI image-spec, manifest.md, "Guidance for an Empty Descriptor").</summary>
    public static MediaType OciEmpty { get; } = new("application/vnd.oci.empty.v1+json");

    /// <summary><c>application/vnd.oci.image.layer.v1.tar</c>: an uncompressed OCI layer (OCI image-spec, layer.md).</summary>
    public static MediaType OciLayerTar { get; } = new("application/vnd.oci.image.layer.v1.tar");

    /// <summary><c>application/vnd.oci.image.layer.v1.tar+gzip</c>: a gzip-compressed OCI layer.</summary>
    public static MediaType OciLayerTarGzip { get; } = new("application/vnd.oci.image.layer.v1.tar+gzip");

    /// <summary><c>application/vnd.oci.image.layer.v1.tar+zstd</c>: a zstd-compressed OCI layer.</summary>
    public static MediaType OciLayerTarZstd { get; } = new("application/vnd.oci.image.layer.v1.tar+zstd");

    /// <summary><c>application/vnd.docker.distribution.manifest.v2+json</c>: a Docker image manifest, version 2, schema 2.</summary>
    public static MediaType DockerManifestV2 { get; } = new("application/vnd.docker.distribution.manifest.v2+json");

    /// <summary><c>application/vnd.docker.distribution.manifest.list.v2+json</c>: a Docker manifest list (the Docker form of an image index).</summary>
    public static MediaType DockerManifestList { get; } = new("application/vnd.docker.distribution.manifest.list.v2+json");

    /// <summary><c>application/vnd.docker.distribution.manifest.v1+json</c>: a Docker schema 1 manifest (deprecated).</summary>
    public static MediaType DockerManifestV1 { get; } = new("application/vnd.docker.distribution.manifest.v1+json");

    /// <summary><c>application/vnd.docker.distribution.manifest.v1+prettyjws</c>: a signed Docker schema 1 manifest (deprecated).</summary>
    public static MediaType DockerManifestV1Signed { get; } = new("application/vnd.docker.distribution.manifest.v1+prettyjws");

    /// <summary><c>application/vnd.docker.container.image.v1+json</c>: a Docker image configuration.</summary>
    public static MediaType DockerImageConfig { get; } = new("application/vnd.docker.container.image.v1+json");

    /// <summary><c>application/vnd.docker.image.rootfs.diff.tar.gzip</c>: a gzip-compressed Docker layer.</summary>
    public static MediaType DockerLayerTarGzip { get; } = new("application/vnd.docker.image.rootfs.diff.tar.gzip");

    /// <summary><c>application/vnd.docker.image.rootfs.foreign.diff.tar.gzip</c>: a Docker layer that registries need not store.</summary>
    public static MediaType DockerForeignLayerTarGzip { get; } = new("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");

    /// <summary>The media type's text as given; empty for <c>default(MediaType)</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Whether this is <c>default(MediaType)</c>, which is not a media type.</summary>
    public bool IsDefault => _value is null;

    /// <summary>The top-level type, such as <c>application</c>; empty for the default value.</summary>
    public string Type => IsDefault ? string.Empty : Value[..Value.IndexOf('/', StringComparison.Ordinal)];

    /// <summary>The subtype, such as <c>vnd.oci.image.manifest.v1+json</c>; empty for the default value.</summary>
    public string Subtype => IsDefault ? string.Empty : Value[(Value.IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>The structured syntax suffix after the last <c>+</c> of the subtype (RFC 6838 section 4.2.8), such as <c>json</c>; empty when there is none.</summary>
    public string Suffix
    {
        get
        {
            string subtype = Subtype;
            int plus = subtype.LastIndexOf('+');
            return plus < 0 ? string.Empty : subtype[(plus + 1)..];
        }
    }

    /// <summary>Parses a media type.</summary>
    /// <param name="text">The text, at most <see cref="MaxLength"/> characters.</param>
    /// <returns>The media type; it shares <paramref name="text"/>'s string instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidMediaTypeException"><paramref name="text"/> is not <c>type/subtype</c> in the RFC 6838 grammar.</exception>
    public static MediaType Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ThrowIfInvalid(text);
        return new MediaType(text);
    }

    /// <summary>Parses a media type from UTF-16 characters.</summary>
    /// <param name="text">The text, at most <see cref="MaxLength"/> characters.</param>
    /// <returns>The media type.</returns>
    /// <exception cref="InvalidMediaTypeException"><paramref name="text"/> is not <c>type/subtype</c> in the RFC 6838 grammar.</exception>
    public static MediaType Parse(ReadOnlySpan<char> text)
    {
        ThrowIfInvalid(text);
        return new MediaType(text.ToString());
    }

    /// <summary>Parses a media type from UTF-8 bytes.</summary>
    /// <param name="utf8Text">The UTF-8 text, at most <see cref="MaxLength"/> bytes.</param>
    /// <returns>The media type.</returns>
    /// <exception cref="InvalidMediaTypeException"><paramref name="utf8Text"/> is not <c>type/subtype</c> in the RFC 6838 grammar.</exception>
    public static MediaType Parse(ReadOnlySpan<byte> utf8Text) =>
        AsciiClasses.ParseUtf8(utf8Text, MaxLength, 0, static (text, _) => Parse(text));

    /// <summary>Tries to parse a media type; never throws.</summary>
    /// <param name="text">The text; <see langword="null"/> gives <see langword="false"/>.</param>
    /// <param name="mediaType">The media type, sharing <paramref name="text"/>'s string instance, or <c>default</c>.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out MediaType mediaType)
    {
        mediaType = text is not null && !Scan(text).Failed ? new MediaType(text) : default;
        return !mediaType.IsDefault;
    }

    /// <summary>Tries to parse a media type from UTF-16 characters; never throws.</summary>
    /// <param name="text">The text.</param>
    /// <param name="mediaType">The media type, or <c>default</c>.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out MediaType mediaType)
    {
        mediaType = Scan(text).Failed ? default : new MediaType(text.ToString());
        return !mediaType.IsDefault;
    }

    /// <summary>Tries to parse a media type from UTF-8 bytes; never throws.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="mediaType">The media type, or <c>default</c>.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Text, out MediaType mediaType) =>
        AsciiClasses.TryParseUtf8(utf8Text, MaxLength, 0, static (ReadOnlySpan<char> text, int _, out MediaType value) => TryParse(text, out value), out mediaType);

    /// <inheritdoc cref="Parse(string)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    static MediaType IParsable<MediaType>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(string, out MediaType)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <param name="result">The media type.</param>
    static bool IParsable<MediaType>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out MediaType result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    static MediaType ISpanParsable<MediaType>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out MediaType)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <param name="result">The media type.</param>
    static bool ISpanParsable<MediaType>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out MediaType result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored.</param>
    static MediaType IUtf8SpanParsable<MediaType>.Parse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider) => Parse(utf8Text);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, out MediaType)"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored.</param>
    /// <param name="result">The media type.</param>
    static bool IUtf8SpanParsable<MediaType>.TryParse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider, out MediaType result) => TryParse(utf8Text, out result);

    /// <summary>Writes the media type as UTF-16 characters.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="charsWritten">The number of characters written; 0 when the buffer is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten) => AsciiClasses.TryCopy(Value, destination, out charsWritten);

    /// <summary>Writes the media type as UTF-8 bytes.</summary>
    /// <param name="utf8Destination">The buffer.</param>
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

    /// <summary>The media type's text as given; empty for the default value.</summary>
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

    /// <summary>Whether both media types are the same, ignoring ASCII case (RFC 6838 section 4.2).</summary>
    /// <param name="other">The other media type.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(MediaType other) =>
        _value is null ? other._value is null : other._value is not null && Ascii.EqualsIgnoreCase(_value, other._value);

    /// <summary>Whether <paramref name="obj"/> is a <see cref="MediaType"/> equal to this one.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is MediaType other && Equals(other);

    /// <summary>A hash code that ignores ASCII case.</summary>
    /// <returns>The hash code; it varies between processes.</returns>
    public override int GetHashCode() => _value is null ? 0 : StringComparer.OrdinalIgnoreCase.GetHashCode(_value);

    /// <summary>Whether two media types are equal, ignoring ASCII case.</summary>
    /// <param name="left">The first media type.</param>
    /// <param name="right">The second media type.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(MediaType left, MediaType right) => left.Equals(right);

    /// <summary>Whether two media types differ, ignoring ASCII case.</summary>
    /// <param name="left">The first media type.</param>
    /// <param name="right">The second media type.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(MediaType left, MediaType right) => !left.Equals(right);

    private static void ThrowIfInvalid(ReadOnlySpan<char> text)
    {
        ParseFailure failure = Scan(text);
        if (failure.Failed)
        {
            throw new InvalidMediaTypeException(Field, text, failure, Rule);
        }
    }

    internal static ParseFailure Scan(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return ParseFailure.Whole("it is empty");
        }

        if (text.Length > MaxLength)
        {
            return ParseFailure.Whole("it is {length} characters long, and the longest media type is 255");
        }

        int slash = text.IndexOf('/');
        if (slash < 0)
        {
            return ParseFailure.Whole("it has no '/' between the type and the subtype");
        }

        ParseFailure failure = ScanName(text[..slash], "type");
        return failure.Failed ? failure : ScanName(text[(slash + 1)..], "subtype").Shift(slash + 1);
    }

    private static ParseFailure ScanName(ReadOnlySpan<char> name, string part)
    {
        if (name.IsEmpty)
        {
            return ParseFailure.Whole("the " + part + " is empty");
        }

        if (name.Length > MaxNameLength)
        {
            return ParseFailure.Whole("the " + part + " is longer than 127 characters");
        }

        if (!AsciiClasses.IsAlphanumeric(name[0]))
        {
            return ParseFailure.At(0, "character {char} cannot start the " + part + ": it starts with a letter or digit");
        }

        int bad = name.IndexOfAnyExcept(NameCharacters);
        if (bad < 0)
        {
            return ParseFailure.None;
        }

        return name[bad] == ';'
            ? ParseFailure.At(bad, "parameters (after {char}) are not part of a media type")
            : ParseFailure.At(bad, "character {char} is not allowed");
    }
}
