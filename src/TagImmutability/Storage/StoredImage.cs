using System.Collections.Immutable;

namespace TagImmutability.Storage;

/// <summary>An image as a <see cref="RegistryStore"/> holds it, with its tags and the indexes that reference it.</summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class StoredImage
{
    /// <summary>Creates the record.</summary>
    /// <param name="image">The image as it was added.</param>
    /// <param name="sequence">Its place in the repository's push order (larger is later; numbers need not be consecutive).</param>
    /// <param name="tags">The tags naming it, in the order they were bound (ECR decision Q8).</param>
    /// <param name="referencedBy">The digests of the image indexes in the repository that reference it, in ordinal order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is <see langword="null"/>.</exception>
    public StoredImage(NewImage image, long sequence, ImmutableArray<Tag> tags, ImmutableArray<Digest> referencedBy)
    {
        ArgumentNullException.ThrowIfNull(image);
        Image = image;
        Sequence = sequence;
        Tags = tags.IsDefault ? [] : tags;
        ReferencedBy = referencedBy.IsDefault ? [] : referencedBy;
    }

    /// <summary>The image: digest, exact manifest bytes, media type, size, push time, referenced digests.</summary>
    public NewImage Image { get; }

    /// <summary>The image's digest.</summary>
    public Digest Digest => Image.Digest;

    /// <summary>Its place in the repository's push order.</summary>
    public long Sequence { get; }

    /// <summary>The tags naming it, in the order they were bound; empty when untagged.</summary>
    public ImmutableArray<Tag> Tags { get; }

    /// <summary>The digests of the image indexes referencing it, in ordinal order; empty when none.</summary>
    public ImmutableArray<Digest> ReferencedBy { get; }

    /// <summary>The digest and the tags.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Tags.IsEmpty ? $"{Digest} (untagged)" : $"{Digest} [{string.Join(", ", Tags)}]";
}
