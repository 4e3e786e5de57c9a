using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text;
using BenchmarkDotNet.Attributes;
using TagImmutability.Benchmarks.Shared;
using TagImmutability.Registries;

namespace TagImmutability.Benchmarks.Resolution;

/// <summary>
/// Benchmark 1 of the hot-path issue: a tag to its digest in one repository of 10,000 or 1,000,000 tags, by string
/// (<see cref="Tag"/>), by UTF-16 span (the tag sliced out of <c>team/app:tag</c>) and by UTF-8 bytes (the tag inside
/// <c>/v2/team/app/manifests/tag</c>), hits and misses, against <see cref="Dictionary{TKey, TValue}"/> (ordinal, the
/// baseline), <see cref="FrozenDictionary{TKey, TValue}"/> and <see cref="ConcurrentDictionary{TKey, TValue}"/> holding
/// the same tags, and for spans their alternate lookups.
/// </summary>
/// <remarks>
/// Every benchmark looks up the same <see cref="Probes.Count"/> random keys in the same order per invocation, so a
/// figure is the mean time of one lookup. The registry's <c>TryResolveTag</c> finds the repository first (a second
/// lookup, in a map of 64 repositories); the <c>Index</c> benchmarks read the repository's tag index directly, which
/// is the like-for-like comparison with a dictionary. UTF-8 has no BCL dictionary lookup; its baseline decodes to a
/// stack buffer and uses the dictionary's alternate lookup.
/// </remarks>
[MemoryDiagnoser]
public class ResolveBenchmarks
{
    private Probes _probes = null!;
    private Registry _registry = null!;
    private RepositoryName _repository;
    private TagIndex _index;
    private Dictionary<string, Digest> _dictionary = null!;
    private Dictionary<string, Digest>.AlternateLookup<ReadOnlySpan<char>> _dictionarySpans;
    private FrozenDictionary<string, Digest> _frozen = null!;
    private FrozenDictionary<string, Digest>.AlternateLookup<ReadOnlySpan<char>> _frozenSpans;
    private ConcurrentDictionary<string, Digest> _concurrent = null!;
    private ConcurrentDictionary<string, Digest>.AlternateLookup<ReadOnlySpan<char>> _concurrentSpans;

    /// <summary>How many tags the repository (and each dictionary) holds.</summary>
    [ParamsSource(typeof(TagCounts), nameof(TagCounts.Sizes))]
    public int Tags { get; set; }

    /// <summary>Hits or misses.</summary>
    [Params(Lookup.Hit, Lookup.Miss)]
    public Lookup Lookup { get; set; }

    /// <summary>Builds (or reuses) the probes; the registry only for the registry's benchmarks, so a dictionary's process does not wait for it.</summary>
    [GlobalSetup(Targets = [nameof(DictionaryString), nameof(DictionarySpan), nameof(DictionaryUtf8)])]
    public void SetUpDictionary()
    {
        SetUpProbes();
        _dictionary = TagFixture.Get(Tags).Dictionary;
        _dictionarySpans = _dictionary.GetAlternateLookup<ReadOnlySpan<char>>();
        Check(DictionaryString(), DictionarySpan(), DictionaryUtf8());
    }

    /// <summary>Builds (or reuses) the frozen dictionary.</summary>
    [GlobalSetup(Targets = [nameof(FrozenString), nameof(FrozenSpan)])]
    public void SetUpFrozen()
    {
        SetUpProbes();
        _frozen = TagFixture.Get(Tags).Frozen;
        _frozenSpans = _frozen.GetAlternateLookup<ReadOnlySpan<char>>();
        Check(FrozenString(), FrozenSpan());
    }

    /// <summary>Builds (or reuses) the concurrent dictionary.</summary>
    [GlobalSetup(Targets = [nameof(ConcurrentString), nameof(ConcurrentSpan)])]
    public void SetUpConcurrent()
    {
        SetUpProbes();
        _concurrent = TagFixture.Get(Tags).Concurrent;
        _concurrentSpans = _concurrent.GetAlternateLookup<ReadOnlySpan<char>>();
        Check(ConcurrentString(), ConcurrentSpan());
    }

    /// <summary>Builds (or reuses) the registry.</summary>
    [GlobalSetup(Targets = [nameof(RegistryTag), nameof(RegistrySpan), nameof(RegistryUtf8), nameof(IndexString), nameof(IndexSpan), nameof(IndexUtf8)])]
    public void SetUpRegistry()
    {
        SetUpProbes();
        TagRegistry registry = TagFixture.Get(Tags).Registry;
        _registry = registry.Registry;
        _repository = registry.Repository;
        _index = registry.Index;
        Check(RegistryTag(), RegistrySpan(), RegistryUtf8(), IndexString(), IndexSpan(), IndexUtf8());
    }

    /// <summary>Baseline: <see cref="Dictionary{TKey, TValue}.TryGetValue"/> by string.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Probes.Count)]
    public int DictionaryString()
    {
        int found = 0;
        foreach (string tag in _probes.Strings)
        {
            found += _dictionary.TryGetValue(tag, out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary><see cref="FrozenDictionary{TKey, TValue}.TryGetValue"/> by string.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int FrozenString()
    {
        int found = 0;
        foreach (string tag in _probes.Strings)
        {
            found += _frozen.TryGetValue(tag, out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary><see cref="ConcurrentDictionary{TKey, TValue}.TryGetValue"/> by string.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int ConcurrentString()
    {
        int found = 0;
        foreach (string tag in _probes.Strings)
        {
            found += _concurrent.TryGetValue(tag, out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary><see cref="Registry.TryResolveTag(RepositoryName, Tag, out Digest)"/>: the repository, then the tag.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int RegistryTag()
    {
        int found = 0;
        foreach (Tag tag in _probes.Tags)
        {
            found += _registry.TryResolveTag(_repository, tag, out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary>The repository's tag index alone, by string.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int IndexString()
    {
        int found = 0;
        foreach (string tag in _probes.Strings)
        {
            found += _index.TryGetValue(tag, out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary>The dictionary's alternate lookup by the span of the tag inside <c>team/app:tag</c>.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int DictionarySpan()
    {
        int found = 0;
        char[] text = _probes.NameTagText;
        int[] starts = _probes.NameTagStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            int start = starts[i] + Probes.NameTagPrefixLength;
            found += _dictionarySpans.TryGetValue(text.AsSpan(start, starts[i + 1] - start), out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary>The frozen dictionary's alternate lookup by span.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int FrozenSpan()
    {
        int found = 0;
        char[] text = _probes.NameTagText;
        int[] starts = _probes.NameTagStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            int start = starts[i] + Probes.NameTagPrefixLength;
            found += _frozenSpans.TryGetValue(text.AsSpan(start, starts[i + 1] - start), out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary>The concurrent dictionary's alternate lookup by span.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int ConcurrentSpan()
    {
        int found = 0;
        char[] text = _probes.NameTagText;
        int[] starts = _probes.NameTagStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            int start = starts[i] + Probes.NameTagPrefixLength;
            found += _concurrentSpans.TryGetValue(text.AsSpan(start, starts[i + 1] - start), out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary><see cref="Registry.TryResolveTag(RepositoryName, ReadOnlySpan{char}, out Digest)"/>.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int RegistrySpan()
    {
        int found = 0;
        char[] text = _probes.NameTagText;
        int[] starts = _probes.NameTagStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            int start = starts[i] + Probes.NameTagPrefixLength;
            found += _registry.TryResolveTag(_repository, text.AsSpan(start, starts[i + 1] - start), out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary>The tag index alone, by span.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int IndexSpan()
    {
        int found = 0;
        char[] text = _probes.NameTagText;
        int[] starts = _probes.NameTagStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            int start = starts[i] + Probes.NameTagPrefixLength;
            found += _index.TryGetValue(text.AsSpan(start, starts[i + 1] - start), out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary>UTF-8 for a dictionary: decode the tag to a stack buffer, then the alternate lookup.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int DictionaryUtf8()
    {
        int found = 0;
        byte[] paths = _probes.HttpPathUtf8;
        int[] starts = _probes.HttpPathStarts;
        Span<char> buffer = stackalloc char[256];
        for (int i = 0; i < Probes.Count; i++)
        {
            int start = starts[i] + Probes.HttpPrefixLength;
            int length = Encoding.UTF8.GetChars(paths.AsSpan(start, starts[i + 1] - start), buffer);
            found += _dictionarySpans.TryGetValue(buffer[..length], out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary><see cref="Registry.TryResolveTag(RepositoryName, ReadOnlySpan{byte}, out Digest)"/> on the tag's bytes inside the HTTP path.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int RegistryUtf8()
    {
        int found = 0;
        byte[] paths = _probes.HttpPathUtf8;
        int[] starts = _probes.HttpPathStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            int start = starts[i] + Probes.HttpPrefixLength;
            found += _registry.TryResolveTag(_repository, paths.AsSpan(start, starts[i + 1] - start), out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary>The tag index alone, by UTF-8 bytes.</summary>
    /// <returns>How many keys were found.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int IndexUtf8()
    {
        int found = 0;
        byte[] paths = _probes.HttpPathUtf8;
        int[] starts = _probes.HttpPathStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            int start = starts[i] + Probes.HttpPrefixLength;
            found += _index.TryGetValue(paths.AsSpan(start, starts[i + 1] - start), out _) ? 1 : 0;
        }

        return found;
    }

    // Every form must find exactly the probes that are there, or its figure means nothing.
    private void Check(params int[] found)
    {
        int expected = Lookup == Lookup.Hit ? Probes.Count : 0;
        if (found.Any(f => f != expected))
        {
            throw new InvalidOperationException($"lookups found [{string.Join(", ", found)}] of {Probes.Count} {Lookup} probes; expected {expected}");
        }
    }

    private void SetUpProbes()
    {
        _probes = TagFixture.Get(Tags).Probes(Lookup);
    }
}
