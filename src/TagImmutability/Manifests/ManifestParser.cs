using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// Parses a manifest from the exact bytes that were pushed, with an optional media type hint, into a
/// <see cref="ParsedManifest"/>: the model, its kind and media type, and the digest and size of those bytes. The one
/// entry point for manifest content; see <c>docs/manifests.md</c> for everything it checks.
/// </summary>
/// <remarks>
/// <para>
/// <b>Media type.</b> It comes from the manifest's <c>mediaType</c> field when present, else from the hint (ECR's
/// <c>imageManifestMediaType</c>, an HTTP <c>Content-Type</c>). Neither is <see cref="ManifestInvalidReason.MediaTypeMissing"/>;
/// both, naming different types, is <see cref="ManifestInvalidReason.MediaTypeMismatch"/>. Comparison ignores ASCII
/// case and, for a <c>Content-Type</c> value, its parameters. Docker schema 1 is
/// <see cref="ManifestInvalidReason.Schema1NotSupported"/> and any other media type
/// <see cref="ManifestInvalidReason.UnsupportedMediaType"/>.
/// </para>
/// <para>
/// <b>Checks,</b> in order: size (before any byte is read), UTF-8, one JSON object with no comments, trailing commas,
/// byte order mark or trailing content, nesting depth, no duplicate key in any object, the media type, then the fields
/// of the kind per the OCI image spec. Unknown fields stay in the bytes and are ignored. Every failure is a
/// <see cref="ManifestInvalidException"/> naming the JSON path and the rule; no
/// <see cref="System.Text.Json.JsonException"/> or other exception escapes for bad input.
/// </para>
/// <para>
/// <b>Bytes.</b> The digest (sha256) and size are those of the content as given, never re-serialised. The content is
/// not copied unless <see cref="ManifestParserOptions.CopyContent"/> is set. Parsing is done with
/// <see cref="System.Text.Json.Utf8JsonReader"/> in two passes, without reflection or recursion over the input.
/// </para>
/// <para><b>Thread safety:</b> all members are stateless and safe to call from any thread.</para>
/// </remarks>
public static class ManifestParser
{
    /// <summary>Parses a manifest from its exact bytes, which must carry their own <c>mediaType</c> field.</summary>
    /// <param name="content">The manifest's exact bytes (UTF-8 JSON).</param>
    /// <returns>The parsed manifest with the digest and size of <paramref name="content"/>.</returns>
    /// <exception cref="ManifestInvalidException">
    /// The content is not a valid manifest; <see cref="ManifestInvalidReason.MediaTypeMissing"/> when it has no
    /// <c>mediaType</c> field (use an overload with a media type hint).
    /// </exception>
    public static ParsedManifest Parse(ReadOnlyMemory<byte> content) =>
        ParseCore(content, null, ManifestParserOptions.Default);

    /// <summary>Parses a manifest from its exact bytes and the media type given with them.</summary>
    /// <param name="content">The manifest's exact bytes (UTF-8 JSON).</param>
    /// <param name="mediaType">
    /// The media type given with the manifest (ECR's <c>imageManifestMediaType</c>); <see langword="null"/> or
    /// <c>default</c> when none was given.
    /// </param>
    /// <returns>The parsed manifest with the digest and size of <paramref name="content"/>.</returns>
    /// <exception cref="ManifestInvalidException">
    /// The content is not a valid manifest; <see cref="ManifestInvalidException.Reason"/> says which check failed,
    /// including why the media type could not be resolved (missing, mismatched, unsupported, schema 1).
    /// </exception>
    public static ParsedManifest Parse(ReadOnlyMemory<byte> content, MediaType? mediaType) =>
        ParseCore(content, NormalizeHint(mediaType), ManifestParserOptions.Default);

    /// <summary>Parses a manifest from its exact bytes and the media type given with them.</summary>
    /// <param name="content">The manifest's exact bytes (UTF-8 JSON).</param>
    /// <param name="mediaType">
    /// The media type given with the manifest (ECR's <c>imageManifestMediaType</c>); <see langword="null"/> or
    /// <c>default</c> when none was given.
    /// </param>
    /// <param name="options">Limits and choices; <see langword="null"/> for <see cref="ManifestParserOptions.Default"/>.</param>
    /// <returns>The parsed manifest with the digest and size of <paramref name="content"/>.</returns>
    /// <exception cref="ManifestInvalidException">
    /// The content is not a valid manifest; <see cref="ManifestInvalidException.Reason"/> says which check failed,
    /// including why the media type could not be resolved (missing, mismatched, unsupported, schema 1).
    /// </exception>
    public static ParsedManifest Parse(ReadOnlyMemory<byte> content, MediaType? mediaType, ManifestParserOptions? options) =>
        ParseCore(content, NormalizeHint(mediaType), options ?? ManifestParserOptions.Default);

    /// <summary>Parses a manifest from its exact bytes, with the HTTP <c>Content-Type</c> (or any media type text) it came with.</summary>
    /// <param name="content">The manifest's exact bytes (UTF-8 JSON).</param>
    /// <param name="contentType">
    /// A media type, or a <c>Content-Type</c> header value whose parameters (<c>; charset=utf-8</c>) are ignored;
    /// <see langword="null"/>, empty or whitespace when none was given.
    /// </param>
    /// <returns>The parsed manifest with the digest and size of <paramref name="content"/>.</returns>
    /// <exception cref="ManifestInvalidException">
    /// The content is not a valid manifest, or <paramref name="contentType"/> is not a media type
    /// (<see cref="ManifestInvalidReason.InvalidMediaTypeHint"/>).
    /// </exception>
    public static ParsedManifest Parse(ReadOnlyMemory<byte> content, string? contentType) => Parse(content, contentType, null);

    /// <summary>Parses a manifest from its exact bytes, with the HTTP <c>Content-Type</c> (or any media type text) it came with.</summary>
    /// <param name="content">The manifest's exact bytes (UTF-8 JSON).</param>
    /// <param name="contentType">
    /// A media type, or a <c>Content-Type</c> header value whose parameters (<c>; charset=utf-8</c>) are ignored;
    /// <see langword="null"/>, empty or whitespace when none was given.
    /// </param>
    /// <param name="options">Limits and choices; <see langword="null"/> for <see cref="ManifestParserOptions.Default"/>.</param>
    /// <returns>The parsed manifest with the digest and size of <paramref name="content"/>.</returns>
    /// <exception cref="ManifestInvalidException">
    /// The content is not a valid manifest, or <paramref name="contentType"/> is not a media type
    /// (<see cref="ManifestInvalidReason.InvalidMediaTypeHint"/>).
    /// </exception>
    public static ParsedManifest Parse(ReadOnlyMemory<byte> content, string? contentType, ManifestParserOptions? options) =>
        ParseCore(content, HintFromContentType(contentType), options ?? ManifestParserOptions.Default);

    /// <summary>Tries to parse a manifest from its exact bytes, without a media type hint; never throws.</summary>
    /// <param name="content">The manifest's exact bytes (UTF-8 JSON).</param>
    /// <param name="manifest">The parsed manifest, or <see langword="null"/> on failure.</param>
    /// <param name="error">Why the content was refused, or <see langword="null"/> on success.</param>
    /// <returns><see langword="true"/> when the content is a valid manifest.</returns>
    public static bool TryParse(
        ReadOnlyMemory<byte> content,
        [NotNullWhen(true)] out ParsedManifest? manifest,
        [NotNullWhen(false)] out ManifestInvalidException? error) =>
        TryParse(content, (MediaType?)null, null, out manifest, out error);

    /// <summary>Tries to parse a manifest from its exact bytes; never throws.</summary>
    /// <param name="content">The manifest's exact bytes (UTF-8 JSON).</param>
    /// <param name="mediaType">The media type given with the manifest; <see langword="null"/> or <c>default</c> when none was given.</param>
    /// <param name="options">Limits and choices; <see langword="null"/> for <see cref="ManifestParserOptions.Default"/>.</param>
    /// <param name="manifest">The parsed manifest, or <see langword="null"/> on failure.</param>
    /// <param name="error">Why the content was refused (the exception <see cref="Parse(ReadOnlyMemory{byte}, MediaType?, ManifestParserOptions?)"/> would throw), or <see langword="null"/> on success.</param>
    /// <returns><see langword="true"/> when the content is a valid manifest.</returns>
    public static bool TryParse(
        ReadOnlyMemory<byte> content,
        MediaType? mediaType,
        ManifestParserOptions? options,
        [NotNullWhen(true)] out ParsedManifest? manifest,
        [NotNullWhen(false)] out ManifestInvalidException? error)
    {
        try
        {
            manifest = ParseCore(content, NormalizeHint(mediaType), options ?? ManifestParserOptions.Default);
            error = null;
            return true;
        }
        catch (ManifestInvalidException exception)
        {
            manifest = null;
            error = exception;
            return false;
        }
    }

    /// <summary>Tries to parse a manifest from its exact bytes, with the <c>Content-Type</c> it came with; never throws.</summary>
    /// <param name="content">The manifest's exact bytes (UTF-8 JSON).</param>
    /// <param name="contentType">A media type or <c>Content-Type</c> value (parameters ignored); <see langword="null"/>, empty or whitespace when none was given.</param>
    /// <param name="options">Limits and choices; <see langword="null"/> for <see cref="ManifestParserOptions.Default"/>.</param>
    /// <param name="manifest">The parsed manifest, or <see langword="null"/> on failure.</param>
    /// <param name="error">Why the content or the content type was refused, or <see langword="null"/> on success.</param>
    /// <returns><see langword="true"/> when the content is a valid manifest.</returns>
    public static bool TryParse(
        ReadOnlyMemory<byte> content,
        string? contentType,
        ManifestParserOptions? options,
        [NotNullWhen(true)] out ParsedManifest? manifest,
        [NotNullWhen(false)] out ManifestInvalidException? error)
    {
        MediaType? hint;
        try
        {
            hint = HintFromContentType(contentType);
        }
        catch (ManifestInvalidException exception)
        {
            manifest = null;
            error = exception;
            return false;
        }

        return TryParse(content, hint, options, out manifest, out error);
    }

    /// <summary>The manifest kind a media type names, ignoring ASCII case.</summary>
    /// <param name="mediaType">A media type.</param>
    /// <param name="kind">The kind, or <see cref="ManifestKind.None"/> when the media type is not one of the four supported manifest media types.</param>
    /// <returns><see langword="true"/> for a supported manifest media type.</returns>
    public static bool TryGetKind(MediaType mediaType, out ManifestKind kind)
    {
        kind = mediaType.IsDefault ? ManifestKind.None
            : mediaType == MediaType.OciImageManifest ? ManifestKind.OciImageManifest
            : mediaType == MediaType.OciImageIndex ? ManifestKind.OciImageIndex
            : mediaType == MediaType.DockerManifestV2 ? ManifestKind.DockerManifestV2
            : mediaType == MediaType.DockerManifestList ? ManifestKind.DockerManifestList
            : ManifestKind.None;
        return kind != ManifestKind.None;
    }

    private static ParsedManifest ParseCore(ReadOnlyMemory<byte> content, MediaType? hint, ManifestParserOptions options)
    {
        ReadOnlySpan<byte> bytes = content.Span;
        if (bytes.Length > options.MaxSizeInBytes)
        {
            throw ManifestInvalidException.Create(
                ManifestInvalidReason.TooLarge,
                string.Empty,
                "the manifest is " + bytes.Length.ToString(CultureInfo.InvariantCulture) + " bytes, more than the limit of "
                    + options.MaxSizeInBytes.ToString(CultureInfo.InvariantCulture),
                ManifestRules.MaxSize);
        }

        if (bytes.IsEmpty)
        {
            throw ManifestInvalidException.Create(ManifestInvalidReason.InvalidJson, string.Empty, "the manifest is empty", ManifestRules.Json);
        }

        if (!Utf8.IsValid(bytes))
        {
            throw ManifestInvalidException.Create(
                ManifestInvalidReason.InvalidUtf8,
                string.Empty,
                "the manifest is not valid UTF-8",
                ManifestRules.Utf8,
                FirstInvalidUtf8(bytes));
        }

        if (bytes.StartsWith("\uFEFF"u8))
        {
            throw ManifestInvalidException.Create(
                ManifestInvalidReason.InvalidJson,
                string.Empty,
                "the manifest starts with a byte order mark (EF BB BF), which JSON text must not have",
                ManifestRules.Json,
                0);
        }

        TopLevelFields fields = ManifestJsonScanner.Scan(bytes, options.MaxDepth);
        Manifest manifest;
        try
        {
            manifest = new ManifestModelReader(content, fields, options.MaxDepth).Read(hint);
        }
        catch (System.Text.Json.JsonException exception)
        {
            // Unreachable after the first pass proved the JSON well-formed; kept so no JsonException can ever escape.
            throw ManifestInvalidException.Create(
                ManifestInvalidReason.InvalidJson, string.Empty, "the manifest is not valid JSON: " + exception.Message, ManifestRules.Json, -1, exception);
        }

        return new ParsedManifest(manifest, Digest.Compute(bytes), options.CopyContent ? content.ToArray() : content);
    }

    private static MediaType? NormalizeHint(MediaType? mediaType) => mediaType is { IsDefault: false } ? mediaType : null;

    // A Content-Type value is a media type optionally followed by parameters: type/subtype *( OWS ";" OWS parameter ).
    private static MediaType? HintFromContentType(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        ReadOnlySpan<char> text = contentType;
        int semicolon = text.IndexOf(';');
        if (semicolon >= 0)
        {
            text = text[..semicolon];
        }

        text = text.Trim(" \t");
        if (text.IsEmpty && string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        if (MediaType.TryParse(text, out MediaType mediaType))
        {
            return mediaType;
        }

        throw ManifestInvalidException.Create(
            ManifestInvalidReason.InvalidMediaTypeHint,
            string.Empty,
            "the media type given with the manifest, " + ManifestText.Quote(contentType) + ", is not a media type: "
                + ManifestText.Detail(MediaType.Scan(text), text),
            ManifestRules.MediaTypeGrammar);
    }

    private static long FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }
}
