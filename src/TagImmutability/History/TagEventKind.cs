namespace TagImmutability;

/// <summary>What happened to a tag in one <see cref="TagEvent"/>.</summary>
public enum TagEventKind
{
    /// <summary>A push bound a tag that named nothing: <see cref="TagEvent.OldDigest"/> is <see langword="null"/>.</summary>
    Created = 0,

    /// <summary>A push moved a mutable tag from <see cref="TagEvent.OldDigest"/> to <see cref="TagEvent.NewDigest"/>.</summary>
    Moved = 1,

    /// <summary>
    /// The tag stopped naming <see cref="TagEvent.OldDigest"/>: <c>BatchDeleteImage</c> by tag or by digest.
    /// <see cref="TagEvent.NewDigest"/> is <see langword="null"/>.
    /// </summary>
    Removed = 2,

    /// <summary>
    /// A push to an immutable tag was refused with <see cref="ImageTagAlreadyExistsException"/>: the tag still names
    /// <see cref="TagEvent.OldDigest"/>; <see cref="TagEvent.NewDigest"/> is the digest that was refused.
    /// </summary>
    Rejected = 3,
}
