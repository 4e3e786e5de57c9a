using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using static TagImmutability.Tests.Registries.RegistryTestExtensions;

namespace TagImmutability.Tests.Registries.History;

/// <summary>One test per rule of the tag history (docs/history.md).</summary>
public sealed class TagHistoryTests
{
    private static readonly ParsedManifest A = Manifests.Image("hist-a", 1);
    private static readonly ParsedManifest B = Manifests.Image("hist-b", 2);
    private static readonly ParsedManifest C = Manifests.Image("hist-c", 3);

    private readonly ManualClock _clock = new();
    private string? _actor = "ci";

    private Registry NewRegistry(int maxHistory = RegistryOptions.DefaultMaxHistoryEventsPerRepository) =>
        new(new RegistryOptions { TimeProvider = _clock, MaxHistoryEventsPerRepository = maxHistory, ActorProvider = () => _actor });

    private static Tag T(string text) => Tag.Parse(text, GrammarProfile.Ecr);

    [Fact]
    public void Pushes_and_deletions_record_created_moved_and_removed_with_utc_time_and_actor()
    {
        Registry registry = NewRegistry();
        registry.CreateRepository(Name("app"));
        registry.Push("app", A, "latest");
        _clock.Now += TimeSpan.FromMinutes(1);
        _actor = "alice";
        registry.Push("app", B, "latest");
        _clock.Now += TimeSpan.FromMinutes(1);
        _actor = null;
        registry.BatchDeleteImage(Name("app"), [new ImageId(null, T("latest"))]);

        var history = registry.GetHistory(Name("app"));
        Assert.Equal([TagEventKind.Created, TagEventKind.Moved, TagEventKind.Removed], history.Select(e => e.Kind));
        Assert.Equal([0L, 1L, 2L], history.Select(e => e.Sequence));
        Assert.Equal([null, A.Digest, B.Digest], history.Select(e => e.OldDigest));
        Assert.Equal([A.Digest, B.Digest, null], history.Select(e => e.NewDigest));
        Assert.Equal(["ci", "alice", null], history.Select(e => e.Actor));
        Assert.All(history, e => Assert.Equal(TimeSpan.Zero, e.Timestamp.Offset));
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 12, 1, 0, TimeSpan.Zero), history[1].Timestamp);
        Assert.All(history, e => Assert.Equal(Name("app"), e.Repository));
    }

    [Fact]
    public void A_rejected_push_records_a_rejection_and_changes_no_binding()
    {
        Registry registry = NewRegistry();
        registry.CreateRepository(Name("app"), TagMutabilityPolicy.Immutable);
        registry.Push("app", A, "v1");
        var images = registry.DescribeImages(Name("app"));

        Assert.Throws<ImageTagAlreadyExistsException>(() => registry.Push("app", B, "v1"));
        // The same digest again is rejected too (decision Q1), and recorded.
        Assert.Throws<ImageTagAlreadyExistsException>(() => registry.Push("app", A, "v1"));

        Assert.Equal(A.Digest, registry.Resolve("app", "v1"));
        Assert.Equal(images.ToArray(), registry.DescribeImages(Name("app")).ToArray());
        var history = registry.GetHistory(Name("app"));
        Assert.Equal([TagEventKind.Created, TagEventKind.Rejected, TagEventKind.Rejected], history.Select(e => e.Kind));
        Assert.Equal(A.Digest, history[1].OldDigest);
        Assert.Equal(B.Digest, history[1].NewDigest);
        Assert.Equal(A.Digest, history[1].DigestAfter);
        Assert.Equal(A.Digest, history[2].NewDigest);
    }

    [Fact]
    public void Other_failures_and_untagged_pushes_and_policy_changes_record_nothing()
    {
        Registry registry = NewRegistry();
        registry.CreateRepository(Name("app"));
        registry.Push("app", A, "latest");
        Assert.Throws<ImageAlreadyExistsException>(() => registry.Push("app", A, "latest"));
        registry.Push("app", B);
        registry.PutImageTagMutability(Name("app"), TagMutabilityPolicy.Immutable);
        registry.BatchDeleteImage(Name("app"), [new ImageId(null, T("missing"))]);
        Assert.Single(registry.GetHistory(Name("app")));
    }

    [Fact]
    public void Deleting_by_digest_records_one_removal_per_tag_in_ordinal_order()
    {
        Registry registry = NewRegistry();
        registry.CreateRepository(Name("app"));
        registry.Push("app", A, "z");
        registry.Push("app", A, "a");
        registry.BatchDeleteImage(Name("app"), [ImageId.ForDigest(A.Digest)]);
        var removals = registry.GetHistory(Name("app")).Where(e => e.Kind == TagEventKind.Removed).ToArray();
        Assert.Equal(["a", "z"], removals.Select(e => e.Tag.Value));
    }

    [Fact]
    public void ResolveAt_answers_for_instants_before_between_and_after_events()
    {
        Registry registry = NewRegistry();
        DateTimeOffset t0 = _clock.Now;
        registry.CreateRepository(Name("app"));
        _clock.Now = t0.AddMinutes(10);
        registry.Push("app", A, "latest");
        _clock.Now = t0.AddMinutes(20);
        registry.Push("app", B, "latest");
        _clock.Now = t0.AddMinutes(30);
        registry.BatchDeleteImage(Name("app"), [new ImageId(null, T("latest"))]);

        TagResolution At(int minutes) => registry.ResolveAt(Name("app"), T("latest"), t0.AddMinutes(minutes));
        Assert.Equal(TagResolution.Known(null), At(5));
        Assert.Equal(TagResolution.Known(A.Digest), At(10));
        Assert.Equal(TagResolution.Known(A.Digest), At(19));
        Assert.Equal(TagResolution.Known(B.Digest), At(20));
        Assert.Equal(TagResolution.Known(null), At(30));
        Assert.Equal(TagResolution.Known(null), registry.ResolveAt(Name("app"), T("other"), t0.AddMinutes(25)));
        // Any offset: the instant is compared as UTC.
        Assert.Equal(TagResolution.Known(B.Digest), registry.ResolveAt(Name("app"), T("latest"), t0.AddMinutes(25).ToOffset(TimeSpan.FromHours(9))));
    }

    [Fact]
    public void A_bounded_history_drops_the_oldest_and_answers_unknown_before_its_window()
    {
        Registry registry = NewRegistry(maxHistory: 2);
        DateTimeOffset t0 = _clock.Now;
        registry.CreateRepository(Name("app"));
        registry.Push("app", A, "latest");
        _clock.Now = t0.AddMinutes(1);
        registry.Push("app", B, "latest");
        _clock.Now = t0.AddMinutes(2);
        registry.Push("app", C, "stable");

        var history = registry.GetHistory(Name("app"));
        Assert.Equal([1L, 2L], history.Select(e => e.Sequence));
        Assert.Equal(TagResolution.Unknown, registry.ResolveAt(Name("app"), T("latest"), t0));
        Assert.False(registry.ResolveAt(Name("app"), T("latest"), t0).IsKnown);
        Assert.Equal(TagResolution.Known(B.Digest), registry.ResolveAt(Name("app"), T("latest"), t0.AddMinutes(5)));
        // No retained event of 'never' and events were dropped: a dropped event might have bound it.
        Assert.Equal(TagResolution.Unknown, registry.ResolveAt(Name("app"), T("never"), t0.AddMinutes(5)));
        Assert.Equal("unknown", TagResolution.Unknown.ToString());
    }

    [Fact]
    public void History_goes_with_a_deleted_repository()
    {
        Registry registry = NewRegistry();
        registry.CreateRepository(Name("app"));
        registry.Push("app", A, "latest");
        registry.DeleteRepository(Name("app"), force: true);
        Assert.Throws<RepositoryNotFoundException>(() => registry.GetHistory(Name("app")));
        registry.CreateRepository(Name("app"));
        Assert.Empty(registry.GetHistory(Name("app")));
        Assert.Equal(TagResolution.Known(null), registry.ResolveAt(Name("app"), T("latest"), _clock.Now));
    }

    [Fact]
    public void History_is_exported_as_json()
    {
        Registry registry = NewRegistry();
        registry.CreateRepository(Name("app"), TagMutabilityPolicy.Immutable);
        registry.Push("app", A, "v1");
        _actor = null;
        Assert.Throws<ImageTagAlreadyExistsException>(() => registry.Push("app", B, "v1"));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            registry.WriteHistoryJson(Name("app"), writer);
        }

        using JsonDocument document = JsonDocument.Parse(buffer.ToArray());
        JsonElement root = document.RootElement;
        Assert.Equal("app", root.GetProperty("repositoryName").GetString());
        Assert.Equal(0, root.GetProperty("droppedEvents").GetInt64());
        JsonElement[] events = [.. root.GetProperty("events").EnumerateArray()];
        Assert.Equal(["CREATED", "REJECTED"], events.Select(e => e.GetProperty("event").GetString()));
        Assert.Equal("2026-11-29T12:00:00.0000000+00:00", events[0].GetProperty("timestamp").GetString());
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("oldImageDigest").ValueKind);
        Assert.Equal(A.Digest.ToString(), events[1].GetProperty("oldImageDigest").GetString());
        Assert.Equal(B.Digest.ToString(), events[1].GetProperty("newImageDigest").GetString());
        Assert.Equal("ci", events[0].GetProperty("actor").GetString());
        Assert.Equal(JsonValueKind.Null, events[1].GetProperty("actor").ValueKind);
        Assert.Contains("\"imageTag\":\"v1\"", Encoding.UTF8.GetString(buffer.ToArray()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ValueTask_forms_agree_and_carry_errors_in_the_task()
    {
        Registry registry = NewRegistry();
        registry.CreateRepository(Name("app"), TagMutabilityPolicy.Immutable);
        registry.Push("app", A, "v1");
        Assert.Equal(registry.GetHistory(Name("app")).ToArray(), (await registry.GetHistoryAsync(Name("app"))).ToArray());
        Assert.Equal(TagResolution.Known(A.Digest), await registry.ResolveAtAsync(Name("app"), T("v1"), _clock.Now));
        Assert.Equal(A.Digest, (await registry.ExplainAsync(Name("app"), T("v1"))).CurrentDigest);
        Assert.Single(await registry.VerifyPatternAsync(Name("app"), TagFilter.Parse("v*")));
        Assert.Single(await registry.PreviewPolicyChangeAsync(Name("app"), TagMutabilityPolicy.Mutable));
        Assert.Equal(TagWriteOutcome.Moved, (await registry.CheckPushPlanAsync(Name("app"), [(T("v1"), B.Digest)], TagMutabilityPolicy.Mutable)).Single().Outcome);
        Assert.Single((await registry.PlanUntaggedExpiryAsync(Name("app"), TimeSpan.Zero)).Kept);
        Assert.Empty((await registry.ExpireUntaggedAsync(Name("app"), TimeSpan.Zero)).Expired);
        ValueTask<ImmutableArray<TagEvent>> missing = registry.GetHistoryAsync(Name("missing"));
        Assert.True(missing.IsFaulted);
        await Assert.ThrowsAsync<RepositoryNotFoundException>(async () => await missing);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        Assert.True(registry.ExpireUntaggedAsync(Name("app"), TimeSpan.Zero, cancelled.Token).IsCanceled);
    }

    [Fact]
    public void Concurrent_writers_leave_a_history_that_replays_to_the_bindings()
    {
        Registry registry = NewRegistry();
        registry.CreateRepository(Name("app"), TagMutabilityPolicy.Create(ImageTagMutability.MutableWithExclusion, [TagFilter.Parse("v*")]));
        ParsedManifest[] images = [A, B, C];
        string[] tags = ["latest", "v1", "edge", "v2"];
        Parallel.For(0, 8, worker =>
        {
            var random = new Random(worker);
            for (int i = 0; i < 300; i++)
            {
                string tag = tags[random.Next(tags.Length)];
                try
                {
                    if (random.Next(4) == 0)
                    {
                        registry.BatchDeleteImage(Name("app"), [new ImageId(null, T(tag))]);
                    }
                    else
                    {
                        registry.Push("app", images[random.Next(images.Length)], tag);
                    }
                }
                catch (RegistryException)
                {
                }
            }
        });

        var replayed = new Dictionary<string, Digest>(StringComparer.Ordinal);
        var history = registry.GetHistory(Name("app"));
        Assert.Equal(Enumerable.Range(0, history.Length).Select(i => (long)i), history.Select(e => e.Sequence));
        foreach (TagEvent e in history)
        {
            Assert.Equal(replayed.TryGetValue(e.Tag.Value, out Digest d) ? d : null, e.OldDigest);
            if (e.DigestAfter is { } after)
            {
                replayed[e.Tag.Value] = after;
            }
            else
            {
                replayed.Remove(e.Tag.Value);
            }
        }

        Assert.All(tags, t => Assert.Equal(registry.Resolve("app", t), replayed.TryGetValue(t, out Digest d) ? d : null));
        Assert.Contains(history, e => e.Kind == TagEventKind.Rejected);
    }

    [Fact]
    public void Options_reject_a_history_bound_below_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegistryOptions { MaxHistoryEventsPerRepository = 0 });

    [Fact]
    public void A_racing_rejection_and_write_keep_history_consistent_with_the_bindings()
    {
        Registry registry = NewRegistry();
        registry.CreateRepository(Name("app"), TagMutabilityPolicy.Immutable);
        ParsedManifest[] images = [.. Enumerable.Range(0, 8).Select(i => Manifests.Image("race-" + i, i + 1))];
        Parallel.ForEach(images, image =>
        {
            try
            {
                registry.Push("app", image, "v1");
            }
            catch (ImageTagAlreadyExistsException)
            {
            }
        });

        var history = registry.GetHistory(Name("app"));
        Assert.Equal(TagEventKind.Created, history[0].Kind);
        Assert.Equal(7, history.Count(e => e.Kind == TagEventKind.Rejected));
        Assert.Equal(registry.Resolve("app", "v1"), history[0].NewDigest);
        Assert.All(history.Skip(1), e => Assert.Equal(history[0].NewDigest, e.OldDigest));
    }
}
