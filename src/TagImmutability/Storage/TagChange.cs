namespace TagImmutability.Storage;

/// <summary>
/// A compare-and-swap on one tag binding: "the tag names <see cref="Expected"/> (or nothing); make it name
/// <see cref="New"/> (or nothing)". When <see cref="Expected"/> and <see cref="New"/> are equal it is a check only: the
/// decision depended on the binding, which must still be as read.
/// </summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class TagChange
{
    /// <summary>Creates the change.</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="expected">The digest the tag must still name, or <see langword="null"/> when it must still name nothing.</param>
    /// <param name="new">The digest it will name, or <see langword="null"/> to remove the binding.</param>
    /// <exception cref="ArgumentException"><paramref name="tag"/> or a digest is the default value.</exception>
    public TagChange(Tag tag, Digest? expected, Digest? @new)
    {
        if (tag.IsDefault || expected is { IsDefault: true } || @new is { IsDefault: true })
        {
            throw new ArgumentException("a tag change names default(Tag) or default(Digest)", tag.IsDefault ? nameof(tag) : expected is { IsDefault: true } ? nameof(expected) : nameof(@new));
        }

        Tag = tag;
        Expected = expected;
        New = @new;
    }

    /// <summary>The tag.</summary>
    public Tag Tag { get; }

    /// <summary>The digest the tag must still name for the write to commit; <see langword="null"/>: it must name nothing.</summary>
    public Digest? Expected { get; }

    /// <summary>The digest the tag names once the write commits; <see langword="null"/>: nothing.</summary>
    public Digest? New { get; }

    /// <summary>Whether this only checks the binding and changes nothing.</summary>
    public bool IsCheck => Expected == New;

    /// <summary>The tag, and the binding before and after.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"'{Tag}' {Expected?.ToString() ?? "-"} -> {New?.ToString() ?? "-"}";
}
