namespace TagImmutability;

/// <summary>What a policy decides for a write of a tag to a digest.</summary>
public enum TagWriteOutcome
{
    /// <summary>The tag names no digest yet: the write binds it. Allowed in every mode (ECR: immutability forbids overwrites, not new tags).</summary>
    Created = 0,

    /// <summary>The tag already names the proposed digest and is mutable: nothing changes (ECR answers <c>ImageAlreadyExistsException</c>).</summary>
    Unchanged = 1,

    /// <summary>The tag names another digest and is mutable: the write moves it; the old image stays, possibly untagged.</summary>
    Moved = 2,

    /// <summary>
    /// The tag already names a digest and is immutable: the write is refused, even when the proposed digest is the
    /// one it names (ECR answers <c>ImageTagAlreadyExistsException</c> in both cases; decision Q1).
    /// </summary>
    RejectedImmutable = 3,
}
