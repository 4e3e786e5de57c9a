namespace TagImmutability;

/// <summary>One existing tag whose protection a policy change would change (<see cref="Registry.PreviewPolicyChange(RepositoryName, TagMutabilityPolicy)"/>).</summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class TagProtectionChange
{
    internal TagProtectionChange(Tag tag, Digest digest, TagMutabilityRuling before, TagMutabilityRuling after)
    {
        Tag = tag;
        Digest = digest;
        Before = before;
        After = after;
    }

    /// <summary>The tag.</summary>
    public Tag Tag { get; }

    /// <summary>The digest it names.</summary>
    public Digest Digest { get; }

    /// <summary>The ruling under the current policy.</summary>
    public TagMutabilityRuling Before { get; }

    /// <summary>The ruling under the proposed policy; <see cref="TagMutabilityRuling.IsImmutable"/> differs from <see cref="Before"/>'s.</summary>
    public TagMutabilityRuling After { get; }

    /// <summary>Whether the tag becomes immutable (else it becomes mutable).</summary>
    public bool BecomesImmutable => After.IsImmutable;

    /// <summary>A line for people: the tag, the digest and both rulings.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"'{Tag}' ({Digest}) becomes {(BecomesImmutable ? "immutable" : "mutable")}: was {Before}; will be {After}";
}
