using System.Diagnostics.CodeAnalysis;

namespace TagImmutability;

/// <summary>
/// What a tag named at a past instant (<see cref="Registry.ResolveAt(RepositoryName, Tag, DateTimeOffset)"/>): a digest,
/// nothing, or unknown because the events that would tell were dropped from the bounded history.
/// </summary>
/// <remarks><b>Thread safety:</b> an immutable value; safe to share between threads.</remarks>
public readonly struct TagResolution : IEquatable<TagResolution>
{
    private TagResolution(bool isKnown, Digest? digest)
    {
        IsKnown = isKnown;
        Digest = digest;
    }

    /// <summary>The answer when the retained history cannot tell (its events for the instant were dropped). Also <c>default</c>.</summary>
    public static TagResolution Unknown => default;

    /// <summary>Whether the history answers: when <see langword="false"/>, <see cref="Digest"/> is <see langword="null"/> and means nothing.</summary>
    public bool IsKnown { get; }

    /// <summary>The digest the tag named, or <see langword="null"/> when it named none (or <see cref="IsKnown"/> is <see langword="false"/>).</summary>
    public Digest? Digest { get; }

    /// <summary>A known answer.</summary>
    /// <param name="digest">The digest the tag named, or <see langword="null"/> for none.</param>
    /// <returns>The resolution.</returns>
    public static TagResolution Known(Digest? digest) => new(true, digest);

    /// <summary>Whether both are unknown, or both known with the same digest.</summary>
    /// <param name="other">The other resolution.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(TagResolution other) => IsKnown == other.IsKnown && Nullable.Equals(Digest, other.Digest);

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="TagResolution"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is TagResolution other && Equals(other);

    /// <summary>A hash code over both properties.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(IsKnown, Digest);

    /// <summary><c>unknown</c>, <c>none</c> or the digest.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => !IsKnown ? "unknown" : Digest?.ToString() ?? "none";

    /// <summary>Whether two resolutions are equal.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(TagResolution left, TagResolution right) => left.Equals(right);

    /// <summary>Whether two resolutions differ.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(TagResolution left, TagResolution right) => !left.Equals(right);
}
