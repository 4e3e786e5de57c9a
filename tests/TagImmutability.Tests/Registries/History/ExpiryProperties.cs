namespace TagImmutability.Tests.Registries.History;

/// <summary>Untagged expiry on random repositories with images and (nested) indexes.</summary>
public sealed class ExpiryProperties
{
    private static readonly ParsedManifest[] Pool = BuildPool();

    private static readonly RepositoryName Repository = RepositoryName.Parse("expiry/app");

    private static ParsedManifest[] BuildPool()
    {
        ParsedManifest[] images = [.. Enumerable.Range(0, 4).Select(i => Manifests.Image("expiry-" + i, i + 1))];
        ParsedManifest x0 = Manifests.Index(images[0], images[1]);
        ParsedManifest x1 = Manifests.Index(images[2]);
        ParsedManifest x2 = Manifests.Index(x1, images[3]);
        return [.. images, x0, x1, x2];
    }

    private static Gen<(int Kind, int A, int B)[]> Steps =>
        Gen.Choose(0, 30).SelectMany(n => Gen.ArrayOf(
            from kind in Gen.Choose(0, 5)
            from a in Gen.Choose(0, Pool.Length - 1)
            from b in Gen.Choose(0, 3)
            select (kind, a, b), n));

    private static (Registry Registry, ManualClock Clock) Build((int Kind, int A, int B)[] steps)
    {
        var clock = new ManualClock();
        var registry = new Registry(new RegistryOptions { TimeProvider = clock });
        registry.CreateRepository(Repository);
        foreach ((int kind, int a, int b) in steps)
        {
            try
            {
                switch (kind)
                {
                    case 0:
                        registry.PutImage(Repository, Pool[a].Content);
                        break;
                    case 1 or 2:
                        registry.PutImage(Repository, Pool[a].Content, Tag.Parse("t" + b, GrammarProfile.Ecr));
                        break;
                    case 3:
                        registry.BatchDeleteImage(Repository, [new ImageId(null, Tag.Parse("t" + b, GrammarProfile.Ecr))]);
                        break;
                    default:
                        clock.Now += TimeSpan.FromSeconds(b);
                        break;
                }
            }
            catch (RegistryException)
            {
            }
        }

        return (registry, clock);
    }

    [Fact]
    public void Generated_scenarios_expire_images_and_keep_them_for_every_reason()
    {
        var reasons = new Dictionary<ExpiryKeepReason, int>();
        int expired = 0;
        foreach (var steps in Steps.Sample(300))
        {
            (Registry registry, _) = Build(steps);
            UntaggedExpiryPlan plan = registry.PlanUntaggedExpiry(Repository, TimeSpan.FromSeconds(2));
            expired += plan.Expired.Length;
            foreach (ExpiryKeptImage kept in plan.Kept)
            {
                reasons[kept.Reason] = reasons.GetValueOrDefault(kept.Reason) + 1;
            }
        }

        Assert.True(expired >= 10, $"expired: {expired}");
        Assert.All(Enum.GetValues<ExpiryKeepReason>(), r => Assert.True(reasons.GetValueOrDefault(r) >= 10, $"{r}: {reasons.GetValueOrDefault(r)}"));
    }

    [Property(MaxTest = 300)]
    public Property ExpireUntagged_applies_the_plan_and_never_breaks_a_kept_index() =>
        Prop.ForAll(
            Steps.ToArbitrary(),
            Gen.Choose(0, 4).ToArbitrary(),
            (steps, olderThanSeconds) =>
            {
                (Registry registry, _) = Build(steps);

                TimeSpan olderThan = TimeSpan.FromSeconds(olderThanSeconds);
                var before = registry.DescribeImages(Repository).ToDictionary(i => i.Digest);
                UntaggedExpiryPlan plan = registry.PlanUntaggedExpiry(Repository, olderThan);
                UntaggedExpiryPlan applied = registry.ExpireUntagged(Repository, olderThan);
                var after = registry.DescribeImages(Repository).ToDictionary(i => i.Digest);
                var expired = plan.Expired.Select(i => i.Digest).ToHashSet();

                bool samePlan = plan.Expired.Select(i => i.Digest).SequenceEqual(applied.Expired.Select(i => i.Digest))
                    && plan.Kept.Select(k => (k.Image.Digest, k.Reason)).SequenceEqual(applied.Kept.Select(k => (k.Image.Digest, k.Reason)));
                bool partition = expired.Count + plan.Kept.Length == before.Count
                    && after.Keys.ToHashSet().SetEquals(plan.Kept.Select(k => k.Image.Digest));
                bool expiredRight = plan.Expired.All(i => i.Tags.IsEmpty && i.PushedAt < plan.Cutoff);
                bool noDangling = after.Values.All(i => i.ReferencedDigests.All(after.ContainsKey));
                bool reasonsRight = plan.Kept.All(k => k.Reason switch
                {
                    ExpiryKeepReason.Tagged => !k.Image.Tags.IsEmpty,
                    ExpiryKeepReason.TooYoung => k.Image.Tags.IsEmpty && k.Image.PushedAt >= plan.Cutoff,
                    _ => k.Image.Tags.IsEmpty && k.Image.PushedAt < plan.Cutoff
                        && k.KeptBy is { } by && after.TryGetValue(by, out ImageDetail? index) && index.ReferencedDigests.Contains(k.Image.Digest),
                });
                return (samePlan && partition && expiredRight && noDangling && reasonsRight)
                    .Label($"same {samePlan}, partition {partition}, expired {expiredRight}, dangling {!noDangling}, reasons {reasonsRight}");
            });
}
