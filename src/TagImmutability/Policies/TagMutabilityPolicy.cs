using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace TagImmutability;

/// <summary>
/// A repository's tag mutability policy as Amazon ECR defines it: the <c>imageTagMutability</c> mode and its
/// <c>imageTagMutabilityExclusionFilters</c>. Deciding a tag write is a pure function of the policy, the digest the
/// tag names now and the digest proposed (<see cref="Evaluate"/>).
/// </summary>
/// <remarks>
/// <para>
/// The rule (specification we follow, section (a), "Mutability decision"): a tag matches when any filter matches
/// it; <c>MUTABLE</c> makes no tag immutable, <c>IMMUTABLE</c> every tag, <c>IMMUTABLE_WITH_EXCLUSION</c> every tag
/// that matches no filter, <c>MUTABLE_WITH_EXCLUSION</c> every tag that matches a filter.
/// </para>
/// <para>
/// Validity (ECR API reference, <c>PutImageTagMutability</c>, <c>CreateRepository</c>; decisions Q6): a
/// <c>*_WITH_EXCLUSION</c> mode needs 1..5 filters; <c>MUTABLE</c> and <c>IMMUTABLE</c> take none.
/// </para>
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
public sealed class TagMutabilityPolicy : IEquatable<TagMutabilityPolicy>
{
    /// <summary>The most exclusion filters a policy may have: 5.</summary>
    public const int MaxFilters = 5;

    private const string FiltersParameter = "imageTagMutabilityExclusionFilters";

    private TagMutabilityPolicy(ImageTagMutability mode, ImmutableArray<TagFilter> filters)
    {
        Mode = mode;
        Filters = filters;
    }

    /// <summary>ECR's default policy: <c>MUTABLE</c>, no filters.</summary>
    public static TagMutabilityPolicy Mutable { get; } = new(ImageTagMutability.Mutable, []);

    /// <summary><c>IMMUTABLE</c>, no filters.</summary>
    public static TagMutabilityPolicy Immutable { get; } = new(ImageTagMutability.Immutable, []);

    /// <summary>The mode, ECR's <c>imageTagMutability</c>.</summary>
    public ImageTagMutability Mode { get; }

    /// <summary>The exclusion filters in the order given; empty for <c>MUTABLE</c> and <c>IMMUTABLE</c>, 1..5 otherwise.</summary>
    public ImmutableArray<TagFilter> Filters { get; }

    /// <summary>Creates a policy without filters.</summary>
    /// <param name="mode"><see cref="ImageTagMutability.Mutable"/> or <see cref="ImageTagMutability.Immutable"/>.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="InvalidParameterException"><paramref name="mode"/> is a <c>*_WITH_EXCLUSION</c> mode, which needs filters.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined value.</exception>
    public static TagMutabilityPolicy Create(ImageTagMutability mode) => Create(mode, []);

    /// <summary>Creates a policy.</summary>
    /// <param name="mode">The mode.</param>
    /// <param name="filters">The exclusion filters: none for <c>MUTABLE</c>/<c>IMMUTABLE</c>, 1..5 for the <c>*_WITH_EXCLUSION</c> modes; not default values.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="filters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException"><paramref name="filters"/> holds <c>default(TagFilter)</c>.</exception>
    /// <exception cref="InvalidParameterException">The filters do not suit the mode, or there are more than 5.</exception>
    public static TagMutabilityPolicy Create(ImageTagMutability mode, IEnumerable<TagFilter> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        // One more than the limit is enough to know the limit is exceeded, even for an endless sequence.
        ImmutableArray<TagFilter> list = [.. filters.Take(MaxFilters + 1)];
        if (mode is not (ImageTagMutability.Mutable or ImageTagMutability.Immutable or ImageTagMutability.ImmutableWithExclusion or ImageTagMutability.MutableWithExclusion))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be a defined ImageTagMutability");
        }

        if (list.Any(f => f.IsDefault))
        {
            throw new ArgumentException("filters holds default(TagFilter), which is not a filter", nameof(filters));
        }

        bool needsFilters = mode is ImageTagMutability.ImmutableWithExclusion or ImageTagMutability.MutableWithExclusion;
        if (needsFilters && list.IsEmpty)
        {
            throw new InvalidParameterException(
                FiltersParameter,
                $"ImageTagMutabilityExclusionFilters can't be null when imageTagMutability is set as {EcrName(mode)}",
                null);
        }

        if (!needsFilters && !list.IsEmpty)
        {
            throw new InvalidParameterException(
                FiltersParameter,
                $"ImageTagMutabilityExclusionFilters must be null when imageTagMutability is set as {EcrName(mode)}",
                null);
        }

        if (list.Length > MaxFilters)
        {
            throw new InvalidParameterException(FiltersParameter, "Member must have length less than or equal to 5", null);
        }

        return list.IsEmpty ? (mode == ImageTagMutability.Mutable ? Mutable : Immutable) : new TagMutabilityPolicy(mode, list);
    }

    /// <summary>ECR's wire name of a mode: <c>MUTABLE</c>, <c>IMMUTABLE</c>, <c>IMMUTABLE_WITH_EXCLUSION</c> or <c>MUTABLE_WITH_EXCLUSION</c>.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>The wire name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a defined value.</exception>
    public static string EcrName(ImageTagMutability mode) => mode switch
    {
        ImageTagMutability.Mutable => "MUTABLE",
        ImageTagMutability.Immutable => "IMMUTABLE",
        ImageTagMutability.ImmutableWithExclusion => "IMMUTABLE_WITH_EXCLUSION",
        ImageTagMutability.MutableWithExclusion => "MUTABLE_WITH_EXCLUSION",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "mode must be a defined ImageTagMutability"),
    };

    /// <summary>Whether <paramref name="tag"/> is immutable under this policy. Allocates nothing.</summary>
    /// <param name="tag">The tag's text.</param>
    /// <returns><see langword="true"/> when immutable.</returns>
    public bool IsImmutable(ReadOnlySpan<char> tag) => Rule(tag).IsImmutable;

    /// <summary>Whether <paramref name="tag"/> is immutable under this policy, and why. Allocates nothing.</summary>
    /// <param name="tag">The tag's text.</param>
    /// <returns>The ruling: immutable or not, the mode's reason, and the first filter that matched.</returns>
    public TagMutabilityRuling Rule(ReadOnlySpan<char> tag)
    {
        TagFilter matched = default;
        if (!Filters.IsEmpty)
        {
            foreach (TagFilter filter in Filters)
            {
                if (filter.IsMatch(tag))
                {
                    matched = filter;
                    break;
                }
            }
        }

        TagMutabilityReason reason = Mode switch
        {
            ImageTagMutability.Mutable => TagMutabilityReason.MutableMode,
            ImageTagMutability.Immutable => TagMutabilityReason.ImmutableMode,
            ImageTagMutability.ImmutableWithExclusion => matched.IsDefault ? TagMutabilityReason.ImmutableNotExcluded : TagMutabilityReason.ImmutableExcludedByFilter,
            _ => matched.IsDefault ? TagMutabilityReason.MutableNotExcluded : TagMutabilityReason.MutableExcludedByFilter,
        };
        return new TagMutabilityRuling(reason, matched);
    }

    /// <summary>
    /// Decides a write of <paramref name="tag"/> to <paramref name="proposed"/> when the tag names
    /// <paramref name="current"/> now. A pure function: it reads nothing else and changes nothing.
    /// </summary>
    /// <param name="tag">The tag; not the default value.</param>
    /// <param name="current">The digest the tag names now, or <see langword="null"/> when it names none.</param>
    /// <param name="proposed">The digest proposed; not the default value.</param>
    /// <returns>
    /// <see cref="TagWriteOutcome.Created"/> for a new tag (in every mode); for an existing tag,
    /// <see cref="TagWriteOutcome.RejectedImmutable"/> when it is immutable (even for the same digest, ECR decision Q1),
    /// else <see cref="TagWriteOutcome.Unchanged"/> or <see cref="TagWriteOutcome.Moved"/>.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="tag"/>, <paramref name="current"/> or <paramref name="proposed"/> is a default value.</exception>
    public TagWriteDecision Evaluate(Tag tag, Digest? current, Digest proposed)
    {
        if (tag.IsDefault)
        {
            throw new ArgumentException("tag is default(Tag), which is not a tag", nameof(tag));
        }

        if (proposed.IsDefault || current is { IsDefault: true })
        {
            throw new ArgumentException("a digest is default(Digest), which names no content", proposed.IsDefault ? nameof(proposed) : nameof(current));
        }

        TagMutabilityRuling ruling = Rule(tag.Value);
        Digest existing = current.GetValueOrDefault();
        TagWriteOutcome outcome = existing.IsDefault ? TagWriteOutcome.Created
            : ruling.IsImmutable ? TagWriteOutcome.RejectedImmutable
            : existing == proposed ? TagWriteOutcome.Unchanged
            : TagWriteOutcome.Moved;
        return new TagWriteDecision(outcome, tag, existing, proposed, ruling);
    }

    /// <summary>Whether both policies have the same mode and the same filters in the same order.</summary>
    /// <param name="other">The other policy.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals([NotNullWhen(true)] TagMutabilityPolicy? other) =>
        other is not null && Mode == other.Mode && Filters.AsSpan().SequenceEqual(other.Filters.AsSpan());

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="TagMutabilityPolicy"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => Equals(obj as TagMutabilityPolicy);

    /// <summary>A hash code over the mode and the filters.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Mode);
        foreach (TagFilter filter in Filters)
        {
            hash.Add(filter);
        }

        return hash.ToHashCode();
    }

    /// <summary>The policy in ECR's words, such as <c>IMMUTABLE_WITH_EXCLUSION [latest, dev-*]</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        Filters.IsEmpty ? EcrName(Mode) : $"{EcrName(Mode)} [{string.Join(", ", Filters)}]";

    /// <summary>Whether two policies are equal; <see langword="null"/> equals only <see langword="null"/>.</summary>
    /// <param name="left">The first policy.</param>
    /// <param name="right">The second policy.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(TagMutabilityPolicy? left, TagMutabilityPolicy? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether two policies differ.</summary>
    /// <param name="left">The first policy.</param>
    /// <param name="right">The second policy.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(TagMutabilityPolicy? left, TagMutabilityPolicy? right) => !(left == right);
}
