namespace TagImmutability;

/// <summary>
/// A repository's tag mutability setting, ECR's <c>imageTagMutability</c> (ECR API reference, <c>ImageTagMutability</c>;
/// <c>PutImageTagMutability</c>). Whether a given tag is immutable also depends on the exclusion filters; see
/// <see cref="TagMutabilityPolicy.IsImmutable(ReadOnlySpan{char})"/>.
/// </summary>
public enum ImageTagMutability
{
    /// <summary><c>MUTABLE</c>: every tag may be moved to another digest. ECR's default.</summary>
    Mutable = 0,

    /// <summary><c>IMMUTABLE</c>: no tag bound to a digest may be moved or re-pushed.</summary>
    Immutable = 1,

    /// <summary><c>IMMUTABLE_WITH_EXCLUSION</c>: every tag is immutable except those that match an exclusion filter.</summary>
    ImmutableWithExclusion = 2,

    /// <summary><c>MUTABLE_WITH_EXCLUSION</c>: every tag is mutable except those that match an exclusion filter, which are immutable.</summary>
    MutableWithExclusion = 3,
}
