using System.Collections.Immutable;

namespace TagImmutability.Tests.Registries.History;

/// <summary>
/// A random sequence of writes over a small alphabet of tags, images and policies, replayed deterministically on a
/// registry with a manual clock. Each step is (kind, a, b): pushes, deletions by tag and by digest, policy changes and
/// clock ticks.
/// </summary>
public static class HistoryScenario
{
    public static readonly string[] TagTexts = ["latest", "v1", "v2", "dev-1", "release-1"];

    public static readonly ParsedManifest[] Images = [.. Enumerable.Range(0, 4).Select(i => Manifests.Image("history-" + i, 10 + i))];

    /// <summary>An image no scenario pushes: a "different digest" for every tag.</summary>
    public static readonly ParsedManifest Probe = Manifests.Image("history-probe", 99);

    public static readonly TagMutabilityPolicy[] PolicyPool =
    [
        TagMutabilityPolicy.Mutable,
        TagMutabilityPolicy.Immutable,
        TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("dev-*")]),
        TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest"), TagFilter.Parse("v*")]),
        TagMutabilityPolicy.Create(ImageTagMutability.MutableWithExclusion, [TagFilter.Parse("v*")]),
        TagMutabilityPolicy.Create(ImageTagMutability.MutableWithExclusion, [TagFilter.Parse("release-*"), TagFilter.Parse("latest")]),
    ];

    public static readonly RepositoryName Repository = RepositoryName.Parse("history/app");

    public static Tag TagAt(int i) => Tag.Parse(TagTexts[i % TagTexts.Length], GrammarProfile.Ecr);

    public static Gen<(int Kind, int A, int B)> Step =>
        from kind in Gen.Choose(0, 9)
        from a in Gen.Choose(0, 5)
        from b in Gen.Choose(0, 5)
        select (kind, a, b);

    public static Gen<(int Kind, int A, int B)[]> Steps => Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(Step, n));

    public static Gen<int> PolicyIndex => Gen.Choose(0, PolicyPool.Length - 1);

    public static (Registry Registry, ManualClock Clock) NewRegistry(int initialPolicy, int maxHistory = RegistryOptions.DefaultMaxHistoryEventsPerRepository)
    {
        var clock = new ManualClock();
        var registry = new Registry(new RegistryOptions { TimeProvider = clock, MaxHistoryEventsPerRepository = maxHistory });
        registry.CreateRepository(Repository, PolicyPool[initialPolicy]);
        return (registry, clock);
    }

    /// <summary>Applies one step; registry errors (rejections and the like) are part of the scenario and swallowed.</summary>
    public static void Apply(Registry registry, ManualClock clock, (int Kind, int A, int B) step)
    {
        try
        {
            switch (step.Kind)
            {
                case <= 4:
                    registry.PutImage(Repository, Images[step.A % Images.Length].Content, TagAt(step.B));
                    break;
                case 5:
                    registry.BatchDeleteImage(Repository, [new ImageId(null, TagAt(step.B))]);
                    break;
                case 6:
                    registry.BatchDeleteImage(Repository, [ImageId.ForDigest(Images[step.A % Images.Length].Digest)]);
                    break;
                case 7:
                    registry.PutImageTagMutability(Repository, PolicyPool[step.A % PolicyPool.Length]);
                    break;
                default:
                    clock.Now += TimeSpan.FromSeconds(step.A % 3);
                    break;
            }
        }
        catch (RegistryException)
        {
        }
    }

    public static ImmutableDictionary<string, Digest> Bindings(Registry registry) =>
        TagTexts.Select(t => (t, d: registry.TryResolveTag(Repository, Tag.Parse(t, GrammarProfile.Ecr), out Digest d) ? d : (Digest?)null))
            .Where(p => p.d is not null)
            .ToImmutableDictionary(p => p.t, p => p.d!.Value, StringComparer.Ordinal);

    /// <summary>What a real push does, as an outcome: the mapping of PutImage's result and errors.</summary>
    public static TagWriteOutcome Push(Registry registry, ParsedManifest manifest, Tag tag, Digest? before)
    {
        try
        {
            registry.PutImage(Repository, manifest.Content, tag);
            return before is null ? TagWriteOutcome.Created : TagWriteOutcome.Moved;
        }
        catch (ImageTagAlreadyExistsException)
        {
            return TagWriteOutcome.RejectedImmutable;
        }
        catch (ImageAlreadyExistsException)
        {
            return TagWriteOutcome.Unchanged;
        }
    }
}
