using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TagImmutability.Benchmarks.Shared;

namespace TagImmutability.Benchmarks.Writes;

/// <summary>
/// Benchmark 3 of the hot-path issue: a policy-checked tag write on an image the repository holds, through the
/// value-returning <see cref="Registry.TagImage"/> and <see cref="Registry.ExplainPush"/>, in a repository of 10,000 or
/// 1,000,000 tags, against <see cref="ConcurrentDictionary{TKey, TValue}"/>'s <c>TryAdd</c> and <c>TryUpdate</c> on the
/// same keys (the dictionary holds the same tags). Each category has its own baseline.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Create</b>: a new tag on an image (2,000 new tags over 4 images of their own per invocation). Creating
/// grows the repository, so before every invocation the repository's snapshot is put back (one reference write; the
/// state is persistent) and the dictionary's new keys removed; BenchmarkDotNet then runs one invocation per iteration.</item>
/// <item><b>Move</b>: a MUTABLE repository; one tag of its own alternates between two images of their own, so every
/// write moves it (the image it leaves keeps no tags; decision Q10). <c>ExplainPush</c> of such a move writes nothing.</item>
/// <item><b>Rejected</b>: the repository switched to IMMUTABLE; pushes of another image under existing tags (4,096 of
/// them in turn), which the policy refuses; <see cref="Registry.TagImage"/> records each refusal in the tag history
/// (decision 0006), <see cref="Registry.ExplainPush"/> only decides.</item>
/// </list>
/// The shared registry's repository is put back as it was after each benchmark.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TagWriteBenchmarks
{
    /// <summary>New tags per Create invocation: 2,000, on 4 images, under ECR's 1,000 tags per image.</summary>
    public const int CreatesPerInvoke = 2_000;

    private const int ImagesForCreates = 4;
    private const int RejectedKeys = 4_096;

    private TagRegistry _fixture = null!;
    private Registry _registry = null!;
    private RepositoryName _repository;
    private ConcurrentDictionary<string, Digest> _concurrent = null!;
    private RepositoryCheckpoint _original;
    private RepositoryCheckpoint _prepared;
    private Digest _imageA;
    private Digest _imageB;
    private Digest[] _createImages = [];
    private Tag[] _newTags = [];
    private string[] _newKeys = [];
    private Tag[] _existingTags = [];
    private string[] _existingKeys = [];
    private Tag _moving;
    private string _movingKey = string.Empty;
    private bool _onA;
    private int _next;

    /// <summary>How many tags the repository (and the dictionary) holds.</summary>
    [ParamsSource(typeof(TagCounts), nameof(TagCounts.Sizes))]
    public int Tags { get; set; }

    /// <summary>Pushes the images the writes use, binds the moving tag to the first of them, and keeps the repository's snapshot to put back.</summary>
    [GlobalSetup(Targets = [nameof(ConcurrentTryAdd), nameof(TagImageCreate), nameof(ConcurrentTryUpdate), nameof(TagImageMove), nameof(ExplainPushMove)])]
    public void SetUpMutable() => Prepare(immutable: false);

    /// <summary>As <see cref="SetUpMutable"/>, then makes the repository IMMUTABLE.</summary>
    [GlobalSetup(Targets = [nameof(ConcurrentTryAddExisting), nameof(TagImageRejected), nameof(ExplainPushRejected)])]
    public void SetUpImmutable() => Prepare(immutable: true);

    /// <summary>Puts the repository and the dictionary back as they were.</summary>
    [GlobalCleanup]
    public void CleanUp()
    {
        _original.Restore();
        foreach (string key in _newKeys)
        {
            _concurrent.TryRemove(key, out _);
        }

        _concurrent.TryRemove(_movingKey, out _);
    }

    /// <summary>Before each Create invocation: the repository as prepared, the dictionary without the new keys.</summary>
    [IterationSetup(Targets = [nameof(ConcurrentTryAdd), nameof(TagImageCreate)])]
    public void ResetCreates()
    {
        _prepared.Restore();
        foreach (string key in _newKeys)
        {
            _concurrent.TryRemove(key, out _);
        }
    }

    /// <summary>Create baseline: <see cref="ConcurrentDictionary{TKey, TValue}.TryAdd"/> of a new key.</summary>
    /// <returns>How many were added.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = CreatesPerInvoke)]
    [BenchmarkCategory("Create")]
    public int ConcurrentTryAdd()
    {
        int added = 0;
        for (int i = 0; i < _newKeys.Length; i++)
        {
            added += _concurrent.TryAdd(_newKeys[i], _createImages[i % ImagesForCreates]) ? 1 : 0;
        }

        return added;
    }

    /// <summary><see cref="Registry.TagImage"/> of a new tag: <see cref="TagWriteOutcome.Created"/>.</summary>
    /// <returns>How many were created.</returns>
    [Benchmark(OperationsPerInvoke = CreatesPerInvoke)]
    [BenchmarkCategory("Create")]
    public int TagImageCreate()
    {
        int created = 0;
        for (int i = 0; i < _newTags.Length; i++)
        {
            created += _registry.TagImage(_repository, _newTags[i], _createImages[i % ImagesForCreates]).Outcome == TagWriteOutcome.Created ? 1 : 0;
        }

        return created;
    }

    /// <summary>Move baseline: <see cref="ConcurrentDictionary{TKey, TValue}.TryUpdate"/> of the moving key to the other digest.</summary>
    /// <returns>Whether it was updated.</returns>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Move")]
    public bool ConcurrentTryUpdate()
    {
        _onA = !_onA;
        return _onA
            ? _concurrent.TryUpdate(_movingKey, _imageA, _imageB)
            : _concurrent.TryUpdate(_movingKey, _imageB, _imageA);
    }

    /// <summary><see cref="Registry.TagImage"/> of the moving tag to the other image: <see cref="TagWriteOutcome.Moved"/>.</summary>
    /// <returns>The decision.</returns>
    [Benchmark]
    [BenchmarkCategory("Move")]
    public TagWriteOutcome TagImageMove()
    {
        _onA = !_onA;
        return _registry.TagImage(_repository, _moving, _onA ? _imageA : _imageB).Outcome;
    }

    /// <summary><see cref="Registry.ExplainPush"/> of a move: the decision <see cref="TagWriteOutcome.Moved"/>, nothing written.</summary>
    /// <returns>The decision.</returns>
    [Benchmark]
    [BenchmarkCategory("Move")]
    public TagWriteOutcome ExplainPushMove() => _registry.ExplainPush(_repository, _moving, _imageB).Outcome;

    /// <summary>Rejected baseline: <see cref="ConcurrentDictionary{TKey, TValue}.TryAdd"/> of a key it holds (refused).</summary>
    /// <returns>Whether it was added (never).</returns>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Rejected")]
    public bool ConcurrentTryAddExisting() => _concurrent.TryAdd(_existingKeys[Next()], _imageB);

    /// <summary><see cref="Registry.TagImage"/> of an existing immutable tag to another image: <see cref="TagWriteOutcome.RejectedImmutable"/>, recorded in the history.</summary>
    /// <returns>The decision.</returns>
    [Benchmark]
    [BenchmarkCategory("Rejected")]
    public TagWriteOutcome TagImageRejected() => _registry.TagImage(_repository, _existingTags[Next()], _imageB).Outcome;

    /// <summary><see cref="Registry.ExplainPush"/> of the same: the decision alone.</summary>
    /// <returns>The decision.</returns>
    [Benchmark]
    [BenchmarkCategory("Rejected")]
    public TagWriteOutcome ExplainPushRejected() => _registry.ExplainPush(_repository, _existingTags[Next()], _imageB).Outcome;

    private int Next()
    {
        int next = _next;
        _next = (next + 1) & (RejectedKeys - 1);
        return next;
    }

    private void Prepare(bool immutable)
    {
        TagFixture fixture = TagFixture.Get(Tags);
        _fixture = fixture.Registry;
        _registry = _fixture.Registry;
        _repository = _fixture.Repository;
        _concurrent = fixture.Concurrent;
        _original = new RepositoryCheckpoint(_fixture);

        // Images of their own, beyond the fixture's build numbers, so no write touches the fixture's 500-tag images.
        Digest Push(int build) => _registry.PutImage(_repository, OciManifests.Image(build).Content).Digest;
        _imageA = Push(2_000_001);
        _imageB = Push(2_000_002);
        _createImages = [.. Enumerable.Range(2_000_003, ImagesForCreates).Select(Push)];

        _movingKey = "stable";
        _moving = Tag.Parse(_movingKey, GrammarProfile.Ecr);
        _registry.TagImage(_repository, _moving, _imageA);
        _concurrent[_movingKey] = _imageA;
        _onA = true;

        _newKeys = [.. Enumerable.Range(0, CreatesPerInvoke).Select(i => $"pr-{i}-20261207")];
        _newTags = [.. _newKeys.Select(k => Tag.Parse(k, GrammarProfile.Ecr))];
        _existingTags = [.. fixture.HitProbes.Tags.Take(RejectedKeys)];
        _existingKeys = [.. fixture.HitProbes.Strings.Take(RejectedKeys)];

        if (immutable)
        {
            _registry.PutImageTagMutability(_repository, TagMutabilityPolicy.Immutable);
        }

        _prepared = new RepositoryCheckpoint(_fixture);
        Check(immutable);
    }

    // Each benchmark must do what it says, or its figure means nothing.
    private void Check(bool immutable)
    {
        if (immutable)
        {
            Expect(TagImageRejected() == TagWriteOutcome.RejectedImmutable && ExplainPushRejected() == TagWriteOutcome.RejectedImmutable && !ConcurrentTryAddExisting(), "rejections");
        }
        else
        {
            Expect(TagImageCreate() == CreatesPerInvoke && ConcurrentTryAdd() == CreatesPerInvoke, "creates");
            ResetCreates();
            Expect(ExplainPushMove() == TagWriteOutcome.Moved && TagImageMove() == TagWriteOutcome.Moved && TagImageMove() == TagWriteOutcome.Moved, "moves");
            Expect(ConcurrentTryUpdate() && ConcurrentTryUpdate(), "dictionary moves");
        }

        _prepared.Restore();
        _next = 0;
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"the {what} did not do what the benchmark measures");
        }
    }
}
