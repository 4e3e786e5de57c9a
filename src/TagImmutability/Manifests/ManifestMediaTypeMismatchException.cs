namespace TagImmutability;

/// <summary>
/// The manifest's <c>mediaType</c> field and the caller's media type hint name different media types (compared
/// ignoring ASCII case and the hint's parameters). The message names both.
/// <see cref="ManifestInvalidException.Reason"/> is <see cref="ManifestInvalidReason.MediaTypeMismatch"/>.
/// </summary>
/// <remarks><b>Thread safety:</b> instances are immutable once thrown and safe to share.</remarks>
public sealed class ManifestMediaTypeMismatchException : ManifestInvalidException
{
    /// <summary>Creates an exception with a default message and default media types.</summary>
    public ManifestMediaTypeMismatchException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> and default media types.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public ManifestMediaTypeMismatchException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public ManifestMediaTypeMismatchException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal ManifestMediaTypeMismatchException(MediaType declared, MediaType hint, string detail, string rule, long byteOffset)
        : base(ManifestInvalidReason.MediaTypeMismatch, "mediaType", detail, rule, byteOffset, null)
    {
        DeclaredMediaType = declared;
        HintMediaType = hint;
    }

    /// <summary>The media type in the manifest's <c>mediaType</c> field; <c>default</c> when created with a public constructor.</summary>
    public MediaType DeclaredMediaType { get; }

    /// <summary>The media type the caller gave as a hint, without parameters; <c>default</c> when created with a public constructor.</summary>
    public MediaType HintMediaType { get; }
}
