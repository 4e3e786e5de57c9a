namespace TagImmutability;

/// <summary>ECR's <c>ImageFailureCode</c>: why one image id of a batch call failed (ECR API reference). The names are ECR's.</summary>
public enum ImageFailureCode
{
    /// <summary><c>InvalidImageDigest</c>: the digest is malformed.</summary>
    InvalidImageDigest = 0,

    /// <summary><c>InvalidImageTag</c>: the tag is malformed.</summary>
    InvalidImageTag = 1,

    /// <summary><c>ImageTagDoesNotMatchDigest</c>: the tag and the digest both exist but name different images (decision Q7).</summary>
    ImageTagDoesNotMatchDigest = 2,

    /// <summary><c>ImageNotFound</c>: no image has that tag or digest.</summary>
    ImageNotFound = 3,

    /// <summary><c>MissingDigestAndTag</c>: the id has neither a digest nor a tag.</summary>
    MissingDigestAndTag = 4,

    /// <summary><c>ImageReferencedByManifestList</c>: an image index in the repository references the image, so it cannot be deleted.</summary>
    ImageReferencedByManifestList = 5,
}
