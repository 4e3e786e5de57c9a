using System.Diagnostics.CodeAnalysis;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// An image reference as Docker and the CNCF distribution project write it:
/// <c>[registry-host[:port]/]repository[:tag][@digest]</c>, such as <c>registry.example:5000/team/app:1.2</c> or
/// <c>alpine@sha256:…</c>.
/// </summary>
/// <remarks>
/// <para>
/// The grammar is distribution/reference's (reference.go, regexp.go). The first path component is the registry host
/// only when the reference has a <c>/</c> and that component contains <c>.</c> or <c>:</c>, is <c>localhost</c>,
/// or has an uppercase letter. A host is a domain name (components of <c>[a-zA-Z0-9]</c> and inner <c>-</c>), an
/// IPv4 address, or an IPv6 literal in brackets, with an optional decimal port. The repository is an OCI-profile
/// <see cref="RepositoryName"/> (at most 255 characters), the tag an OCI-profile <see cref="TagImmutability.Tag"/>,
/// the digest a <see cref="TagImmutability.Digest"/> (so, unlike distribution/reference, only sha256 and sha512 in
/// lowercase hex). A host is capped at 255 characters and a reference at <see cref="MaxLength"/>.
/// </para>
/// <para>
/// Nothing is implied: <c>alpine</c> has no registry and no tag. <see cref="NormalizeDockerHub"/> applies Docker
/// Hub's defaults explicitly. Equality compares every part ordinally.
/// </para>
/// <para><c>default(ImageReference)</c> is not a reference: <see cref="IsDefault"/> is <see langword="true"/>.</para>
/// <para><b>Thread safety:</b> an immutable value; safe to share between threads.</para>
/// </remarks>
public readonly struct ImageReference :
    IEquatable<ImageReference>,
    ISpanParsable<ImageReference>,
    IUtf8SpanParsable<ImageReference>,
    ISpanFormattable,
    IUtf8SpanFormattable
{
    /// <summary>
    /// The longest input considered, in characters: 1024, a round bound above the longest valid reference (776: host
    /// 255, path 255, tag 128, digest 135, and separators). Longer input is rejected before it is scanned.
    /// </summary>
    public const int MaxLength = 1024;

    /// <summary>The longest registry host (with its port), in characters: 255.</summary>
    public const int MaxRegistryLength = 255;

    /// <summary>Docker Hub's canonical registry host, <c>docker.io</c>.</summary>
    public const string DockerHubRegistry = "docker.io";

    private const string Field = "image reference";
    private const string Rule = "[host[:port]/]repository[:tag][@digest] (distribution/reference grammar; OCI repository name, tag and digest)";
    private const string RegistryRule =
        "host[:port], host a domain name of [a-zA-Z0-9] components with inner '-', or [IPv6], port [0-9]+ (distribution/reference domain grammar)";

    private readonly string? _registry;
    private readonly RepositoryName _repository;
    private readonly Tag _tag;
    private readonly Digest _digest;

    /// <summary>Creates a reference from its parts.</summary>
    /// <param name="registry">The registry host with an optional port, such as <c>localhost:5000</c>; <see langword="null"/> for none.</param>
    /// <param name="repository">The repository name; not the default value.</param>
    /// <param name="tag">The tag, or <see langword="null"/>.</param>
    /// <param name="digest">The digest, or <see langword="null"/>.</param>
    /// <exception cref="InvalidReferenceException"><paramref name="registry"/> is not a valid host.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="repository"/>, <paramref name="tag"/> or <paramref name="digest"/> is a default value; the
    /// repository or tag is valid only in the ECR profile (a reference uses the OCI grammar); <paramref name="registry"/>
    /// does not look like a host (no <c>.</c> or <c>:</c>, not <c>localhost</c>, no uppercase letter), so it would read
    /// back as a path component; or
    /// <paramref name="registry"/> is <see langword="null"/> and the repository's first component looks like a host
    /// (contains <c>.</c> or is <c>localhost</c>), so the text form would not read back as the same reference.
    /// </exception>
    public ImageReference(string? registry, RepositoryName repository, Tag? tag, Digest? digest)
    {
        if (registry is not null)
        {
            ParseFailure failure = ScanRegistry(registry);
            if (failure.Failed)
            {
                throw new InvalidReferenceException("registry", registry, failure, RegistryRule);
            }
        }

        if (registry is not null && !IsRegistry(registry))
        {
            throw new ArgumentException(
                $"registry '{registry}' would read back as the first path component: a registry host contains '.' or ':', is 'localhost', or has an uppercase letter",
                nameof(registry));
        }

        if (repository.IsDefault)
        {
            throw new ArgumentException("repository is default(RepositoryName), which is not a repository name", nameof(repository));
        }

        if (!RepositoryName.IsValid(repository.Value, GrammarProfile.Oci))
        {
            throw new ArgumentException($"repository '{repository}' is not an OCI repository name (at most 255 characters): references use the OCI grammar", nameof(repository));
        }

        if (tag is { IsDefault: false } t && !TagImmutability.Tag.IsValid(t.Value, GrammarProfile.Oci))
        {
            throw new ArgumentException($"tag '{t}' is not an OCI tag: references use the OCI grammar [a-zA-Z0-9_][a-zA-Z0-9._-]{{0,127}}", nameof(tag));
        }

        if (registry is null && repository.Value.IndexOf('/', StringComparison.Ordinal) is int slash and >= 0 && IsRegistry(repository.Value.AsSpan(0, slash)))
        {
            throw new ArgumentException(
                $"repository '{repository.Value}' without a registry would read back as registry '{repository.Value[..slash]}': pass the registry explicitly",
                nameof(repository));
        }

        if (tag is { IsDefault: true })
        {
            throw new ArgumentException("tag is default(Tag), which is not a tag: pass null for no tag", nameof(tag));
        }

        if (digest is { IsDefault: true })
        {
            throw new ArgumentException("digest is default(Digest), which names no content: pass null for no digest", nameof(digest));
        }

        _registry = registry;
        _repository = repository;
        _tag = tag.GetValueOrDefault();
        _digest = digest.GetValueOrDefault();
    }

    private ImageReference(string? registry, RepositoryName repository, Tag tag, Digest digest, bool trusted)
    {
        _ = trusted;
        _registry = registry;
        _repository = repository;
        _tag = tag;
        _digest = digest;
    }

    /// <summary>The registry host with its optional port, such as <c>ghcr.io</c> or <c>[::1]:5000</c>; <see langword="null"/> when the reference names none.</summary>
    public string? Registry => _registry;

    /// <summary>The repository name (the path).</summary>
    public RepositoryName Repository => _repository;

    /// <summary>The tag, or <see langword="null"/> when the reference has none.</summary>
    public Tag? Tag => _tag.IsDefault ? null : _tag;

    /// <summary>The digest, or <see langword="null"/> when the reference has none.</summary>
    public Digest? Digest => _digest.IsDefault ? null : _digest;

    /// <summary>Whether this is <c>default(ImageReference)</c>, which is not a reference.</summary>
    public bool IsDefault => _repository.IsDefault;

    /// <summary>
    /// Applies Docker Hub's defaults, as <c>docker pull</c> does: no registry (or the legacy <c>index.docker.io</c>)
    /// becomes <c>docker.io</c>; a one-component repository on Docker Hub gains the <c>library/</c> prefix; a
    /// reference with neither tag nor digest gains the tag <c>latest</c>.
    /// </summary>
    /// <returns>The normalized reference; equal to this one when it was already normal.</returns>
    /// <exception cref="InvalidOperationException">This is the default value.</exception>
    /// <exception cref="InvalidReferenceException">
    /// The <c>library/</c> prefix would make the path longer than 255 characters; or the reference has no registry and
    /// its name is 64 lowercase hex characters, which Docker reads as an image id (distribution/reference
    /// <c>ParseNormalizedNamed</c>).
    /// </exception>
    public ImageReference NormalizeDockerHub()
    {
        if (IsDefault)
        {
            throw new InvalidOperationException("default(ImageReference) is not a reference and cannot be normalized");
        }

        if (_registry is null && _repository.Length == 64 && !_repository.Value.AsSpan().ContainsAnyExcept(AsciiClasses.LowerHex))
        {
            throw new InvalidReferenceException(
                Field,
                _repository.Value,
                ParseFailure.Whole("a name of 64 hex characters is an image id, not a repository name, on Docker Hub"),
                Rule);
        }

        string registry = _registry is null or "index.docker.io" ? DockerHubRegistry : _registry;
        RepositoryName repository = _repository;
        if (registry == DockerHubRegistry && !repository.Value.Contains('/', StringComparison.Ordinal))
        {
            string path = "library/" + repository.Value;
            ParseFailure failure = RepositoryName.Scan(path, GrammarProfile.Oci);
            if (failure.Failed)
            {
                throw new InvalidReferenceException(Field, registry + "/" + path, failure.In("repository name", path.Length, RepositoryName.OciRule), Rule);
            }

            repository = RepositoryName.Parse(path);
        }

        Tag tag = _tag.IsDefault && _digest.IsDefault ? TagImmutability.Tag.Parse("latest") : _tag;
        return new ImageReference(registry, repository, tag, _digest, trusted: true);
    }

    /// <summary>Parses a reference.</summary>
    /// <param name="text">The text, at most <see cref="MaxLength"/> characters.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidReferenceException"><paramref name="text"/> does not match the reference grammar.</exception>
    public static ImageReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan());
    }

    /// <summary>Parses a reference from UTF-16 characters.</summary>
    /// <param name="text">The text, at most <see cref="MaxLength"/> characters.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="InvalidReferenceException"><paramref name="text"/> does not match the reference grammar.</exception>
    public static ImageReference Parse(ReadOnlySpan<char> text)
    {
        ParseFailure failure = ParseCore(text, out ImageReference reference);
        return failure.Failed ? throw new InvalidReferenceException(Field, text, failure, Rule) : reference;
    }

    /// <summary>Parses a reference from UTF-8 bytes.</summary>
    /// <param name="utf8Text">The UTF-8 text, at most <see cref="MaxLength"/> bytes.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="InvalidReferenceException"><paramref name="utf8Text"/> does not match the reference grammar.</exception>
    public static ImageReference Parse(ReadOnlySpan<byte> utf8Text) =>
        AsciiClasses.ParseUtf8(utf8Text, MaxLength, 0, static (text, _) => Parse(text));

    /// <summary>Tries to parse a reference; never throws.</summary>
    /// <param name="text">The text; <see langword="null"/> gives <see langword="false"/>.</param>
    /// <param name="reference">The reference, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out ImageReference reference)
    {
        if (text is null)
        {
            reference = default;
            return false;
        }

        return TryParse(text.AsSpan(), out reference);
    }

    /// <summary>Tries to parse a reference from UTF-16 characters; never throws.</summary>
    /// <param name="text">The text.</param>
    /// <param name="reference">The reference, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out ImageReference reference) => !ParseCore(text, out reference).Failed;

    /// <summary>Tries to parse a reference from UTF-8 bytes; never throws.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="reference">The reference, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Text, out ImageReference reference) =>
        AsciiClasses.TryParseUtf8(utf8Text, MaxLength, 0, static (ReadOnlySpan<char> text, int _, out ImageReference value) => TryParse(text, out value), out reference);

    /// <inheritdoc cref="Parse(string)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    static ImageReference IParsable<ImageReference>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(string, out ImageReference)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <param name="result">The reference.</param>
    static bool IParsable<ImageReference>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ImageReference result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    static ImageReference ISpanParsable<ImageReference>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out ImageReference)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored.</param>
    /// <param name="result">The reference.</param>
    static bool ISpanParsable<ImageReference>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out ImageReference result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored.</param>
    static ImageReference IUtf8SpanParsable<ImageReference>.Parse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider) => Parse(utf8Text);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, out ImageReference)"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored.</param>
    /// <param name="result">The reference.</param>
    static bool IUtf8SpanParsable<ImageReference>.TryParse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider, out ImageReference result) => TryParse(utf8Text, out result);

    /// <summary>Writes <c>[registry/]repository[:tag][@digest]</c> as UTF-16 characters.</summary>
    /// <param name="destination">The buffer.</param>
    /// <param name="charsWritten">The number of characters written; 0 when the buffer is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        int length = 0;
        if (_registry is not null)
        {
            if (!Append(destination, ref length, _registry) || !Append(destination, ref length, "/"))
            {
                return false;
            }
        }

        if (!Append(destination, ref length, _repository.Value))
        {
            return false;
        }

        if (!_tag.IsDefault && (!Append(destination, ref length, ":") || !Append(destination, ref length, _tag.Value)))
        {
            return false;
        }

        if (!_digest.IsDefault)
        {
            if (!Append(destination, ref length, "@") || !_digest.TryFormat(destination[length..], out int written))
            {
                return false;
            }

            length += written;
        }

        charsWritten = length;
        return true;
    }

    /// <summary>Writes <c>[registry/]repository[:tag][@digest]</c> as UTF-8 bytes.</summary>
    /// <param name="utf8Destination">The buffer.</param>
    /// <param name="bytesWritten">The number of bytes written; 0 when the buffer is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="utf8Destination"/> is too small.</returns>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten)
    {
        // Every part is ASCII, so a part's length in bytes is its length in characters; measuring first leaves a buffer
        // that is too small untouched.
        int length = (_registry is null ? 0 : _registry.Length + 1)
            + _repository.Length
            + (_tag.IsDefault ? 0 : 1 + _tag.Length)
            + (_digest.IsDefault ? 0 : 1 + _digest.TextLength);
        if (utf8Destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        Span<byte> rest = utf8Destination;
        if (_registry is not null)
        {
            AsciiClasses.TryEncodeAscii(_registry, rest, out int registryWritten);
            rest[registryWritten] = (byte)'/';
            rest = rest[(registryWritten + 1)..];
        }

        _repository.TryFormat(rest, out int repositoryWritten);
        rest = rest[repositoryWritten..];
        if (!_tag.IsDefault)
        {
            rest[0] = (byte)':';
            _tag.TryFormat(rest[1..], out int tagWritten);
            rest = rest[(1 + tagWritten)..];
        }

        if (!_digest.IsDefault)
        {
            rest[0] = (byte)'@';
            _digest.TryFormat(rest[1..], out _);
        }

        bytesWritten = length;
        return true;
    }

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

    /// <summary>The text form, <c>[registry/]repository[:tag][@digest]</c>; empty for the default value.</summary>
    /// <returns>The text form.</returns>
    public override string ToString()
    {
        Span<char> chars = stackalloc char[MaxLength];
        TryFormat(chars, out int written);
        return new string(chars[..written]);
    }

    /// <inheritdoc cref="ToString()"/>
    /// <param name="format">Empty, <see langword="null"/> or <c>G</c>.</param>
    /// <param name="formatProvider">Ignored.</param>
    /// <exception cref="FormatException"><paramref name="format"/> is not empty or <c>G</c>.</exception>
    string IFormattable.ToString(string? format, IFormatProvider? formatProvider)
    {
        FormatStrings.ThrowIfNotGeneral(format);
        return ToString();
    }

    /// <summary>Whether every part (registry, repository, tag, digest) is equal, compared ordinally.</summary>
    /// <param name="other">The other reference.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(ImageReference other) =>
        string.Equals(_registry, other._registry, StringComparison.Ordinal)
        && _repository.Equals(other._repository)
        && _tag.Equals(other._tag)
        && _digest.Equals(other._digest);

    /// <summary>Whether <paramref name="obj"/> is an <see cref="ImageReference"/> equal to this one.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is ImageReference other && Equals(other);

    /// <summary>A hash code over every part.</summary>
    /// <returns>The hash code; it varies between processes.</returns>
    public override int GetHashCode() =>
        HashCode.Combine(_registry is null ? 0 : StringComparer.Ordinal.GetHashCode(_registry), _repository, _tag, _digest);

    /// <summary>Whether two references are equal.</summary>
    /// <param name="left">The first reference.</param>
    /// <param name="right">The second reference.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(ImageReference left, ImageReference right) => left.Equals(right);

    /// <summary>Whether two references differ.</summary>
    /// <param name="left">The first reference.</param>
    /// <param name="right">The second reference.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(ImageReference left, ImageReference right) => !left.Equals(right);

    private static bool Append(Span<char> destination, ref int length, string text)
    {
        if (!text.AsSpan().TryCopyTo(destination[length..]))
        {
            return false;
        }

        length += text.Length;
        return true;
    }

    private static ParseFailure ParseCore(ReadOnlySpan<char> text, out ImageReference reference)
    {
        reference = default;
        ParseFailure failure = SplitCore(text, out Parts parts);
        if (failure.Failed)
        {
            return failure;
        }

        reference = new ImageReference(
            parts.Registry.Equals(default) ? null : text[parts.Registry].ToString(),
            RepositoryName.FromScanned(text[parts.Repository]),
            parts.Tag.Equals(default) ? default : TagImmutability.Tag.FromScanned(text[parts.Tag]),
            parts.Digest,
            trusted: true);
        return ParseFailure.None;
    }

    /// <summary>
    /// Checks <paramref name="text"/> against the grammar and finds its parts without allocating: the hot path of a
    /// registry resolving references (<see cref="Registry.TryResolve(ReadOnlySpan{char}, out TagImmutability.Digest)"/>).
    /// </summary>
    internal static bool TrySplit(ReadOnlySpan<char> text, out Parts parts) => !SplitCore(text, out parts).Failed;

    private static ParseFailure SplitCore(ReadOnlySpan<char> text, out Parts parts)
    {
        parts = default;
        if (text.IsEmpty)
        {
            return ParseFailure.Whole("it is empty");
        }

        if (text.Length > MaxLength)
        {
            return ParseFailure.Whole("it is {length} characters long, and the longest reference is 1024");
        }

        Digest digest = default;
        int at = text.IndexOf('@');
        ReadOnlySpan<char> name = at < 0 ? text : text[..at];
        if (at >= 0)
        {
            ParseFailure failure = TagImmutability.Digest.ParseCore(text[(at + 1)..], out digest);
            if (failure.Failed)
            {
                return failure.Shift(at + 1).In("digest", text.Length - at - 1, TagImmutability.Digest.Rule);
            }
        }

        Range tag = default;
        int lastSlash = name.LastIndexOf('/');
        int colon = name[(lastSlash + 1)..].IndexOf(':');
        if (colon >= 0)
        {
            colon += lastSlash + 1;
            ReadOnlySpan<char> tagText = name[(colon + 1)..];
            ParseFailure failure = TagImmutability.Tag.IsAccepted(tagText, GrammarProfile.Oci)
                ? ParseFailure.None
                : TagImmutability.Tag.Scan(tagText, GrammarProfile.Oci);
            if (failure.Failed)
            {
                return failure.Shift(colon + 1).In("tag", tagText.Length, TagImmutability.Tag.OciRule);
            }

            tag = new Range(colon + 1, name.Length);
            name = name[..colon];
        }

        Range registry = default;
        int pathStart = 0;
        int firstSlash = name.IndexOf('/');
        if (firstSlash >= 0 && IsRegistry(name[..firstSlash]))
        {
            ParseFailure failure = IsDomainHost(name[..firstSlash]) ? ParseFailure.None : ScanRegistry(name[..firstSlash]);
            if (failure.Failed)
            {
                return failure.In("registry host", firstSlash, RegistryRule);
            }

            registry = new Range(0, firstSlash);
            pathStart = firstSlash + 1;
        }

        ReadOnlySpan<char> path = name[pathStart..];
        ParseFailure pathFailure = RepositoryName.Scan(path, GrammarProfile.Oci);
        if (pathFailure.Failed)
        {
            return pathFailure.Shift(pathStart).In("repository name", path.Length, RepositoryName.OciRule);
        }

        parts = new Parts(registry, new Range(pathStart, name.Length), tag, digest);
        return ParseFailure.None;
    }

    /// <summary>Where a reference's parts are in its text; an absent registry or tag is <c>default(Range)</c>.</summary>
    internal readonly record struct Parts(Range Registry, Range Repository, Range Tag, Digest Digest);

    // distribution/reference splitDomain: the first component is a host only if it looks like one.
    private static bool IsRegistry(ReadOnlySpan<char> component) =>
        component.IndexOfAny('.', ':') >= 0
        || component.SequenceEqual("localhost")
        || component.ContainsAny(AsciiClasses.Upper);

    // The common registry host, a domain name with an optional port, accepted with a few vectorized searches instead of
    // ScanRegistry's character loop. It accepts only hosts ScanRegistry accepts: components of [a-zA-Z0-9-] that start
    // and end with a letter or digit are exactly a text of [a-zA-Z0-9.-] that starts and ends with a letter or digit
    // and has no "..", ".-" or "-.". Anything else (an IPv6 literal, an invalid host) goes to ScanRegistry.
    internal static bool IsDomainHost(ReadOnlySpan<char> host)
    {
        int colon = host.IndexOf(':');
        ReadOnlySpan<char> domain = colon < 0 ? host : host[..colon];
        return host.Length <= MaxRegistryLength
            && !domain.IsEmpty
            && AsciiClasses.IsAlphanumeric(domain[0])
            && AsciiClasses.IsAlphanumeric(domain[^1])
            && !domain.ContainsAnyExcept(AsciiClasses.HostName)
            && !domain.Contains("..", StringComparison.Ordinal)
            && !domain.Contains(".-", StringComparison.Ordinal)
            && !domain.Contains("-.", StringComparison.Ordinal)
            && (colon < 0 || IsPort(host[(colon + 1)..]));

        static bool IsPort(ReadOnlySpan<char> port) => !port.IsEmpty && !port.ContainsAnyExcept(AsciiClasses.Digits);
    }

    // host [':' port], host = domain-name | '[' IPv6 ']', domain components [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
    internal static ParseFailure ScanRegistry(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty)
        {
            return ParseFailure.Whole("the registry host is empty");
        }

        if (host.Length > MaxRegistryLength)
        {
            return ParseFailure.Whole("the registry host is longer than 255 characters");
        }

        int i = 0;
        if (host[0] == '[')
        {
            int close = host.IndexOf(']');
            if (close < 0)
            {
                return ParseFailure.At(0, "IPv6 literal {char} is not closed with ']'");
            }

            if (close == 1)
            {
                return ParseFailure.At(1, "IPv6 literal is empty");
            }

            for (i = 1; i < close; i++)
            {
                if (!char.IsAsciiHexDigit(host[i]) && host[i] != ':')
                {
                    return ParseFailure.At(i, "character {char} is not allowed in an IPv6 literal (hex digits and ':')");
                }
            }

            i = close + 1;
        }
        else
        {
            int componentStart = 0;
            for (; i < host.Length && host[i] != ':'; i++)
            {
                char c = host[i];
                if (AsciiClasses.IsAlphanumeric(c))
                {
                    continue;
                }

                if (c == '-' && i > componentStart)
                {
                    continue;
                }

                if (c == '.' && i > componentStart)
                {
                    if (host[i - 1] == '-')
                    {
                        return ParseFailure.At(i - 1, "a host name component cannot end with {char}");
                    }

                    componentStart = i + 1;
                    continue;
                }

                return ParseFailure.At(i, "character {char} is not allowed in a host name");
            }

            if (i == componentStart)
            {
                return ParseFailure.At(i, "a host name component is empty before {char}");
            }

            if (host[i - 1] == '-')
            {
                return ParseFailure.At(i - 1, "a host name component cannot end with {char}");
            }
        }

        if (i == host.Length)
        {
            return ParseFailure.None;
        }

        if (host[i] != ':')
        {
            return ParseFailure.At(i, "character {char} after the host is not allowed: a port follows ':'");
        }

        ReadOnlySpan<char> port = host[(i + 1)..];
        if (port.IsEmpty)
        {
            return ParseFailure.At(i, "the port after {char} is empty");
        }

        int bad = port.IndexOfAnyExcept(AsciiClasses.Digits);
        return bad < 0 ? ParseFailure.None : ParseFailure.At(i + 1 + bad, "character {char} is not allowed in a port (digits only)");
    }
}
