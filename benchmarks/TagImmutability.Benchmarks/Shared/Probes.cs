using System.Text;

namespace TagImmutability.Benchmarks.Shared;

/// <summary>
/// The keys a lookup benchmark asks for, in every form a registry receives them: <see cref="Count"/> tags drawn at random
/// (with repetition) from a fixture's tags, or from tags it does not hold, as fresh strings (not the instances the
/// structures hold, so no comparison is decided by reference), as parsed <see cref="Tag"/>s, as UTF-16 text inside
/// <c>team/app:tag</c>, as UTF-8 bytes inside an HTTP path <c>/v2/team/app/manifests/tag</c>, and as whole image references.
/// </summary>
/// <remarks>
/// Why 131,072 keys and not a few thousand: at 1,000,000 tags a benchmark should pay the cache misses a registry pays,
/// and 4,096 keys touch about 4,096 × 3 cache lines (under 1 MB), which stay in the L2 and L3 caches across invocations.
/// 131,072 random keys touch about 25 MB of a 1,000,000-tag structure, more than this machine's share of L3. The probe
/// arrays themselves are read in order, which the hardware prefetcher streams. Thread safety: immutable after creation.
/// </remarks>
public sealed class Probes
{
    /// <summary>How many keys: 131,072.</summary>
    public const int Count = 1 << 17;

    /// <summary>The registry host the image references name.</summary>
    public const string Host = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

    private const string HttpPrefix = "/v2/" + TagRegistry.RepositoryText + "/manifests/";

    private Probes(string[] tags)
    {
        Strings = tags;
        Tags = [.. tags.Select(t => Tag.Parse(t, GrammarProfile.Ecr))];
        (NameTagText, NameTagStarts) = Concatenate(tags, TagRegistry.RepositoryText + ":");
        (ReferenceText, ReferenceStarts) = Concatenate(tags, Host + "/" + TagRegistry.RepositoryText + ":");
        (char[] http, int[] httpStarts) = Concatenate(tags, HttpPrefix);
        HttpPathUtf8 = Encoding.UTF8.GetBytes(http);
        HttpPathStarts = httpStarts;
        ReferenceUtf8 = Encoding.UTF8.GetBytes(ReferenceText);
    }

    /// <summary>The tags as fresh strings.</summary>
    public string[] Strings { get; }

    /// <summary>The tags parsed (ECR grammar).</summary>
    public Tag[] Tags { get; }

    /// <summary><c>team/app:tag</c> for every key, one after another; key <c>i</c> spans <see cref="NameTagStarts"/>[i]..[i + 1].</summary>
    public char[] NameTagText { get; }

    /// <summary>Where each key's text starts in <see cref="NameTagText"/>, and one past the end.</summary>
    public int[] NameTagStarts { get; }

    /// <summary><c>/v2/team/app/manifests/tag</c> as UTF-8 for every key, one after another.</summary>
    public byte[] HttpPathUtf8 { get; }

    /// <summary>Where each key's path starts in <see cref="HttpPathUtf8"/> (ASCII, so the same offsets as in characters), and one past the end.</summary>
    public int[] HttpPathStarts { get; }

    /// <summary><c>123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:tag</c> for every key, one after another.</summary>
    public char[] ReferenceText { get; }

    /// <summary>The same as UTF-8 (ASCII: the same offsets).</summary>
    public byte[] ReferenceUtf8 { get; }

    /// <summary>Where each reference starts in <see cref="ReferenceText"/>, and one past the end.</summary>
    public int[] ReferenceStarts { get; }

    /// <summary>The length of <c>team/app:</c>: the tag's offset inside each <see cref="NameTagText"/> entry.</summary>
    public static int NameTagPrefixLength => TagRegistry.RepositoryText.Length + 1;

    /// <summary>The length of <c>/v2/team/app/manifests/</c>: the tag's offset inside each <see cref="HttpPathUtf8"/> entry.</summary>
    public static int HttpPrefixLength => HttpPrefix.Length;

    /// <summary>Keys the fixture holds, drawn at random with the given seed.</summary>
    /// <param name="fixture">The fixture.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The probes.</returns>
    public static Probes Hits(TagFixture fixture, int seed = 1532)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var random = new Random(seed);
        return new Probes([.. Enumerable.Range(0, Count).Select(_ => new string(fixture.Tags[random.Next(fixture.Tags.Length)]))]);
    }

    /// <summary>Keys of the same shapes that the fixture does not hold.</summary>
    /// <param name="fixture">The fixture.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The probes.</returns>
    public static Probes Misses(TagFixture fixture, int seed = 1532)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var random = new Random(seed);
        string[] missing = fixture.MissingTags;
        return new Probes([.. Enumerable.Range(0, Count).Select(_ => new string(missing[random.Next(missing.Length)]))]);
    }

    private static (char[] Text, int[] Starts) Concatenate(string[] tags, string prefix)
    {
        var text = new StringBuilder(tags.Length * (prefix.Length + 16));
        int[] starts = new int[tags.Length + 1];
        for (int i = 0; i < tags.Length; i++)
        {
            starts[i] = text.Length;
            text.Append(prefix).Append(tags[i]);
        }

        starts[^1] = text.Length;
        char[] chars = new char[text.Length];
        text.CopyTo(0, chars, text.Length);
        return (chars, starts);
    }
}
