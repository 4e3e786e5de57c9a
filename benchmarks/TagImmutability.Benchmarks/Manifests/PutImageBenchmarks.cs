using System.Security.Cryptography;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TagImmutability.Benchmarks.Shared;

namespace TagImmutability.Benchmarks.Manifests;

/// <summary>
/// Benchmark 4 of the hot-path issue: <see cref="Registry.PutImage"/> of a real OCI image manifest (about 1.6 KB: a
/// config, 7 layers, 5 annotations; <see cref="OciManifests"/>) under a tag of a MUTABLE repository of 10,000 or
/// 1,000,000 tags, against the floor of the work a push must do: SHA-256 of the bytes
/// (<see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>) plus one <see cref="Utf8JsonReader"/> pass over them.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>RePush</b>: two stored manifests pushed in turn under one tag, so every push hashes, parses and validates the
/// bytes, finds the image stored, and moves the tag (the commonest CI push: the same build pushed again).</item>
/// <item><b>NewImage</b>: 500 new manifests per invocation under one tag, which moves to each (the image it leaves
/// stays, untagged). That grows the repository, so its snapshot is put back before every invocation and
/// BenchmarkDotNet runs one invocation per iteration.</item>
/// </list>
/// The floor reads the same bytes as the push it stands beside (two manifests in turn).
/// </remarks>
[MemoryDiagnoser]
public class PutImageBenchmarks
{
    /// <summary>New manifests per NewImage invocation: 500.</summary>
    public const int NewImagesPerInvoke = 500;

    private readonly byte[] _hash = new byte[32];
    private Registry _registry = null!;
    private RepositoryName _repository;
    private RepositoryCheckpoint _original;
    private RepositoryCheckpoint _prepared;
    private ReadOnlyMemory<byte>[] _pair = [];
    private ReadOnlyMemory<byte>[] _newImages = [];
    private Tag _tag;
    private int _turn;

    /// <summary>How many tags the repository holds.</summary>
    [ParamsSource(typeof(TagCounts), nameof(TagCounts.Sizes))]
    public int Tags { get; set; }

    /// <summary>Stores the two manifests of the re-push, binds the tag to the first, and keeps the repository's snapshot to put back.</summary>
    [GlobalSetup]
    public void SetUp()
    {
        TagRegistry fixture = TagFixture.Get(Tags).Registry;
        _registry = fixture.Registry;
        _repository = fixture.Repository;
        _original = new RepositoryCheckpoint(fixture);
        _tag = Tag.Parse("main", GrammarProfile.Ecr);
        _pair = [OciManifests.Image(3_000_001).Content, OciManifests.Image(3_000_002).Content];
        _newImages = [.. Enumerable.Range(3_000_003, NewImagesPerInvoke).Select(i => OciManifests.Image(i).Content)];
        _registry.PutImage(_repository, _pair[1], _tag);
        _registry.PutImage(_repository, _pair[0], _tag);
        _turn = 0;
        _prepared = new RepositoryCheckpoint(fixture);

        int floor = Floor();
        _turn = 1;
        if (floor != 32 || ParseOnly() != OciManifests.LayerCount || !RePush() || NewImage() != NewImagesPerInvoke || _pair[0].Length is < 1024 or > 2048)
        {
            throw new InvalidOperationException("a push did not do what the benchmark measures, or the manifest is not 1-2 KB");
        }

        _prepared.Restore();
        _turn = 0;
    }

    /// <summary>Puts the repository back as it was.</summary>
    [GlobalCleanup]
    public void CleanUp() => _original.Restore();

    /// <summary>Before each NewImage invocation: the repository as prepared.</summary>
    [IterationSetup(Target = nameof(NewImage))]
    public void ResetNewImages() => _prepared.Restore();

    /// <summary>The floor: SHA-256 of the manifest's bytes plus one <see cref="Utf8JsonReader"/> pass over them.</summary>
    /// <returns>The hash's length, so nothing is optimised away.</returns>
    [Benchmark(Baseline = true)]
    public int Floor()
    {
        ReadOnlySpan<byte> manifest = _pair[_turn ^= 1].Span;
        int written = SHA256.HashData(manifest, _hash);
        var reader = new Utf8JsonReader(manifest);
        while (reader.Read())
        {
        }

        return written + (int)(reader.BytesConsumed - manifest.Length);
    }

    /// <summary>
    /// Part of a push, for the breakdown: <see cref="ManifestParser.Parse(ReadOnlyMemory{byte})"/> alone (SHA-256, the
    /// JSON pass, the OCI rules, the model), without the registry's write.
    /// </summary>
    /// <returns>The number of layers, so nothing is optimised away.</returns>
    [Benchmark]
    public int ParseOnly() => ((ImageManifest)ManifestParser.Parse(_pair[_turn ^= 1]).Manifest).Layers.Length;

    /// <summary><see cref="Registry.PutImage"/> of one of two stored manifests in turn under the tag, which moves to it.</summary>
    /// <returns>Whether the tag now names the pushed image.</returns>
    [Benchmark]
    public bool RePush() => !_registry.PutImage(_repository, _pair[_turn ^= 1], _tag).Tags.IsEmpty;

    /// <summary><see cref="Registry.PutImage"/> of 500 new manifests under the tag, which moves to each.</summary>
    /// <returns>How many pushes left the tag on the new image.</returns>
    [Benchmark(OperationsPerInvoke = NewImagesPerInvoke)]
    public int NewImage()
    {
        int pushed = 0;
        foreach (ReadOnlyMemory<byte> manifest in _newImages)
        {
            pushed += _registry.PutImage(_repository, manifest, _tag).Tags.IsEmpty ? 0 : 1;
        }

        return pushed;
    }
}
