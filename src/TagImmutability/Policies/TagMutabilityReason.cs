namespace TagImmutability;

/// <summary>Why a tag is mutable or immutable under a <see cref="TagMutabilityPolicy"/>: the rule that decided.</summary>
public enum TagMutabilityReason
{
    /// <summary>The mode is <c>MUTABLE</c>: every tag is mutable.</summary>
    MutableMode = 0,

    /// <summary>The mode is <c>IMMUTABLE</c>: every tag is immutable.</summary>
    ImmutableMode = 1,

    /// <summary>The mode is <c>IMMUTABLE_WITH_EXCLUSION</c> and no filter matched the tag: it is immutable.</summary>
    ImmutableNotExcluded = 2,

    /// <summary>The mode is <c>IMMUTABLE_WITH_EXCLUSION</c> and a filter matched the tag: it is mutable.</summary>
    ImmutableExcludedByFilter = 3,

    /// <summary>The mode is <c>MUTABLE_WITH_EXCLUSION</c> and no filter matched the tag: it is mutable.</summary>
    MutableNotExcluded = 4,

    /// <summary>The mode is <c>MUTABLE_WITH_EXCLUSION</c> and a filter matched the tag: it is immutable.</summary>
    MutableExcludedByFilter = 5,
}
