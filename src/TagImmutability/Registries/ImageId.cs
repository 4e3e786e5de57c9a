using System.Diagnostics.CodeAnalysis;

namespace TagImmutability;

/// <summary>
/// ECR's <c>ImageIdentifier</c>: an image named by digest, by tag, or by both (then both must agree).
/// <c>default(ImageId)</c> has neither, which batch calls report as <see cref="ImageFailureCode.MissingDigestAndTag"/>.
/// </summary>
/// <remarks><b>Thread safety:</b> an immutable value; safe to share between threads.</remarks>
public readonly struct ImageId : IEquatable<ImageId>
{
    /// <summary>Creates an id from a digest, a tag, or both.</summary>
    /// <param name="digest">The digest, or <see langword="null"/>.</param>
    /// <param name="tag">The tag, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="digest"/> or <paramref name="tag"/> is a default value (pass <see langword="null"/> instead).</exception>
    public ImageId(Digest? digest, Tag? tag)
    {
        if (digest is { IsDefault: true } || tag is { IsDefault: true })
        {
            throw new ArgumentException("pass null, not a default value, for a missing digest or tag", digest is { IsDefault: true } ? nameof(digest) : nameof(tag));
        }

        Digest = digest;
        Tag = tag;
    }

    /// <summary>The digest, or <see langword="null"/>.</summary>
    public Digest? Digest { get; }

    /// <summary>The tag, or <see langword="null"/>.</summary>
    public Tag? Tag { get; }

    /// <summary>An id by digest alone.</summary>
    /// <param name="digest">The digest.</param>
    /// <returns>The id.</returns>
    public static ImageId ForDigest(Digest digest) => new(digest, null);

    /// <summary>An id by tag alone.</summary>
    /// <param name="tag">The tag.</param>
    /// <returns>The id.</returns>
    public static ImageId ForTag(Tag tag) => new(null, tag);

    /// <summary>ECR's JSON-like form, such as <c>{imageDigest:'sha256:…', imageTag:'latest'}</c>, with <c>null</c> for a missing part.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{{imageDigest:'{Digest?.ToString() ?? "null"}', imageTag:'{Tag?.Value ?? "null"}'}}";

    /// <summary>Whether both ids have the same digest and tag.</summary>
    /// <param name="other">The other id.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(ImageId other) => Nullable.Equals(Digest, other.Digest) && Nullable.Equals(Tag, other.Tag);

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="ImageId"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is ImageId other && Equals(other);

    /// <summary>A hash code over the digest and the tag.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Digest, Tag);

    /// <summary>Whether two ids are equal.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(ImageId left, ImageId right) => left.Equals(right);

    /// <summary>Whether two ids differ.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(ImageId left, ImageId right) => !left.Equals(right);
}
