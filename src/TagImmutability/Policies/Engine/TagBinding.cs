using System.Diagnostics.CodeAnalysis;

namespace TagImmutability;

/// <summary>
/// A tag as it is bound now: the digest it names and whether it carries a sticky immutability flag (Quay's
/// <c>Tag.immutable</c>, set by a policy, the <c>quay.immutable=true</c> label or the tag API). The input the
/// <see cref="ImmutabilityPolicy"/> decides on.
/// </summary>
/// <remarks><b>Thread safety:</b> an immutable value; safe to share between threads.</remarks>
public readonly struct TagBinding : IEquatable<TagBinding>
{
    /// <summary>Creates a binding.</summary>
    /// <param name="tag">The tag; not the default value.</param>
    /// <param name="digest">The digest it names; not the default value.</param>
    /// <param name="isStickyImmutable">Whether the tag carries a sticky immutability flag.</param>
    /// <exception cref="ArgumentException"><paramref name="tag"/> or <paramref name="digest"/> is a default value.</exception>
    public TagBinding(Tag tag, Digest digest, bool isStickyImmutable = false)
    {
        if (tag.IsDefault || digest.IsDefault)
        {
            throw new ArgumentException("a binding needs a tag and a digest, not default values", tag.IsDefault ? nameof(tag) : nameof(digest));
        }

        Tag = tag;
        Digest = digest;
        IsStickyImmutable = isStickyImmutable;
    }

    /// <summary>The tag; default for <c>default(TagBinding)</c>.</summary>
    public Tag Tag { get; }

    /// <summary>The digest the tag names.</summary>
    public Digest Digest { get; }

    /// <summary>Whether the tag carries a sticky immutability flag, which only <see cref="PolicyEvaluation.Sticky"/> policies honour.</summary>
    public bool IsStickyImmutable { get; }

    /// <summary>Whether every field is equal.</summary>
    /// <param name="other">The other binding.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(TagBinding other) => Tag == other.Tag && Digest == other.Digest && IsStickyImmutable == other.IsStickyImmutable;

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="TagBinding"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is TagBinding other && Equals(other);

    /// <summary>A hash code over every field.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Tag, Digest, IsStickyImmutable);

    /// <summary>The binding as text, such as <c>latest → sha256:… (sticky)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Tag} → {Digest}{(IsStickyImmutable ? " (sticky)" : string.Empty)}";

    /// <summary>Whether two bindings are equal.</summary>
    /// <param name="left">The first binding.</param>
    /// <param name="right">The second binding.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(TagBinding left, TagBinding right) => left.Equals(right);

    /// <summary>Whether two bindings differ.</summary>
    /// <param name="left">The first binding.</param>
    /// <param name="right">The second binding.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(TagBinding left, TagBinding right) => !left.Equals(right);
}
