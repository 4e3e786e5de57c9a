using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using TagImmutability.Benchmarks.Shared;

namespace TagImmutability.Benchmarks.Memory;

/// <summary>
/// Benchmark 7 of the hot-path issue: the managed memory a registry holds per tag, measured as the growth of the managed
/// heap (after full, compacting collections) from before the tags exist to after the registry holds them, divided by
/// the tag count. Nothing is excluded: tag text, images and their manifests, the tag index, the per-image tag lists, the
/// tag history, the repository. The same for the BCL dictionaries holding the same tags, for comparison.
/// </summary>
/// <remarks>
/// Run in a process of its own (<c>--memory</c>), not under BenchmarkDotNet, whose own allocations would be counted.
/// Each structure is built, measured and dropped before the next.
/// </remarks>
public static class MemoryPerTag
{
    /// <summary>The target of the hot-path issue: at most 150 bytes of managed memory per tag at 1,000,000 tags.</summary>
    public const double TargetBytesPerTag = 150;

    /// <summary>Measures and prints the bytes per tag of the registry and the baselines.</summary>
    /// <param name="tagCount">How many tags: 1,000,000 for the issue's figure; fewer for a smoke run.</param>
    /// <param name="output">Where the table goes.</param>
    /// <returns>The registry's bytes per tag.</returns>
    public static double Run(int tagCount, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);

        // Warm up: JIT, static caches and the thread pool's first allocations are not the tags' cost.
        _ = BuildRegistry(2_000);
        _ = new Dictionary<string, Digest>(TagSets.Create(2_000).ToDictionary(t => t, _ => default(Digest)));

        string[] probe = TagSets.Create(tagCount);
        double textBytes = probe.Sum(t => (double)StringSize(t)) / tagCount;
        probe = [];

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Managed heap growth per tag at {tagCount:N0} tags ({TagRegistry.TagsPerImage} tags per image, {(tagCount + TagRegistry.TagsPerImage - 1) / TagRegistry.TagsPerImage:N0} images); the tag text alone is {textBytes:F1} B/tag"));
        output.WriteLine();
        output.WriteLine("| Structure | Bytes per tag | vs target (150 B) | Build time |");
        output.WriteLine("|---|---:|---:|---:|");

        double registry = Measure(output, "Registry (tags, images, manifests, index, history)", () => BuildRegistry(tagCount), tagCount);
        Digest[] digests = [.. Enumerable.Range(0, (tagCount + TagRegistry.TagsPerImage - 1) / TagRegistry.TagsPerImage).Select(i => Digest.Compute(BitConverter.GetBytes(i)))];
        Measure(output, "Dictionary<string, Digest>", () => Fill(new Dictionary<string, Digest>(StringComparer.Ordinal), tagCount, digests), tagCount);
        Measure(output, "ConcurrentDictionary<string, Digest>", () => Fill(new ConcurrentDictionary<string, Digest>(StringComparer.Ordinal), tagCount, digests), tagCount);
        Measure(output, "FrozenDictionary<string, Digest>", () => Fill(new Dictionary<string, Digest>(StringComparer.Ordinal), tagCount, digests).ToFrozenDictionary(StringComparer.Ordinal), tagCount);
        Measure(output, "ImmutableDictionary<string, Digest>", () => Fill(new Dictionary<string, Digest>(StringComparer.Ordinal), tagCount, digests).ToImmutableDictionary(StringComparer.Ordinal), tagCount);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Registry: {registry:F1} B/tag; target <= {TargetBytesPerTag} B/tag: {(registry <= TargetBytesPerTag ? "met" : "missed")}"));
        return registry;
    }

    // Everything the registry keeps is counted; the inputs it does not keep (the tag array, the manifests' models) are dropped.
    private static Registry BuildRegistry(int tagCount) =>
        TagRegistry.Build(
            TagSets.Create(tagCount),
            [.. Enumerable.Range(0, TagRegistry.ImageCountFor(tagCount)).Select(OciManifests.Image)],
            TagMutabilityPolicy.Mutable).Registry;

    private static T Fill<T>(T dictionary, int tagCount, Digest[] digests)
        where T : IDictionary<string, Digest>
    {
        string[] tags = TagSets.Create(tagCount);
        for (int i = 0; i < tags.Length; i++)
        {
            dictionary.Add(tags[i], digests[i % digests.Length]);
        }

        return dictionary;
    }

    private static double Measure(TextWriter output, string name, Func<object> build, int tagCount)
    {
        long before = LiveBytes();
        var clock = Stopwatch.StartNew();
        object built = build();
        clock.Stop();
        long after = LiveBytes();
        GC.KeepAlive(built);
        double perTag = (after - before) / (double)tagCount;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {perTag:F1} | {perTag / TargetBytesPerTag:F2}x | {clock.Elapsed.TotalSeconds:F1} s |"));
        return perTag;
    }

    private static long LiveBytes()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    // A string's size on the 64-bit heap: header, method table, length, the characters and a terminator, in 8s.
    private static long StringSize(string text) => (8 + 8 + 4 + (2 * (text.Length + 1)) + 7) / 8 * 8;
}
