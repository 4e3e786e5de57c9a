namespace TagImmutability;

/// <summary>Why <see cref="ManifestParser"/> refused a manifest; carried by <see cref="ManifestInvalidException.Reason"/>.</summary>
/// <remarks>
/// The value says which check failed; <see cref="ManifestInvalidException.JsonPath"/> says where and
/// <see cref="ManifestInvalidException.Rule"/> says which rule, with its source. See <c>docs/manifests.md</c>.
/// </remarks>
public enum ManifestInvalidReason
{
    /// <summary>No reason was given: the exception was created with one of its public constructors.</summary>
    Unspecified = 0,

    /// <summary>The content is larger than <see cref="ManifestParserOptions.MaxSizeInBytes"/> (4 MiB by default).</summary>
    TooLarge = 1,

    /// <summary>The content is not valid UTF-8 (RFC 8259 section 8.1).</summary>
    InvalidUtf8 = 2,

    /// <summary>
    /// The content is not one JSON value: empty, truncated, a syntax error, a comment, a trailing comma, a byte order
    /// mark, content after the value, or a string holding an escaped lone surrogate.
    /// </summary>
    InvalidJson = 3,

    /// <summary>Objects and arrays are nested deeper than <see cref="ManifestParserOptions.MaxDepth"/>.</summary>
    TooDeep = 4,

    /// <summary>An object has the same key twice (RFC 8259 section 4 says names SHOULD be unique; a registry must not guess which one wins).</summary>
    DuplicateKey = 5,

    /// <summary>A required field is missing.</summary>
    MissingField = 6,

    /// <summary>A field has the wrong JSON type, such as a number where a string is required, or <c>null</c>.</summary>
    WrongType = 7,

    /// <summary>A field has the right type but a value the spec forbids: a malformed digest, a negative size, a <c>schemaVersion</c> other than 2.</summary>
    InvalidValue = 8,

    /// <summary>A field of the other manifest kind is present (<c>manifests</c> in an image manifest, <c>config</c> or <c>layers</c> in an index), which would make the document ambiguous.</summary>
    UnexpectedField = 9,

    /// <summary>
    /// Neither the manifest's <c>mediaType</c> field nor the caller's hint gives a media type. Not a JSON error: the same
    /// bytes parse when a hint (ECR's <c>imageManifestMediaType</c>, an HTTP <c>Content-Type</c>) is given.
    /// </summary>
    MediaTypeMissing = 10,

    /// <summary>
    /// The manifest's <c>mediaType</c> field and the caller's hint name different media types (compared ignoring ASCII
    /// case and the hint's parameters); the message names both.
    /// </summary>
    MediaTypeMismatch = 11,

    /// <summary>The caller's media type hint is not a media type.</summary>
    InvalidMediaTypeHint = 12,

    /// <summary>
    /// The media type is not one of the four manifest media types this library parses:
    /// <see cref="MediaType.OciImageManifest"/>, <see cref="MediaType.OciImageIndex"/>,
    /// <see cref="MediaType.DockerManifestV2"/>, <see cref="MediaType.DockerManifestList"/>.
    /// </summary>
    UnsupportedMediaType = 13,

    /// <summary>
    /// The manifest is a deprecated Docker image manifest v2 schema 1 (by its media type, or by
    /// <c>"schemaVersion": 1</c> when no media type is given), which is not supported.
    /// </summary>
    Schema1NotSupported = 14,
}
