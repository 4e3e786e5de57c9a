using TagImmutability.Tests.Registries.Model;

namespace TagImmutability.Tests.Concurrency;

/// <summary>
/// Random short concurrent histories over two repositories and few tags: a setup applied to the model and the
/// implementation alike, then a few calls per worker (pushes that create, move and collide, deletions by tag and by
/// digest, policy changes, repository deletion and creation, reads), then a final read of each repository.
/// </summary>
public static class ShortHistories
{
    public static readonly string[] Repositories = ["app", "lib/x"];
    public static readonly string[] Tags = ["a", "ab", "b"];
    private static readonly int[] PushedManifests = [0, 1, 2, 4]; // i0, i1, i2 and x = index(i0, i1)

    public sealed record Round(Step[] Setup, Step[][] Programs);

    private static (ImageTagMutability Mode, string[] Filters) Policy(Random random)
    {
        ImageTagMutability mode = StepGenerators.Modes[random.Next(4)];
        return (mode, mode is ImageTagMutability.Mutable or ImageTagMutability.Immutable ? [] : ["a*"]);
    }

    public static Round Next(Random random, int workers)
    {
        var setup = new List<Step>();
        foreach (string repository in Repositories)
        {
            (ImageTagMutability mode, string[] filters) = Policy(random);
            setup.Add(new CreateRepo(repository, mode, filters));
            for (int i = random.Next(4); i > 0; i--)
            {
                setup.Add(new Push(repository, PushedManifests[random.Next(3)], Tags[random.Next(Tags.Length)], DigestArgument.None));
            }
        }

        Step[][] programs = [.. Enumerable.Range(0, workers).Select(_ => Enumerable.Range(0, random.Next(2, 6)).Select(_ => Call(random)).ToArray())];
        return new Round([.. setup], programs);
    }

    private static Step Call(Random random)
    {
        // Mostly one repository, so that calls collide; the other keeps the partitioning honest.
        string repository = random.Next(5) == 0 ? Repositories[1] : Repositories[0];
        string tag = Tags[random.Next(Tags.Length)];
        int roll = random.Next(100);
        switch (roll)
        {
            case < 45:
                return new Push(repository, PushedManifests[random.Next(PushedManifests.Length)], random.Next(10) == 0 ? null : tag, DigestArgument.None);
            case < 55:
                return new DeleteImages(repository, [new IdSpec(null, tag)]);
            case < 61:
                return new DeleteImages(repository, [new IdSpec(PushedManifests[random.Next(PushedManifests.Length)], null)]);
            case < 67:
                (ImageTagMutability mode, string[] filters) = Policy(random);
                return new SetPolicy(repository, mode, filters);
            case < 69:
                return new DeleteRepo(repository, Force: random.Next(2) == 0);
            case < 71:
                (ImageTagMutability m, string[] f) = Policy(random);
                return new CreateRepo(repository, m, f);
            case < 85:
                return new Resolve(repository, tag);
            case < 92:
                return new DescribeAll(repository, TagStatus.Any);
            default:
                return new GetImages(repository, [new IdSpec(null, tag), new IdSpec(PushedManifests[random.Next(PushedManifests.Length)], null)]);
        }
    }

    /// <summary>The reads that close a history, after every worker has finished: the whole state of each repository.</summary>
    public static Step[] FinalReads() =>
        [.. Repositories.SelectMany(r => new Step[] { new GetRepo(r), new DescribeAll(r, TagStatus.Any), new ListAll(r, TagStatus.Any) }.Concat(Tags.Select(t => new Resolve(r, t))))];

    /// <summary>How many pairs of state-changing calls of different workers overlapped in time.</summary>
    public static int OverlappingWrites(IEnumerable<List<HistoryOp>> logs)
    {
        HistoryOp[] writes = [.. logs.SelectMany(l => l).Where(o => !o.Step.IsRead)];
        return writes.Sum(a => writes.Count(b => a.Thread < b.Thread && a.Invoke < b.Response && b.Invoke < a.Response));
    }
}
