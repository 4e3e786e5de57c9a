using static TagImmutability.Tests.Registries.RegistryTestExtensions;

namespace TagImmutability.Tests.Registries.History;

/// <summary>One test per rule of PlanUntaggedExpiry and ExpireUntagged.</summary>
public sealed class UntaggedExpiryTests
{
    private static readonly ParsedManifest Old1 = Manifests.Image("exp-old1", 1);
    private static readonly ParsedManifest Old2 = Manifests.Image("exp-old2", 2);
    private static readonly ParsedManifest Old3 = Manifests.Image("exp-old3", 3);
    private static readonly ParsedManifest Young = Manifests.Image("exp-young", 4);

    private readonly ManualClock _clock = new();
    private readonly Registry _registry;

    public UntaggedExpiryTests()
    {
        _registry = new Registry(new RegistryOptions { TimeProvider = _clock });
        _registry.CreateRepository(Name("app"));
    }

    [Fact]
    public void Only_old_untagged_images_not_referenced_by_a_kept_index_expire()
    {
        ParsedManifest taggedIndex = Manifests.Index(Old1);
        ParsedManifest oldIndex = Manifests.Index(Old2);
        _registry.Push("app", Old1);
        _registry.Push("app", Old2);
        _registry.Push("app", Old3, "stable");
        _registry.Push("app", taggedIndex, "multi");
        _registry.Push("app", oldIndex);
        _clock.Now += TimeSpan.FromDays(10);
        _registry.Push("app", Young);

        UntaggedExpiryPlan plan = _registry.PlanUntaggedExpiry(Name("app"), TimeSpan.FromDays(7));
        Assert.Equal(_clock.Now - TimeSpan.FromDays(7), plan.Cutoff);
        // The untagged old index expires, and with it its old child.
        Assert.Equal([Old2.Digest, oldIndex.Digest], plan.Expired.Select(i => i.Digest));
        Assert.Equal(
            [(Old1.Digest, ExpiryKeepReason.ReferencedByKeptIndex), (Old3.Digest, ExpiryKeepReason.Tagged), (taggedIndex.Digest, ExpiryKeepReason.Tagged), (Young.Digest, ExpiryKeepReason.TooYoung)],
            plan.Kept.Select(k => (k.Image.Digest, k.Reason)));
        Assert.Equal(taggedIndex.Digest, plan.Kept[0].KeptBy);
        Assert.Equal(_registry.DescribeImages(Name("app")).Length, plan.Expired.Length + plan.Kept.Length);
    }

    [Fact]
    public void A_young_untagged_index_keeps_its_old_children_transitively()
    {
        ParsedManifest inner = Manifests.Index(Old1);
        _registry.Push("app", Old1);
        _registry.Push("app", inner);
        _clock.Now += TimeSpan.FromDays(10);
        ParsedManifest outer = Manifests.Index(inner);
        _registry.Push("app", outer);

        UntaggedExpiryPlan plan = _registry.PlanUntaggedExpiry(Name("app"), TimeSpan.FromDays(1));
        Assert.Empty(plan.Expired);
        Assert.Equal(
            [ExpiryKeepReason.ReferencedByKeptIndex, ExpiryKeepReason.ReferencedByKeptIndex, ExpiryKeepReason.TooYoung],
            plan.Kept.Select(k => k.Reason));
        Assert.Equal([inner.Digest, outer.Digest], plan.Kept.Take(2).Select(k => k.KeptBy!.Value));
    }

    [Fact]
    public void ExpireUntagged_applies_exactly_the_plan()
    {
        ParsedManifest index = Manifests.Index(Old1, Old2);
        _registry.Push("app", Old1);
        _registry.Push("app", Old2);
        _registry.Push("app", index);
        _registry.Push("app", Old3, "stable");
        _clock.Now += TimeSpan.FromHours(2);
        _registry.Push("app", Young);

        UntaggedExpiryPlan planned = _registry.PlanUntaggedExpiry(Name("app"), TimeSpan.FromHours(1));
        var history = _registry.GetHistory(Name("app"));
        UntaggedExpiryPlan applied = _registry.ExpireUntagged(Name("app"), TimeSpan.FromHours(1));

        Assert.Equal(planned.Expired.Select(i => i.Digest), applied.Expired.Select(i => i.Digest));
        Assert.Equal(planned.Kept.Select(k => (k.Image.Digest, k.Reason)), applied.Kept.Select(k => (k.Image.Digest, k.Reason)));
        Assert.Equal([Old3.Digest, Young.Digest], _registry.DescribeImages(Name("app")).Select(i => i.Digest));
        Assert.Equal(history.ToArray(), _registry.GetHistory(Name("app")).ToArray());
        Assert.Empty(_registry.ExpireUntagged(Name("app"), TimeSpan.FromHours(1)).Expired);
    }

    [Fact]
    public void An_image_pushed_exactly_at_the_cutoff_is_too_young()
    {
        _registry.Push("app", Old1);
        _clock.Now += TimeSpan.FromHours(1);
        Assert.Equal(ExpiryKeepReason.TooYoung, Assert.Single(_registry.PlanUntaggedExpiry(Name("app"), TimeSpan.FromHours(1)).Kept).Reason);
        Assert.Single(_registry.PlanUntaggedExpiry(Name("app"), TimeSpan.FromMinutes(59)).Expired);
    }

    [Fact]
    public void Parameters_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _registry.PlanUntaggedExpiry(Name("app"), TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _registry.ExpireUntagged(Name("app"), TimeSpan.FromTicks(-1)));
        Assert.Throws<RepositoryNotFoundException>(() => _registry.ExpireUntagged(Name("missing"), TimeSpan.Zero));
    }
}
