namespace TagImmutability;

/// <summary>
/// ECR's <c>ImageFailure</c>: one image id of a batch call that failed, with the failure code and ECR's reason text.
/// Reasons (specification section (b)): <c>Requested image not found</c>; <c>Invalid request parameters: both tag and
/// digest cannot be null</c>; <c>Invalid request parameters: image digest should satisfy the regex
/// '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'</c>; for the codes whose text ECR does not publish, our own sentence.
/// </summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class ImageFailure
{
    /// <summary>Creates a failure.</summary>
    /// <param name="imageId">The id as requested.</param>
    /// <param name="failureCode">The failure code.</param>
    /// <param name="failureReason">The reason, as ECR words it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="failureReason"/> is <see langword="null"/>.</exception>
    public ImageFailure(ImageId imageId, ImageFailureCode failureCode, string failureReason)
    {
        ArgumentNullException.ThrowIfNull(failureReason);
        ImageId = imageId;
        FailureCode = failureCode;
        FailureReason = failureReason;
    }

    /// <summary>The id as requested.</summary>
    public ImageId ImageId { get; }

    /// <summary>The failure code.</summary>
    public ImageFailureCode FailureCode { get; }

    /// <summary>The reason, as ECR words it.</summary>
    public string FailureReason { get; }

    /// <summary>The code and the reason.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{FailureCode}: {FailureReason} {ImageId}";

    internal const string NotFoundReason = "Requested image not found";

    internal const string MissingDigestAndTagReason = "Invalid request parameters: both tag and digest cannot be null";

    internal const string InvalidDigestReason = "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'";

    internal static ImageFailure NotFound(ImageId id) => new(id, ImageFailureCode.ImageNotFound, NotFoundReason);

    internal static ImageFailure MissingDigestAndTag(ImageId id) =>
        new(id, ImageFailureCode.MissingDigestAndTag, MissingDigestAndTagReason);

    internal static ImageFailure TagDoesNotMatchDigest(ImageId id, Digest tagged) =>
        new(id, ImageFailureCode.ImageTagDoesNotMatchDigest, $"Invalid request parameters: image tag '{id.Tag}' names image digest '{tagged}', not '{id.Digest}'");

    internal static ImageFailure ReferencedByManifestList(ImageId id, Digest index) =>
        new(id, ImageFailureCode.ImageReferencedByManifestList, $"Requested image is referenced by the manifest list '{index}' and cannot be deleted");
}
