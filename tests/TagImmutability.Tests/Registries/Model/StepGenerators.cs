namespace TagImmutability.Tests.Registries.Model;

/// <summary>
/// Generators of steps over small alphabets, so that tags, filters, digests and repositories collide often: tags
/// from {a, b, ab, a-1, latest, v1, A}, filters like <c>a*</c>, <c>*1</c>, <c>latest</c>, the pool of seven manifests,
/// and repositories <c>app</c>, <c>lib/x</c> and the invalid <c>x</c>.
/// </summary>
public static class StepGenerators
{
    public static readonly string[] FilterAlphabet = ["a*", "*1", "latest", "*", "ab", "v*", "*b*", "a-*", "A*", "l*t", "a"];

    public static readonly ImageTagMutability[] Modes =
        [ImageTagMutability.Mutable, ImageTagMutability.Immutable, ImageTagMutability.ImmutableWithExclusion, ImageTagMutability.MutableWithExclusion];

    public static Gen<string> Repo =>
        Gen.Frequency((16, Gen.Constant("app")), (3, Gen.Constant("lib/x")), (1, Gen.Constant("x")));

    public static Gen<string> TagText => Gen.Elements(ReferenceRegistry.TagAlphabet);

    public static Gen<int> Manifest =>
        Gen.Frequency((12, Gen.Elements(ManifestPool.Images)), (2, Gen.Constant(4)), (2, Gen.Constant(5)), (1, Gen.Constant(6)));

    /// <summary>A policy: valid nine times in ten; otherwise filters that do not suit the mode, or too many.</summary>
    public static Gen<(ImageTagMutability Mode, string[] Filters)> Policy =>
        Gen.Frequency(
            (9, from mode in Gen.Elements(Modes)
                from count in Gen.Choose(1, 3)
                from filters in Gen.ArrayOf(Gen.Elements(FilterAlphabet), count)
                select (mode, mode is ImageTagMutability.Mutable or ImageTagMutability.Immutable ? [] : filters.Distinct().ToArray())),
            (1, Gen.OneOf(
                from mode in Gen.Elements(ImageTagMutability.Mutable, ImageTagMutability.Immutable)
                from filter in Gen.Elements(FilterAlphabet)
                select (mode, new[] { filter }),
                from mode in Gen.Elements(ImageTagMutability.ImmutableWithExclusion, ImageTagMutability.MutableWithExclusion)
                from count in Gen.Elements(0, 6)
                select (mode, Enumerable.Range(0, count).Select(i => FilterAlphabet[i]).ToArray()))));

    public static Gen<IdSpec> Id =>
        Gen.Frequency(
            (4, TagText.Select(t => new IdSpec(null, t))),
            (3, Gen.Frequency((7, Manifest), (1, Gen.Constant(IdSpec.Ghost))).Select(m => new IdSpec(m, null))),
            (3, from m in Manifest from t in TagText select new IdSpec(m, t)),
            (1, Gen.Constant(new IdSpec(null, null))));

    public static Gen<IdSpec[]> Ids => Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Id, n));

    public static Gen<Step> Step =>
        Gen.Frequency(
            (30, from repo in Repo
                 from manifest in Manifest
                 from tag in Gen.Frequency((6, TagText.Select(t => (string?)t)), (1, Gen.Constant<string?>(null)))
                 from digest in Gen.Frequency((8, Gen.Constant(DigestArgument.None)), (1, Gen.Constant(DigestArgument.Right)), (1, Gen.Constant(DigestArgument.Wrong)))
                 select (Step)new Push(repo, manifest, tag, digest)),
            (10, from repo in Repo from ids in Ids select (Step)new DeleteImages(repo, ids)),
            (6, from repo in Repo from policy in Policy select (Step)new SetPolicy(repo, policy.Mode, policy.Filters)),
            (5, from repo in Repo from policy in Policy select (Step)new CreateRepo(repo, policy.Mode, policy.Filters)),
            (1, from repo in Repo from force in Gen.Elements(false, true) select (Step)new DeleteRepo(repo, force)),
            (4, from repo in Repo from ids in Ids select (Step)new GetImages(repo, ids)),
            (3, from repo in Repo from ids in Ids select (Step)new DescribeByIds(repo, ids)),
            (2, from repo in Repo from status in Gen.Elements(TagStatus.Any, TagStatus.Tagged, TagStatus.Untagged) select (Step)new DescribeAll(repo, status)),
            (2, from repo in Repo from status in Gen.Elements(TagStatus.Any, TagStatus.Tagged, TagStatus.Untagged) select (Step)new ListAll(repo, status)),
            (3, from repo in Repo from tag in TagText select (Step)new Resolve(repo, tag)),
            (1, from repo in Repo from manifest in Manifest select (Step)new GetImage(repo, manifest)),
            (1, Repo.Select(r => (Step)new GetRepo(r))),
            (2, Gen.Frequency(
                (1, Gen.Constant<string[]?>(null)),
                (2, from n in Gen.Choose(1, 3)
                    from names in Gen.Shuffle(new[] { "app", "lib/x", "x", "other" })
                    select (string[]?)names[..n]))
                .Select(names => (Step)new DescribeRepos(names))));

    public static Gen<Limits> Limits =>
        Gen.Frequency((2, Gen.Constant(Model.Limits.Ecr)), (1, Gen.Constant(new Limits(2, 3))), (1, Gen.Constant(new Limits(3, 5))));

    /// <summary>A scenario: limits, a first CreateRepository of <c>app</c> (so that most steps find a repository), then 0..59 random steps.</summary>
    public static Gen<Scenario> Scenario =>
        from limits in Limits
        from policy in Policy
        from count in Gen.Choose(0, 59)
        from steps in Gen.ArrayOf(Step, count)
        select new Scenario(limits, [new CreateRepo("app", policy.Mode, policy.Filters), .. steps]);

    /// <summary>Shrinks a scenario to ECR limits and to shorter sequences (any subsequence is a valid scenario).</summary>
    public static IEnumerable<Scenario> Shrink(Scenario scenario)
    {
        if (scenario.Limits != Model.Limits.Ecr)
        {
            yield return scenario with { Limits = Model.Limits.Ecr };
        }

        int n = scenario.Steps.Length;
        for (int chunk = n / 2; chunk >= 1; chunk /= 2)
        {
            for (int start = 0; start + chunk <= n; start += chunk)
            {
                yield return scenario with { Steps = [.. scenario.Steps[..start], .. scenario.Steps[(start + chunk)..]] };
            }
        }
    }

    public static Arbitrary<Scenario> Scenarios => Arb.From(Scenario, Shrink);
}
