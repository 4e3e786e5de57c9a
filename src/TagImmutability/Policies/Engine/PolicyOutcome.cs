namespace TagImmutability;

/// <summary>What a <see cref="PolicyDecision"/> lets the operation do. <c>default</c> is <see cref="Denied"/>: a decision never taken allows nothing.</summary>
public enum PolicyOutcome
{
    /// <summary>The operation is refused; see <see cref="PolicyDecision.DeniedBy"/> and <see cref="PolicyDecision.Reason"/>.</summary>
    Denied = 0,

    /// <summary>A new tag is bound.</summary>
    Created = 1,

    /// <summary>The tag already names the digest: nothing changes (a no-op success).</summary>
    Unchanged = 2,

    /// <summary>The tag moves to another digest.</summary>
    Moved = 3,

    /// <summary>The tag is removed.</summary>
    Removed = 4,

    /// <summary>The image or repository is deleted.</summary>
    Deleted = 5,
}
