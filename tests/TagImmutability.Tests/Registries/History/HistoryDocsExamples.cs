using static TagImmutability.Tests.Registries.RegistryTestExtensions;

namespace TagImmutability.Tests.Registries.History;

/// <summary>The worked examples of docs/history.md, run: what they print and decide is what the document says.</summary>
public sealed class HistoryDocsExamples
{
    [Fact]
    public void Incident_review_finds_what_latest_named_and_who_moved_it()
    {
        var clock = new ManualClock { Now = DateTimeOffset.Parse("2026-11-29T13:00:00Z", System.Globalization.CultureInfo.InvariantCulture) };
        var actor = new AsyncLocal<string?>();
        var registry = new Registry(new RegistryOptions { TimeProvider = clock, ActorProvider = () => actor.Value });
        RepositoryName app = Name("team/app");
        registry.CreateRepository(app);
        ParsedManifest good = Manifests.Image("good", 1);
        ParsedManifest bad = Manifests.Image("bad", 2);
        actor.Value = "ci";
        registry.PutImage(app, good.Content, Tag.Parse("latest"));
        clock.Now = DateTimeOffset.Parse("2026-11-29T14:02:13Z", System.Globalization.CultureInfo.InvariantCulture);
        actor.Value = "alice";
        registry.PutImage(app, bad.Content, Tag.Parse("latest"));
        clock.Now = DateTimeOffset.Parse("2026-11-29T15:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        actor.Value = "ci";
        registry.PutImage(app, good.Content, Tag.Parse("latest"));

        TagResolution then = registry.ResolveAt(app, Tag.Parse("latest"), DateTimeOffset.Parse("2026-11-29T14:05:00Z", System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(then.IsKnown);
        Assert.Equal(bad.Digest, then.Digest);
        TagEvent moved = registry.GetHistory(app).Last(e => e.Tag.Value == "latest" && e.Timestamp <= DateTimeOffset.Parse("2026-11-29T14:05:00Z", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("alice", moved.Actor);
        Assert.Equal($"#1 2026-11-29T14:02:13.0000000+00:00 moved 'latest' {good.Digest} -> {bad.Digest} by alice", moved.ToString());
    }

    [Fact]
    public void Switching_to_IMMUTABLE_WITH_EXCLUSION_after_a_dry_run()
    {
        var registry = new Registry(new RegistryOptions { TimeProvider = new ManualClock() });
        RepositoryName app = Name("team/app");
        registry.CreateRepository(app);
        ParsedManifest v1 = Manifests.Image("v1", 1);
        ParsedManifest dev = Manifests.Image("dev", 2);
        Digest next = Manifests.Image("next", 3).Digest;
        registry.PutImage(app, v1.Content, Tag.Parse("v1"));
        registry.PutImage(app, v1.Content, Tag.Parse("latest"));
        registry.PutImage(app, dev.Content, Tag.Parse("dev-42"));

        var proposed = TagMutabilityPolicy.Create(
            ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest"), TagFilter.Parse("dev-*")]);
        Assert.Equal(["dev-42"], registry.VerifyPattern(app, TagFilter.Parse("dev-*")).Select(i => i.Tag!.Value.Value));

        TagProtectionChange change = Assert.Single(registry.PreviewPolicyChange(app, proposed));
        Assert.StartsWith($"'v1' ({v1.Digest}) becomes immutable: was mutable: the repository is MUTABLE; will be immutable: ", change.ToString(), StringComparison.Ordinal);

        var plan = registry.CheckPushPlan(app, [(Tag.Parse("latest"), next), (Tag.Parse("v2"), next), (Tag.Parse("v2"), next)], proposed);
        Assert.Equal([TagWriteOutcome.Moved, TagWriteOutcome.Created, TagWriteOutcome.RejectedImmutable], plan.Select(d => d.Outcome));

        registry.PutImageTagMutability(app, proposed);
        Assert.Equal(
            $"'v1' names {v1.Digest} and is immutable: IMMUTABLE_WITH_EXCLUSION and no exclusion filter matches",
            registry.Explain(app, Tag.Parse("v1")).ToString());
    }
}
