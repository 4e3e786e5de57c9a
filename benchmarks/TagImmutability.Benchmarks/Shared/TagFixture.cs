using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace TagImmutability.Benchmarks.Shared;

/// <summary>
/// Everything the hot-path benchmarks compare, for one tag count: the seeded tag set, the images the tags name, the
/// registry holding them, and the BCL dictionaries holding the same tags and digests. Each piece is built on first use
/// and kept for the rest of the process, so a smoke run in one process builds the 1,000,000-tag registry once, and a
/// benchmark process that measures a dictionary never builds the registry.
/// </summary>
/// <remarks>
/// Benchmarks that write to <see cref="Registry"/> put its repository's snapshot back when they finish
/// (<see cref="RepositoryCheckpoint"/>), so the shared registry is the same for every benchmark. Thread safety: the lazy
/// pieces are built once even when asked for from several threads.
/// </remarks>
public sealed class TagFixture
{
    private static readonly ConcurrentDictionary<int, TagFixture> Fixtures = new();
    private readonly Lazy<ParsedManifest[]> _images;
    private readonly Lazy<TagRegistry> _registry;
    private readonly Lazy<Dictionary<string, Digest>> _dictionary;
    private readonly Lazy<FrozenDictionary<string, Digest>> _frozen;
    private readonly Lazy<ConcurrentDictionary<string, Digest>> _concurrent;
    private readonly Lazy<string[]> _missing;
    private readonly Lazy<Probes> _hits;
    private readonly Lazy<Probes> _misses;

    private TagFixture(int tagCount)
    {
        Tags = TagSets.Create(tagCount);
        _images = new(() => [.. Enumerable.Range(0, TagRegistry.ImageCountFor(tagCount)).Select(OciManifests.Image)]);
        _registry = new(() => TagRegistry.Build(Tags, Images, TagMutabilityPolicy.Mutable));
        _dictionary = new(() => Fill(new Dictionary<string, Digest>(tagCount, StringComparer.Ordinal)));
        _frozen = new(() => Dictionary.ToFrozenDictionary(StringComparer.Ordinal));
        _concurrent = new(() => Fill(new ConcurrentDictionary<string, Digest>(Environment.ProcessorCount, tagCount, StringComparer.Ordinal)));
        _missing = new(() => TagSets.CreateMissing(Tags, Math.Min(tagCount, Shared.Probes.Count)));
        _hits = new(() => Shared.Probes.Hits(this));
        _misses = new(() => Shared.Probes.Misses(this));
    }

    /// <summary>The tags, <c>latest</c> first (<see cref="TagSets.Create"/>).</summary>
    public string[] Tags { get; }

    /// <summary>Tags of the same shapes that none of the structures hold (at most 131,072 of them).</summary>
    public string[] MissingTags => _missing.Value;

    /// <summary>The images the tags go round (<see cref="TagRegistry.ImageOf"/>).</summary>
    public ParsedManifest[] Images => _images.Value;

    /// <summary>The registry holding the tags in <c>team/app</c> (MUTABLE).</summary>
    public TagRegistry Registry => _registry.Value;

    /// <summary>The tags in a <see cref="Dictionary{TKey, TValue}"/> with the ordinal comparer; keys are copies of the tag strings.</summary>
    public Dictionary<string, Digest> Dictionary => _dictionary.Value;

    /// <summary>The same in a <see cref="FrozenDictionary{TKey, TValue}"/> (ordinal).</summary>
    public FrozenDictionary<string, Digest> Frozen => _frozen.Value;

    /// <summary>The same in a <see cref="ConcurrentDictionary{TKey, TValue}"/> (ordinal).</summary>
    public ConcurrentDictionary<string, Digest> Concurrent => _concurrent.Value;

    /// <summary>Keys the structures hold, in every form (<see cref="Shared.Probes.Hits"/>).</summary>
    public Probes HitProbes => _hits.Value;

    /// <summary>Keys the structures do not hold (<see cref="Shared.Probes.Misses"/>).</summary>
    public Probes MissProbes => _misses.Value;

    /// <summary>The probes for <paramref name="lookup"/>.</summary>
    /// <param name="lookup">Hits or misses.</param>
    /// <returns>The probes.</returns>
    public Probes Probes(Lookup lookup) => lookup == Lookup.Hit ? HitProbes : MissProbes;

    /// <summary>The fixture for <paramref name="tagCount"/> tags, shared by the whole process.</summary>
    /// <param name="tagCount">How many tags.</param>
    /// <returns>The fixture.</returns>
    public static TagFixture Get(int tagCount) => Fixtures.GetOrAdd(tagCount, n => new TagFixture(n));

    /// <summary>The digest the tag at <paramref name="tagIndex"/> names.</summary>
    /// <param name="tagIndex">The tag's position in <see cref="Tags"/>.</param>
    /// <returns>The digest.</returns>
    public Digest DigestOf(int tagIndex) => Images[TagRegistry.ImageOf(tagIndex, Images.Length)].Digest;

    private T Fill<T>(T dictionary)
        where T : IDictionary<string, Digest>
    {
        for (int i = 0; i < Tags.Length; i++)
        {
            // A copy of the text, as a dictionary filled from requests would hold, not the registry's own strings.
            dictionary.Add(new string(Tags[i]), DigestOf(i));
        }

        return dictionary;
    }
}
