using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using TagImmutability.Benchmarks.Shared;
using TagImmutability.Registries;

namespace TagImmutability.Benchmarks.Resolution;

/// <summary>
/// Benchmark 1 again, as latency rather than throughput: each lookup's key is chosen by the digest the previous
/// lookup returned (through a data dependency that always adds zero), so the processor cannot start the next lookup's
/// memory loads before the last one finished. That is what one request pays; <see cref="ResolveBenchmarks"/>, whose
/// lookups are independent, lets the processor overlap the cache misses of consecutive lookups, which favours the
/// shortest code path at 1,000,000 tags.
/// </summary>
/// <remarks>Hits only (a miss returns no digest to depend on). Same probes, structures and baseline as <see cref="ResolveBenchmarks"/>.</remarks>
[MemoryDiagnoser]
public class ResolveLatencyBenchmarks
{
    private Probes _probes = null!;
    private Registry _registry = null!;
    private RepositoryName _repository;
    private TagIndex _index;
    private Dictionary<string, Digest> _dictionary = null!;
    private FrozenDictionary<string, Digest> _frozen = null!;
    private ConcurrentDictionary<string, Digest> _concurrent = null!;

    // Always 0, but the JIT cannot know it: `bits & _zero` keeps the dependency and adds nothing.
    private long _zero;

    /// <summary>How many tags the repository (and each dictionary) holds.</summary>
    [ParamsSource(typeof(TagCounts), nameof(TagCounts.Sizes))]
    public int Tags { get; set; }

    /// <summary>Builds (or reuses) the dictionaries.</summary>
    [GlobalSetup(Targets = [nameof(DictionaryString), nameof(FrozenString), nameof(ConcurrentString)])]
    public void SetUpDictionaries()
    {
        TagFixture fixture = TagFixture.Get(Tags);
        _probes = fixture.HitProbes;
        _dictionary = fixture.Dictionary;
        _frozen = fixture.Frozen;
        _concurrent = fixture.Concurrent;
        _zero = 0;
        Check(DictionaryString(), FrozenString(), ConcurrentString());
    }

    /// <summary>Builds (or reuses) the registry.</summary>
    [GlobalSetup(Targets = [nameof(RegistryTag), nameof(RegistrySpan), nameof(IndexString)])]
    public void SetUpRegistry()
    {
        TagFixture fixture = TagFixture.Get(Tags);
        _probes = fixture.HitProbes;
        _registry = fixture.Registry.Registry;
        _repository = fixture.Registry.Repository;
        _index = fixture.Registry.Index;
        _zero = 0;
        Check(RegistryTag(), RegistrySpan(), IndexString());
    }

    /// <summary>Baseline: <see cref="Dictionary{TKey, TValue}.TryGetValue"/> by string, one lookup after another.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Probes.Count)]
    public int DictionaryString()
    {
        string[] tags = _probes.Strings;
        int found = 0;
        long next = 0;
        for (int n = 0; n < Probes.Count; n++)
        {
            found += _dictionary.TryGetValue(tags[next], out Digest digest) ? 1 : 0;
            next = (next + 1 + (Bits(digest) & _zero)) & (Probes.Count - 1);
        }

        return found;
    }

    /// <summary><see cref="FrozenDictionary{TKey, TValue}.TryGetValue"/> by string, one after another.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int FrozenString()
    {
        string[] tags = _probes.Strings;
        int found = 0;
        long next = 0;
        for (int n = 0; n < Probes.Count; n++)
        {
            found += _frozen.TryGetValue(tags[next], out Digest digest) ? 1 : 0;
            next = (next + 1 + (Bits(digest) & _zero)) & (Probes.Count - 1);
        }

        return found;
    }

    /// <summary><see cref="ConcurrentDictionary{TKey, TValue}.TryGetValue"/> by string, one after another.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int ConcurrentString()
    {
        string[] tags = _probes.Strings;
        int found = 0;
        long next = 0;
        for (int n = 0; n < Probes.Count; n++)
        {
            found += _concurrent.TryGetValue(tags[next], out Digest digest) ? 1 : 0;
            next = (next + 1 + (Bits(digest) & _zero)) & (Probes.Count - 1);
        }

        return found;
    }

    /// <summary><see cref="Registry.TryResolveTag(RepositoryName, Tag, out Digest)"/>, one after another.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int RegistryTag()
    {
        Tag[] tags = _probes.Tags;
        int found = 0;
        long next = 0;
        for (int n = 0; n < Probes.Count; n++)
        {
            found += _registry.TryResolveTag(_repository, tags[next], out Digest digest) ? 1 : 0;
            next = (next + 1 + (Bits(digest) & _zero)) & (Probes.Count - 1);
        }

        return found;
    }

    /// <summary><see cref="Registry.TryResolveTag(RepositoryName, ReadOnlySpan{char}, out Digest)"/> on the tag inside <c>team/app:tag</c>, one after another.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int RegistrySpan()
    {
        char[] text = _probes.NameTagText;
        int[] starts = _probes.NameTagStarts;
        int found = 0;
        long next = 0;
        for (int n = 0; n < Probes.Count; n++)
        {
            int start = starts[next] + Probes.NameTagPrefixLength;
            found += _registry.TryResolveTag(_repository, text.AsSpan(start, starts[next + 1] - start), out Digest digest) ? 1 : 0;
            next = (next + 1 + (Bits(digest) & _zero)) & (Probes.Count - 1);
        }

        return found;
    }

    /// <summary>The repository's tag index alone, by string, one after another.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int IndexString()
    {
        string[] tags = _probes.Strings;
        int found = 0;
        long next = 0;
        for (int n = 0; n < Probes.Count; n++)
        {
            found += _index.TryGetValue(tags[next], out Digest digest) ? 1 : 0;
            next = (next + 1 + (Bits(digest) & _zero)) & (Probes.Count - 1);
        }

        return found;
    }

    // The digest's first 8 bytes, loaded from wherever the structure keeps them: a real data dependency.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Bits(Digest digest) => Unsafe.As<Digest, long>(ref digest);

    private static void Check(params int[] found)
    {
        if (found.Any(f => f != Probes.Count))
        {
            throw new InvalidOperationException($"lookups found [{string.Join(", ", found)}] of {Probes.Count} hit probes");
        }
    }
}
