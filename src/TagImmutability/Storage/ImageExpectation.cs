using System.Collections.Immutable;

namespace TagImmutability.Storage;

/// <summary>
/// What a write's decision saw of one image, which must still hold when the write commits: the image is absent, or
/// present with exactly these tags (in binding order) and exactly these referencing indexes.
/// </summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class ImageExpectation
{
    private ImageExpectation(Digest digest, bool present, ImmutableArray<Tag> tags, ImmutableArray<Digest> referencedBy)
    {
        if (digest.IsDefault)
        {
            throw new ArgumentException("digest is default(Digest)", nameof(digest));
        }

        Digest = digest;
        IsPresent = present;
        Tags = tags;
        ReferencedBy = referencedBy;
    }

    /// <summary>The image's digest.</summary>
    public Digest Digest { get; }

    /// <summary>Whether the image must be present (else absent).</summary>
    public bool IsPresent { get; }

    /// <summary>When present: its tags, in binding order, must be exactly these.</summary>
    public ImmutableArray<Tag> Tags { get; }

    /// <summary>When present: the digests of the indexes referencing it, in ordinal order, must be exactly these.</summary>
    public ImmutableArray<Digest> ReferencedBy { get; }

    /// <summary>The image must not be in the repository.</summary>
    /// <param name="digest">The digest.</param>
    /// <returns>The expectation.</returns>
    /// <exception cref="ArgumentException"><paramref name="digest"/> is the default value.</exception>
    public static ImageExpectation Absent(Digest digest) => new(digest, false, [], []);

    /// <summary>The image must be in the repository with exactly these tags and referencing indexes.</summary>
    /// <param name="digest">The digest.</param>
    /// <param name="tags">Its tags, in binding order.</param>
    /// <param name="referencedBy">The digests of the indexes referencing it, in ordinal order.</param>
    /// <returns>The expectation.</returns>
    /// <exception cref="ArgumentException"><paramref name="digest"/> is the default value.</exception>
    public static ImageExpectation Present(Digest digest, ImmutableArray<Tag> tags, ImmutableArray<Digest> referencedBy) =>
        new(digest, true, tags.IsDefault ? [] : tags, referencedBy.IsDefault ? [] : referencedBy);

    /// <summary>The digest and what is expected of it.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => IsPresent ? $"{Digest} present [{string.Join(", ", Tags)}] referenced by [{string.Join(", ", ReferencedBy)}]" : $"{Digest} absent";
}
