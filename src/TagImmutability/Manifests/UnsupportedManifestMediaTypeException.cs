namespace TagImmutability;

/// <summary>
/// The manifest's media type is not one this library parses: a deprecated Docker schema 1 manifest
/// (<see cref="ManifestInvalidReason.Schema1NotSupported"/>) or a media type that is not a manifest at all
/// (<see cref="ManifestInvalidReason.UnsupportedMediaType"/>). The supported media types are
/// <see cref="MediaType.OciImageManifest"/>, <see cref="MediaType.OciImageIndex"/>,
/// <see cref="MediaType.DockerManifestV2"/> and <see cref="MediaType.DockerManifestList"/>.
/// </summary>
/// <remarks><b>Thread safety:</b> instances are immutable once thrown and safe to share.</remarks>
public sealed class UnsupportedManifestMediaTypeException : ManifestInvalidException
{
    /// <summary>Creates an exception with a default message and a default media type.</summary>
    public UnsupportedManifestMediaTypeException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> and a default media type.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public UnsupportedManifestMediaTypeException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public UnsupportedManifestMediaTypeException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal UnsupportedManifestMediaTypeException(
        ManifestInvalidReason reason, MediaType mediaType, string jsonPath, string detail, string rule, long byteOffset)
        : base(reason, jsonPath, detail, rule, byteOffset, null)
    {
        MediaType = mediaType;
    }

    /// <summary>
    /// The refused media type; <c>default</c> when the manifest was recognised as schema 1 by its
    /// <c>schemaVersion</c> alone, or when created with a public constructor.
    /// </summary>
    public MediaType MediaType { get; }
}
