using System.Collections.Immutable;

namespace TagImmutability.Storage;

/// <summary>
/// Which part of a repository a <see cref="RegistryStore.ReadAsync"/> must return: every image, or the images some tags
/// name and some digests identify. A write reads exactly what its decision depends on, so that its preconditions (and
/// the conflicts they can cause) are no larger than needed.
/// </summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class RepositoryQuery
{
    private RepositoryQuery(bool allImages, ImmutableArray<Tag> tags, ImmutableArray<Digest> digests)
    {
        AllImages = allImages;
        Tags = tags;
        Digests = digests;
    }

    /// <summary>Every image of the repository (listings, expiry, explanations).</summary>
    public static RepositoryQuery All { get; } = new(true, [], []);

    /// <summary>The repository alone, no image (policy changes).</summary>
    public static RepositoryQuery None { get; } = new(false, [], []);

    /// <summary>Whether every image is asked for.</summary>
    public bool AllImages { get; }

    /// <summary>Tags whose images are asked for (a tag that names nothing contributes nothing).</summary>
    public ImmutableArray<Tag> Tags { get; }

    /// <summary>Digests whose images are asked for (a digest the repository does not hold contributes nothing).</summary>
    public ImmutableArray<Digest> Digests { get; }

    /// <summary>A query for the images the given tags name and the given digests identify.</summary>
    /// <param name="tags">The tags; default values are not allowed.</param>
    /// <param name="digests">The digests; default values are not allowed.</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tags"/> or <paramref name="digests"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A tag or a digest is the default value.</exception>
    public static RepositoryQuery For(IEnumerable<Tag> tags, IEnumerable<Digest> digests)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(digests);
        ImmutableArray<Tag> t = [.. tags.Distinct()];
        ImmutableArray<Digest> d = [.. digests.Distinct()];
        if (t.Any(x => x.IsDefault) || d.Any(x => x.IsDefault))
        {
            throw new ArgumentException("a query names default(Tag) or default(Digest)", t.Any(x => x.IsDefault) ? nameof(tags) : nameof(digests));
        }

        return new RepositoryQuery(false, t, d);
    }

    /// <summary>What is asked for.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => AllImages ? "all images" : $"tags [{string.Join(", ", Tags)}], digests [{string.Join(", ", Digests)}]";
}
