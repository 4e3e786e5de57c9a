namespace TagImmutability;

/// <summary>When an <see cref="ImmutabilityPolicy"/>'s rules take effect on a tag.</summary>
public enum PolicyEvaluation
{
    /// <summary>
    /// Rules are evaluated on every operation against the current rules: changing a rule changes the protection of
    /// existing tags at once (Harbor, ECR, GAR, Docker Hub, GitLab).
    /// </summary>
    Live = 0,

    /// <summary>
    /// Rules are evaluated when a tag is created and set a per-tag flag (<see cref="TagBinding.IsStickyImmutable"/>);
    /// afterwards only the flag counts, and it outlives the rule that set it (Quay, <c>Tag.immutable</c>).
    /// </summary>
    Sticky = 1,
}
