using System.Diagnostics.CodeAnalysis;

namespace TagImmutability;

/// <summary>
/// The decision on one proposed tag write: the outcome, the digest the tag named before (if any), the digest
/// proposed, and the ruling that decided. Refusals are values here; the registry turns them into ECR's exceptions.
/// </summary>
/// <remarks><b>Thread safety:</b> an immutable value; safe to share between threads.</remarks>
public readonly struct TagWriteDecision : IEquatable<TagWriteDecision>
{
    internal TagWriteDecision(TagWriteOutcome outcome, Tag tag, Digest existingDigest, Digest proposedDigest, TagMutabilityRuling ruling)
    {
        Outcome = outcome;
        Tag = tag;
        ExistingDigest = existingDigest.IsDefault ? null : existingDigest;
        ProposedDigest = proposedDigest;
        Ruling = ruling;
    }

    /// <summary>What the write does, or that it is refused.</summary>
    public TagWriteOutcome Outcome { get; }

    /// <summary>
    /// Whether the write may proceed (<see cref="TagWriteOutcome.Created"/>, <see cref="TagWriteOutcome.Moved"/> or the
    /// no-op <see cref="TagWriteOutcome.Unchanged"/>). <see langword="false"/> for <c>default(TagWriteDecision)</c>,
    /// which no policy produced: a decision that was never taken allows nothing.
    /// </summary>
    public bool IsAllowed => Outcome != TagWriteOutcome.RejectedImmutable && !ProposedDigest.IsDefault;

    /// <summary>The tag written.</summary>
    public Tag Tag { get; }

    /// <summary>The digest the tag named before the write, or <see langword="null"/> when the tag was new.</summary>
    public Digest? ExistingDigest { get; }

    /// <summary>The digest the write proposed.</summary>
    public Digest ProposedDigest { get; }

    /// <summary>Whether the tag is immutable, and why.</summary>
    public TagMutabilityRuling Ruling { get; }

    /// <summary>A sentence for people, such as <c>rejected: tag 'latest' names sha256:… (immutable: the repository is IMMUTABLE)</c>.</summary>
    /// <returns>The sentence.</returns>
    public override string ToString() => Outcome switch
    {
        TagWriteOutcome.Created => $"created: tag '{Tag}' now names {ProposedDigest} ({Ruling})",
        TagWriteOutcome.Unchanged => $"unchanged: tag '{Tag}' already names {ProposedDigest} ({Ruling})",
        TagWriteOutcome.Moved => $"moved: tag '{Tag}' from {ExistingDigest} to {ProposedDigest} ({Ruling})",
        _ => $"rejected: tag '{Tag}' names {ExistingDigest}, cannot become {ProposedDigest} ({Ruling})",
    };

    /// <summary>Whether every field is equal.</summary>
    /// <param name="other">The other decision.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(TagWriteDecision other) =>
        Outcome == other.Outcome && Tag == other.Tag && Nullable.Equals(ExistingDigest, other.ExistingDigest)
        && ProposedDigest == other.ProposedDigest && Ruling == other.Ruling;

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="TagWriteDecision"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is TagWriteDecision other && Equals(other);

    /// <summary>A hash code over every field.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Outcome, Tag, ExistingDigest, ProposedDigest, Ruling);

    /// <summary>Whether two decisions are equal.</summary>
    /// <param name="left">The first decision.</param>
    /// <param name="right">The second decision.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(TagWriteDecision left, TagWriteDecision right) => left.Equals(right);

    /// <summary>Whether two decisions differ.</summary>
    /// <param name="left">The first decision.</param>
    /// <param name="right">The second decision.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(TagWriteDecision left, TagWriteDecision right) => !left.Equals(right);
}
