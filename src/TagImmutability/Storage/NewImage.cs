using System.Collections.Immutable;

namespace TagImmutability.Storage;

/// <summary>An image a write adds to a repository (<see cref="RepositoryChange.AddedImages"/>), before the store numbers it.</summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class NewImage
{
    /// <summary>Creates the image.</summary>
    /// <param name="digest">The sha256 digest of <paramref name="manifest"/>'s exact bytes.</param>
    /// <param name="manifest">The exact manifest bytes (kept as given; never re-serialised).</param>
    /// <param name="mediaType">The manifest's media type.</param>
    /// <param name="sizeInBytes">ECR's <c>imageSizeInBytes</c>, in bytes.</param>
    /// <param name="pushedAt">ECR's <c>imagePushedAt</c> (any offset; kept as UTC).</param>
    /// <param name="referencedDigests">For an image index, the digests of the manifests it references; empty otherwise.</param>
    /// <exception cref="ArgumentException"><paramref name="digest"/> or <paramref name="mediaType"/> is the default value, or <paramref name="manifest"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sizeInBytes"/> is negative.</exception>
    public NewImage(Digest digest, ReadOnlyMemory<byte> manifest, MediaType mediaType, long sizeInBytes, DateTimeOffset pushedAt, ImmutableArray<Digest> referencedDigests)
    {
        if (digest.IsDefault || mediaType.IsDefault || manifest.IsEmpty)
        {
            throw new ArgumentException("an image needs a digest, a media type and at least one byte of manifest", digest.IsDefault ? nameof(digest) : mediaType.IsDefault ? nameof(mediaType) : nameof(manifest));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(sizeInBytes);
        Digest = digest;
        Manifest = manifest;
        MediaType = mediaType;
        SizeInBytes = sizeInBytes;
        PushedAt = pushedAt.ToUniversalTime();
        ReferencedDigests = referencedDigests.IsDefault ? [] : referencedDigests;
    }

    /// <summary>The image's digest.</summary>
    public Digest Digest { get; }

    /// <summary>The exact manifest bytes.</summary>
    public ReadOnlyMemory<byte> Manifest { get; }

    /// <summary>The manifest's media type.</summary>
    public MediaType MediaType { get; }

    /// <summary>ECR's <c>imageSizeInBytes</c>, in bytes.</summary>
    public long SizeInBytes { get; }

    /// <summary>ECR's <c>imagePushedAt</c>, in UTC.</summary>
    public DateTimeOffset PushedAt { get; }

    /// <summary>For an image index, the digests it references, in order; each must be in the repository when the write commits.</summary>
    public ImmutableArray<Digest> ReferencedDigests { get; }

    /// <summary>The digest.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Digest.ToString();
}
