using System.Text;
using System.Text.Json;
using TagImmutability.Tests.Registries;
using TagImmutability.Tests.Registries.Model;

namespace TagImmutability.Tests.Snapshots;

/// <summary>
/// Random registries for the snapshot tests: the model test's random scenarios (pushes, moves, deletions, policy and
/// repository changes over a small pool of manifests, indexes included) run against a registry with a manual clock,
/// an actor provider and, now and then, a history bound small enough to drop events. Also the observation of
/// everything a registry answers, as text, so that two registries can be compared in one assertion.
/// </summary>
public static class SnapshotFixture
{
    /// <summary>A scenario and the history bound to run it under.</summary>
    public sealed record Setup(Scenario Scenario, int HistoryBound)
    {
        public override string ToString() => $"history bound {HistoryBound}; {Scenario}";
    }

    public static Gen<Setup> Setups =>
        from scenario in StepGenerators.Scenario
        from bound in Gen.Frequency((3, Gen.Constant(RegistryOptions.DefaultMaxHistoryEventsPerRepository)), (1, Gen.Choose(1, 4)))
        select new Setup(scenario, bound);

    public static Arbitrary<Setup> Arbitrary => Arb.From(Setups, s => StepGenerators.Shrink(s.Scenario).Select(shrunk => s with { Scenario = shrunk }));

    private static readonly string?[] Actors = ["ci", null, "alice@example.com", "deploy \"bot\" \u00e9"];

    /// <summary>The options a setup's registry runs under; <paramref name="clock"/> is its clock and chooses the actor.</summary>
    public static RegistryOptions Options(Setup setup, ManualClock clock)
    {
        return new RegistryOptions
        {
            TimeProvider = clock,
            MaxTagsPerImage = setup.Scenario.Limits.MaxTagsPerImage,
            MaxImagesPerRepository = setup.Scenario.Limits.MaxImagesPerRepository,
            MaxHistoryEventsPerRepository = setup.HistoryBound,
            // From the clock, so that two registries on equal clocks name the same actors.
            ActorProvider = () => Actors[clock.Now.Second % Actors.Length],
        };
    }

    /// <summary>Runs the setup's steps (outcomes ignored: failures are part of the history) one second apart, with sub-second noise.</summary>
    public static (Registry Registry, ManualClock Clock) Build(Setup setup)
    {
        var clock = new ManualClock { Now = RegistryDriver.Epoch };
        var registry = new Registry(Options(setup, clock));
        var driver = new RegistryDriver(registry);
        for (int i = 0; i < setup.Scenario.Steps.Length; i++)
        {
            // Ticks that no whole-second or millisecond format keeps, so that a lossy timestamp shows.
            clock.Now = RegistryDriver.Epoch.AddSeconds(i + 1).AddTicks(i * 1237);
            driver.Apply(setup.Scenario.Steps[i]);
        }

        return (registry, clock);
    }

    public static byte[] Export(Registry registry)
    {
        using var stream = new MemoryStream();
        RegistrySnapshot.Write(registry, stream);
        return stream.ToArray();
    }

    /// <summary>
    /// Everything the registry answers about its state, as text: DescribeRepositories, and per repository the ECR
    /// facade's DescribeImages, ListImages and BatchGetImage bodies (exact manifest bytes included), GetHistory,
    /// Explain and TryResolveTag of every tag of the alphabet, and the expiry plan.
    /// </summary>
    public static string Observe(Registry registry)
    {
        var text = new StringBuilder();
        var api = new EcrApi(registry);
        text.Append("repositories ").Append(Body(api, "DescribeRepositories", "{}")).Append('\n');
        foreach (RepositoryInfo info in registry.DescribeRepositories())
        {
            RepositoryName name = info.Name;
            string quoted = JsonSerializer.Serialize(name.Value);
            text.Append("repository ").Append(info).Append(' ').Append(info.Arn).Append(' ').Append(info.CreatedAt.UtcTicks).Append('\n');
            text.Append("  describe ").Append(Body(api, "DescribeImages", $"{{\"repositoryName\":{quoted},\"maxResults\":1000}}")).Append('\n');
            text.Append("  list ").Append(Body(api, "ListImages", $"{{\"repositoryName\":{quoted},\"maxResults\":1000}}")).Append('\n');
            foreach (ImageDetail image in registry.DescribeImages(name))
            {
                text.Append("  image ").Append(image).Append(" pushed ").Append(image.PushedAt.UtcTicks).Append(' ').Append(image.Kind)
                    .Append(" artifact ").Append(image.ArtifactMediaType).Append(" subject ").Append(image.SubjectDigest)
                    .Append(" refs ").AppendJoin(",", image.ReferencedDigests).Append('\n');
                text.Append("  get ").Append(Body(api, "BatchGetImage", $"{{\"repositoryName\":{quoted},\"imageIds\":[{{\"imageDigest\":\"{image.Digest}\"}}]}}")).Append('\n');
            }

            foreach (TagEvent item in registry.GetHistory(name))
            {
                text.Append("  event ").Append(item).Append(" at ").Append(item.Timestamp.UtcTicks).Append('\n');
            }

            foreach (string tag in ReferenceRegistry.TagAlphabet)
            {
                Tag parsed = RegistryDriver.TagOf(tag);
                text.Append("  explain ").Append(registry.Explain(name, parsed)).Append(" resolves ")
                    .Append(registry.TryResolveTag(name, parsed, out Digest digest) ? digest.ToString() : "none").Append('\n');
            }

            UntaggedExpiryPlan plan = registry.PlanUntaggedExpiry(name, TimeSpan.FromSeconds(5));
            text.Append("  expiry ").AppendJoin(",", plan.Expired.Select(i => i.Digest)).Append(" kept ").AppendJoin(",", plan.Kept.Select(k => $"{k.Image.Digest}:{k.Reason}")).Append('\n');
        }

        return text.ToString();
    }

    private static string Body(EcrApi api, string operation, string json) =>
        Encoding.UTF8.GetString(api.Invoke(operation, Encoding.UTF8.GetBytes(json)).Body.Span);
}
