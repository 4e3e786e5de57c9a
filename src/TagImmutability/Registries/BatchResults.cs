using System.Collections.Immutable;

namespace TagImmutability;

/// <summary>One image returned by <see cref="Registry.BatchGetImage"/>: the id as ECR reports it, and the image.</summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class RetrievedImage
{
    internal RetrievedImage(ImageId imageId, ImageDetail image)
    {
        ImageId = imageId;
        Image = image;
    }

    /// <summary>
    /// ECR's <c>imageId</c>: the digest, and the tag when the image was asked for by tag. An image asked for by digest
    /// alone carries no tag, however many it has (decision Q9).
    /// </summary>
    public ImageId ImageId { get; }

    /// <summary>The image, with its exact manifest bytes.</summary>
    public ImageDetail Image { get; }
}

/// <summary>What <see cref="Registry.BatchGetImage"/> returns: the images found and a failure for each id that was not.</summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class BatchGetImageResult
{
    internal BatchGetImageResult(ImmutableArray<RetrievedImage> images, ImmutableArray<ImageFailure> failures)
    {
        Images = images;
        Failures = failures;
    }

    /// <summary>ECR's <c>images</c>, in the order of the request.</summary>
    public ImmutableArray<RetrievedImage> Images { get; }

    /// <summary>ECR's <c>failures</c>, in the order of the request.</summary>
    public ImmutableArray<ImageFailure> Failures { get; }
}

/// <summary>What <see cref="Registry.BatchDeleteImage"/> returns: what was deleted and a failure for each id that was not.</summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class BatchDeleteImageResult
{
    internal BatchDeleteImageResult(ImmutableArray<ImageId> imageIds, ImmutableArray<ImageFailure> failures)
    {
        ImageIds = imageIds;
        Failures = failures;
    }

    /// <summary>
    /// ECR's <c>imageIds</c>: one <c>{digest, tag}</c> per tag removed, or <c>{digest}</c> alone for an untagged image
    /// deleted by digest.
    /// </summary>
    public ImmutableArray<ImageId> ImageIds { get; }

    /// <summary>ECR's <c>failures</c>, in the order of the request.</summary>
    public ImmutableArray<ImageFailure> Failures { get; }
}
