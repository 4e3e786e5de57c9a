using System.Buffers;
using BenchmarkDotNet.Attributes;
using TagImmutability.Benchmarks.Shared;

namespace TagImmutability.Benchmarks.Resolution;

/// <summary>
/// Benchmark 2 of the hot-path issue: an image reference's text,
/// <c>123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:tag</c>, to a digest, end to end (parse, find the
/// repository, find the tag). Baseline: <see cref="ImageReference.TryParse(ReadOnlySpan{char}, out ImageReference)"/>
/// then two <see cref="Dictionary{TKey, TValue}"/> lookups (repository, then tag). The floor: splitting the text with
/// <c>IndexOf</c>/<see cref="SearchValues"/> (no validation at all) and two alternate lookups.
/// </summary>
/// <remarks>
/// Hits only (benchmark 1 measures misses); the registry holds 64 repositories, and the dictionaries the same 64.
/// <see cref="Probes.Count"/> references per invocation, in random order.
/// </remarks>
[MemoryDiagnoser]
public class ReferenceResolveBenchmarks
{
    private static readonly SearchValues<char> HostMarks = SearchValues.Create(".:");
    private Probes _probes = null!;
    private Registry _registry = null!;
    private Dictionary<string, Dictionary<string, Digest>> _repositories = null!;
    private Dictionary<string, Dictionary<string, Digest>.AlternateLookup<ReadOnlySpan<char>>>.AlternateLookup<ReadOnlySpan<char>> _repositorySpans;

    /// <summary>How many tags the repository holds.</summary>
    [ParamsSource(typeof(TagCounts), nameof(TagCounts.Sizes))]
    public int Tags { get; set; }

    /// <summary>Builds (or reuses) the registry, the dictionaries and the references, and checks that every form resolves every reference.</summary>
    [GlobalSetup]
    public void SetUp()
    {
        TagFixture fixture = TagFixture.Get(Tags);
        _probes = fixture.HitProbes;
        _registry = fixture.Registry.Registry;
        _repositories = new Dictionary<string, Dictionary<string, Digest>>(StringComparer.Ordinal);
        for (int i = 0; i < 63; i++)
        {
            _repositories.Add($"team/svc-{i:00}", new Dictionary<string, Digest>(StringComparer.Ordinal));
        }

        _repositories.Add(TagRegistry.RepositoryText, fixture.Dictionary);
        _repositorySpans = _repositories
            .ToDictionary(r => r.Key, r => r.Value.GetAlternateLookup<ReadOnlySpan<char>>(), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        int[] found = [ParseThenDictionary(), SplitThenDictionary(), RegistryChars(), RegistryUtf8(), ParseThenRegistry()];
        if (found.Any(f => f != Probes.Count))
        {
            throw new InvalidOperationException($"resolved [{string.Join(", ", found)}] of {Probes.Count} references");
        }
    }

    /// <summary>Baseline: <see cref="ImageReference.TryParse(ReadOnlySpan{char}, out ImageReference)"/>, then the repository's and the tag's dictionaries.</summary>
    /// <returns>How many references resolved.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Probes.Count)]
    public int ParseThenDictionary()
    {
        int found = 0;
        char[] text = _probes.ReferenceText;
        int[] starts = _probes.ReferenceStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            if (ImageReference.TryParse(text.AsSpan(starts[i], starts[i + 1] - starts[i]), out ImageReference reference)
                && reference.Tag is { } tag
                && _repositories.TryGetValue(reference.Repository.Value, out Dictionary<string, Digest>? tags)
                && tags.TryGetValue(tag.Value, out _))
            {
                found++;
            }
        }

        return found;
    }

    /// <summary>The floor: split at the host's <c>/</c> and the tag's <c>:</c> without validating, then two alternate lookups.</summary>
    /// <returns>How many references resolved.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int SplitThenDictionary()
    {
        int found = 0;
        char[] text = _probes.ReferenceText;
        int[] starts = _probes.ReferenceStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            if (Split(text.AsSpan(starts[i], starts[i + 1] - starts[i]), out ReadOnlySpan<char> repository, out ReadOnlySpan<char> tag)
                && _repositorySpans.TryGetValue(repository, out Dictionary<string, Digest>.AlternateLookup<ReadOnlySpan<char>> tags)
                && tags.TryGetValue(tag, out _))
            {
                found++;
            }
        }

        return found;
    }

    /// <summary><see cref="Registry.TryResolve(ReadOnlySpan{char}, out Digest)"/>: checks the whole reference grammar, then looks up.</summary>
    /// <returns>How many references resolved.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int RegistryChars()
    {
        int found = 0;
        char[] text = _probes.ReferenceText;
        int[] starts = _probes.ReferenceStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            found += _registry.TryResolve(text.AsSpan(starts[i], starts[i + 1] - starts[i]), out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary><see cref="Registry.TryResolve(ReadOnlySpan{byte}, out Digest)"/> on the reference's UTF-8 bytes.</summary>
    /// <returns>How many references resolved.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int RegistryUtf8()
    {
        int found = 0;
        byte[] text = _probes.ReferenceUtf8;
        int[] starts = _probes.ReferenceStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            found += _registry.TryResolve(text.AsSpan(starts[i], starts[i + 1] - starts[i]), out _) ? 1 : 0;
        }

        return found;
    }

    /// <summary>Like-for-like with the baseline: <see cref="ImageReference.TryParse(ReadOnlySpan{char}, out ImageReference)"/>, then <see cref="Registry.TryResolve(ImageReference, out Digest)"/>.</summary>
    /// <returns>How many references resolved.</returns>
    [Benchmark(OperationsPerInvoke = Probes.Count)]
    public int ParseThenRegistry()
    {
        int found = 0;
        char[] text = _probes.ReferenceText;
        int[] starts = _probes.ReferenceStarts;
        for (int i = 0; i < Probes.Count; i++)
        {
            found += ImageReference.TryParse(text.AsSpan(starts[i], starts[i + 1] - starts[i]), out ImageReference reference)
                && _registry.TryResolve(reference, out _) ? 1 : 0;
        }

        return found;
    }

    // distribution/reference's host rule (first component with '.' or ':' or "localhost"), then the tag after the last
    // ':' of the last component, up to any '@'. No character is checked.
    private static bool Split(ReadOnlySpan<char> text, out ReadOnlySpan<char> repository, out ReadOnlySpan<char> tag)
    {
        int slash = text.IndexOf('/');
        if (slash > 0 && (text[..slash].ContainsAny(HostMarks) || text[..slash].SequenceEqual("localhost")))
        {
            text = text[(slash + 1)..];
        }

        int at = text.IndexOf('@');
        if (at >= 0)
        {
            text = text[..at];
        }

        int lastSlash = text.LastIndexOf('/');
        int colon = text[(lastSlash + 1)..].IndexOf(':');
        if (colon < 0)
        {
            repository = tag = default;
            return false;
        }

        colon += lastSlash + 1;
        repository = text[..colon];
        tag = text[(colon + 1)..];
        return true;
    }
}
