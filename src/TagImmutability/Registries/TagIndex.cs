using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using TagImmutability.Internal;

namespace TagImmutability.Registries;

/// <summary>
/// A repository's tags, each to the digest it names: the persistent <see cref="AsciiMap{TValue}"/> the hot path reads
/// (docs/decisions/0007-tag-index.md). Every tag naming one image shares that image's <see cref="DigestBox"/>, so an
/// entry costs 40 bytes, not 40 plus a 48-byte digest.
/// </summary>
internal readonly struct TagIndex
{
    private readonly AsciiMap<DigestBox> _map;

    private TagIndex(AsciiMap<DigestBox> map) => _map = map;

    public static TagIndex Empty { get; } = new(AsciiMap<DigestBox>.Empty);

    public int Count => _map.Count;

    public bool IsEmpty => _map.IsEmpty;

    /// <summary>Every tag, in no particular order.</summary>
    public IEnumerable<string> Keys => _map.Keys;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(string tag, out Digest digest) => TryGetValue(tag.AsSpan(), out digest);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(ReadOnlySpan<char> tag, out Digest digest)
    {
        if (_map.TryGetValue(tag, out DigestBox? box))
        {
            digest = box.Digest;
            return true;
        }

        digest = default;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(ReadOnlySpan<byte> utf8Tag, out Digest digest)
    {
        if (_map.TryGetValue(utf8Tag, out DigestBox? box))
        {
            digest = box.Digest;
            return true;
        }

        digest = default;
        return false;
    }

    /// <summary>The digest the tag names, or <see langword="null"/>.</summary>
    public Digest? Find(string tag) => TryGetValue(tag, out Digest digest) ? digest : null;

    /// <summary>The index with <paramref name="tag"/> naming <paramref name="image"/>.</summary>
    public TagIndex SetItem(string tag, ImageDetail image) => new(_map.SetItem(tag, image.DigestBox));

    /// <summary>The index with <paramref name="tag"/> naming <paramref name="digest"/>, for dry runs that bind tags to digests no image holds yet.</summary>
    public TagIndex SetItem(string tag, Digest digest) => new(_map.SetItem(tag, new DigestBox(digest)));

    public TagIndex Remove(string tag) => new(_map.Remove(tag));

    public TagIndex RemoveRange(IEnumerable<string> tags)
    {
        AsciiMap<DigestBox> map = _map;
        foreach (string tag in tags)
        {
            map = map.Remove(tag);
        }

        return new(map);
    }

    /// <summary>Every binding, in no particular order.</summary>
    public IEnumerable<KeyValuePair<string, Digest>> Pairs() => _map.Pairs().Select(p => new KeyValuePair<string, Digest>(p.Key, p.Value.Digest));
}

/// <summary>A digest on the heap, shared by every tag that names it and by the image's snapshots.</summary>
internal sealed class DigestBox(Digest digest)
{
    public Digest Digest { get; } = digest;
}
