namespace TagImmutability;

/// <summary>
/// The manifest has no <c>mediaType</c> field and the caller gave no media type hint, so the kind of manifest cannot
/// be known. This is not a JSON error: the same bytes parse when a hint (ECR's <c>imageManifestMediaType</c>, an HTTP
/// <c>Content-Type</c>) is given. <see cref="ManifestInvalidException.Reason"/> is
/// <see cref="ManifestInvalidReason.MediaTypeMissing"/>.
/// </summary>
/// <remarks><b>Thread safety:</b> instances are immutable once thrown and safe to share.</remarks>
public sealed class ManifestMediaTypeMissingException : ManifestInvalidException
{
    /// <summary>Creates an exception with a default message.</summary>
    public ManifestMediaTypeMissingException()
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public ManifestMediaTypeMissingException(string? message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public ManifestMediaTypeMissingException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal ManifestMediaTypeMissingException(string detail, string rule)
        : base(ManifestInvalidReason.MediaTypeMissing, string.Empty, detail, rule, -1, null)
    {
    }
}
