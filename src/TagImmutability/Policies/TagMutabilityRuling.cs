using System.Diagnostics.CodeAnalysis;

namespace TagImmutability;

/// <summary>
/// Whether one tag is immutable under a <see cref="TagMutabilityPolicy"/>, and why: the mode's rule and, when a
/// filter decided, the first filter that matched.
/// </summary>
/// <remarks><b>Thread safety:</b> an immutable value; safe to share between threads.</remarks>
public readonly struct TagMutabilityRuling : IEquatable<TagMutabilityRuling>
{
    internal TagMutabilityRuling(TagMutabilityReason reason, TagFilter matchedFilter)
    {
        Reason = reason;
        MatchedFilter = matchedFilter.IsDefault ? null : matchedFilter;
    }

    /// <summary>Whether the tag is immutable: once bound to a digest, a write may not move it or re-push it.</summary>
    public bool IsImmutable => Reason is TagMutabilityReason.ImmutableMode
        or TagMutabilityReason.ImmutableNotExcluded
        or TagMutabilityReason.MutableExcludedByFilter;

    /// <summary>The rule that decided.</summary>
    public TagMutabilityReason Reason { get; }

    /// <summary>The first exclusion filter that matched the tag, or <see langword="null"/> when none did (or the mode has no filters).</summary>
    public TagFilter? MatchedFilter { get; }

    /// <summary>A sentence for people, such as <c>immutable: IMMUTABLE_WITH_EXCLUSION and no exclusion filter matches</c>.</summary>
    /// <returns>The sentence.</returns>
    public override string ToString() => Reason switch
    {
        TagMutabilityReason.MutableMode => "mutable: the repository is MUTABLE",
        TagMutabilityReason.ImmutableMode => "immutable: the repository is IMMUTABLE",
        TagMutabilityReason.ImmutableNotExcluded => "immutable: IMMUTABLE_WITH_EXCLUSION and no exclusion filter matches",
        TagMutabilityReason.ImmutableExcludedByFilter => $"mutable: IMMUTABLE_WITH_EXCLUSION and exclusion filter '{MatchedFilter}' matches",
        TagMutabilityReason.MutableNotExcluded => "mutable: MUTABLE_WITH_EXCLUSION and no exclusion filter matches",
        _ => $"immutable: MUTABLE_WITH_EXCLUSION and exclusion filter '{MatchedFilter}' matches",
    };

    /// <summary>Whether both rulings have the same reason and matched filter.</summary>
    /// <param name="other">The other ruling.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(TagMutabilityRuling other) => Reason == other.Reason && Nullable.Equals(MatchedFilter, other.MatchedFilter);

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="TagMutabilityRuling"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is TagMutabilityRuling other && Equals(other);

    /// <summary>A hash code over the reason and the matched filter.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Reason, MatchedFilter);

    /// <summary>Whether two rulings are equal.</summary>
    /// <param name="left">The first ruling.</param>
    /// <param name="right">The second ruling.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(TagMutabilityRuling left, TagMutabilityRuling right) => left.Equals(right);

    /// <summary>Whether two rulings differ.</summary>
    /// <param name="left">The first ruling.</param>
    /// <param name="right">The second ruling.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(TagMutabilityRuling left, TagMutabilityRuling right) => !left.Equals(right);
}
