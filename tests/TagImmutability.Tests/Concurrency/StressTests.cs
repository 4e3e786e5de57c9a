using System.Diagnostics;
using TagImmutability.Tests.Registries;
using TagImmutability.Tests.Registries.Model;
using Xunit.Abstractions;

namespace TagImmutability.Tests.Concurrency;

/// <summary>
/// Maximum contention: many writer threads pushing, moving and deleting three tags of one repository (and a few of a
/// second), changing its policy, while readers read. Afterwards the invariants hold, the tag history replays to the
/// bindings, every event was made by a call that returned what the event says while the event was recorded, and no
/// immutable tag ever moved under the policies that could have been in force at that moment. A hang or a deadlock
/// fails the test at the deadline.
/// </summary>
public sealed class StressTests(ITestOutputHelper output)
{
    private const int Writers = 6, Readers = 2;
    private static readonly string[] Tags = ["a", "ab", "b"];
    private static readonly int[] Pushed = [0, 1, 2, 3, 4]; // i0..i3 and x = index(i0, i1)

    /// <summary>A clock whose every reading is a fresh tick of the recorder's counter, so event timestamps order with the calls.</summary>
    private sealed class TickClock(TickRecorder recorder) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => RegistryDriver.Epoch.AddTicks(recorder.Tick());
    }

    private static (ImageTagMutability Mode, string[] Filters) PolicyOf(int roll) => (roll % 4) switch
    {
        0 => (ImageTagMutability.Immutable, []),
        1 => (ImageTagMutability.ImmutableWithExclusion, ["a*"]),
        2 => (ImageTagMutability.MutableWithExclusion, ["a*"]),
        _ => (ImageTagMutability.Mutable, []),
    };

    private static Step WriterStep(Random random, bool modeChanges)
    {
        string repository = random.Next(8) == 0 ? "lib/x" : "app";
        string tag = Tags[random.Next(Tags.Length)];
        int roll = random.Next(100);
        if (modeChanges && roll < 5)
        {
            (ImageTagMutability mode, string[] filters) = PolicyOf(random.Next(4));
            return new SetPolicy(repository, mode, filters);
        }

        return roll switch
        {
            < 60 => new Push(repository, Pushed[random.Next(Pushed.Length)], tag, DigestArgument.None),
            < 63 => new Push(repository, Pushed[random.Next(Pushed.Length)], null, DigestArgument.None),
            < 77 => new DeleteImages(repository, [new IdSpec(null, tag)]),
            < 85 => new DeleteImages(repository, [new IdSpec(Pushed[random.Next(Pushed.Length)], null)]),
            < 93 => new Resolve(repository, tag),
            _ => new DescribeAll(repository, TagStatus.Any),
        };
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Contended_writes_keep_every_invariant_and_immutable_tags_never_move(bool modeChanges) =>
        output.WriteLine(Run(modeChanges, RunLength.Of(2000, 20), registry => new RegistryDriver(registry).Apply));

    [Fact]
    public void The_stress_checks_catch_a_registry_with_a_non_atomic_check_then_act()
    {
        Exception error = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Run(modeChanges: false, 2000, registry => new CheckThenActRegistry(registry).Apply));
        output.WriteLine(error.Message);
    }

    [Fact]
    public void The_stress_checks_catch_an_immutable_tag_moved_behind_the_policys_back()
    {
        Exception error = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Run(modeChanges: false, 500, registry => new PolicyBypassRegistry(registry).Apply));
        Assert.Contains("the tag was immutable under every policy that could have been in force", error.Message, StringComparison.Ordinal);
        output.WriteLine(error.Message);
    }

    private static string Run(bool modeChanges, int steps, Func<Registry, Func<Step, string>> implementation)
    {
        int seed = RunLength.Seed();
        var recorder = new TickRecorder();
        var registry = new Registry(new RegistryOptions { TimeProvider = new TickClock(recorder), MaxHistoryEventsPerRepository = 10_000_000 });
        var driver = new RegistryDriver(registry);
        Func<Step, string> apply = implementation(registry);
        (ImageTagMutability startMode, string[] startFilters) = modeChanges ? PolicyOf(1) : PolicyOf(0);
        var creates = new[] { new CreateRepo("app", startMode, startFilters), new CreateRepo("lib/x", startMode, startFilters) };
        List<HistoryOp>[] logs = [.. Enumerable.Range(0, Writers + Readers + 1).Select(_ => new List<HistoryOp>())];
        foreach (CreateRepo create in creates)
        {
            Assert.StartsWith("ok", recorder.Record(Writers + Readers, logs[^1], driver.Apply, create).Outcome, StringComparison.Ordinal);
        }

        Step[][] programs = [.. Enumerable.Range(0, Writers).Select(w =>
        {
            var random = new Random(seed + w);
            return Enumerable.Range(0, steps).Select(_ => WriterStep(random, modeChanges)).ToArray();
        })];
        int writersLeft = Writers, snapshotsRead = 0;
        var watch = Stopwatch.StartNew();
        var bodies = new List<Action>();
        for (int w = 0; w < Writers; w++)
        {
            int writer = w;
            bodies.Add(() =>
            {
                foreach (Step step in programs[writer])
                {
                    recorder.Record(writer, logs[writer], apply, step);
                }

                Interlocked.Decrement(ref writersLeft);
            });
        }

        for (int r = 0; r < Readers; r++)
        {
            int reader = Writers + r;
            bodies.Add(() =>
            {
                for (int i = 0; Volatile.Read(ref writersLeft) > 0; i++)
                {
                    recorder.Record(reader, logs[reader], driver.Apply, new Resolve("app", Tags[i % Tags.Length]));
                    if (i % 4 == 3)
                    {
                        Thread.Yield(); // leave the writers room on a small machine
                    }
                    if (i % 8 == 0)
                    {
                        // One snapshot per call: a tag on one image only, each digest once.
                        ImageDetail[] images = [.. registry.DescribeImages(RegistryDriver.Name("app"))];
                        string[] tags = [.. images.SelectMany(image => image.Tags.Select(t => t.Value))];
                        Assert.Equal(tags.Length, tags.Distinct(StringComparer.Ordinal).Count());
                        Assert.Equal(images.Length, images.Select(image => image.Digest).Distinct().Count());
                        Interlocked.Increment(ref snapshotsRead);
                    }
                }
            });
        }

        RegistryConcurrencyTests.RunThreads([.. bodies]);
        TimeSpan elapsed = watch.Elapsed;

        watch.Restart();
        RegistryView view = driver.View();
        Assert.Null(Invariants.Check(registry, view));
        Assert.Null(Invariants.CheckHistory(registry, view));
        string context = $"seed {seed}, mode changes: {modeChanges}";
        int events = 0, reads = 0;
        foreach (string repository in new[] { "app", "lib/x" })
        {
            events += CheckEventsAgainstCalls(registry, repository, creates[0], logs, context);
            reads += CheckReads(repository, logs, modeChanges ? null : creates[0], context);
        }

        HistoryOp[] all = [.. logs.SelectMany(l => l)];
        return (
            $"{context}: {Writers} writers x {steps} calls and {Readers} readers ({all.Length} calls, {snapshotsRead} snapshot reads) in {elapsed.TotalSeconds:F1} s, checked in {watch.Elapsed.TotalSeconds:F1} s; "
            + $"{all.Count(o => o.Step is Push && !Outcomes.IsFailure(o.Outcome))} successful pushes, {all.Count(o => o.Outcome == "throws ImageTagAlreadyExistsException")} refused as immutable, {events} tag events and {reads} reads checked");
    }

    /// <summary>
    /// Each event of the repository's history was recorded inside a call that answered accordingly: a creation or move
    /// inside a successful push of that tag to that digest, a rejection inside a push of that tag refused as immutable,
    /// a removal inside a successful deletion that reports the tag. A move needs a policy under which the tag was
    /// mutable, a rejection one under which it was immutable, among the policies that could have been in force then.
    /// </summary>
    private static int CheckEventsAgainstCalls(Registry registry, string repository, CreateRepo initial, List<HistoryOp>[] logs, string context)
    {
        HistoryOp[] calls = [.. logs.SelectMany(l => l).Where(o => HistoryPartitions.RepositoryOf(o.Step) == repository)];
        HistoryOp[] policies = [.. calls.Where(o => o.Step is SetPolicy && !Outcomes.IsFailure(o.Outcome)).OrderBy(o => o.Invoke)];
        var pushes = calls.Where(o => o.Step is Push { Tag: not null }).ToLookup(o => ((Push)o.Step).Tag!);
        var deletions = calls.Where(o => o.Step is DeleteImages && !Outcomes.IsFailure(o.Outcome)).ToArray();
        System.Collections.Immutable.ImmutableArray<TagEvent> history = registry.GetHistory(RegistryDriver.Name(repository));
        foreach (TagEvent e in history)
        {
            long at = (e.Timestamp - RegistryDriver.Epoch).Ticks;
            string tag = e.Tag.Value;
            bool Within(HistoryOp op) => op.Invoke < at && at < op.Response;
            string? label = e.NewDigest is { } d ? ManifestPool.Label(d) : null;
            bool made = e.Kind switch
            {
                TagEventKind.Created or TagEventKind.Moved => pushes[tag].Any(op => Within(op) && !Outcomes.IsFailure(op.Outcome) && ((Push)op.Step).Entry.Label == label),
                TagEventKind.Rejected => pushes[tag].Any(op => Within(op) && op.Outcome == "throws ImageTagAlreadyExistsException" && ((Push)op.Step).Entry.Label == label),
                _ => deletions.Any(op => Within(op) && op.Outcome.Contains($":{tag}}}", StringComparison.Ordinal)),
            };
            Assert.True(made, $"{context}: {repository} event {e} (tick {at}) was made by no call that answered so");

            if (e.Kind is TagEventKind.Moved or TagEventKind.Rejected)
            {
                (string Mode, string[] Filters)[] possible = PoliciesInForce(at, initial, policies);
                bool wanted = e.Kind == TagEventKind.Rejected;
                Assert.True(
                    possible.Any(p => ReferenceRegistry.IsTagImmutable(p.Mode, p.Filters, tag) == wanted),
                    $"{context}: {repository} event {e} (tick {at}): the tag was {(wanted ? "mutable" : "immutable")} under every policy that could have been in force: {string.Join(", ", possible.Select(p => Outcomes.Policy(p.Mode, p.Filters)))}");
            }
        }

        return history.Length;
    }

    /// <summary>
    /// What each thread read of a tag: a digest some successful push of that tag gave it, invoked before the read
    /// returned; and, under a fixed policy, an immutable tag changes its digest between two reads of one thread only
    /// when a successful deletion of that tag overlaps or falls between them. Linear in the number of calls.
    /// </summary>
    private static int CheckReads(string repository, List<HistoryOp>[] logs, CreateRepo? fixedPolicy, string context)
    {
        HistoryOp[] calls = [.. logs.SelectMany(l => l).Where(o => HistoryPartitions.RepositoryOf(o.Step) == repository && !Outcomes.IsFailure(o.Outcome))];
        var firstPush = new Dictionary<(string Tag, string Label), long>();
        foreach (HistoryOp op in calls.Where(o => o.Step is Push { Tag: not null }))
        {
            var push = (Push)op.Step;
            (string, string) key = (push.Tag!, push.Entry.Label);
            firstPush[key] = Math.Min(firstPush.GetValueOrDefault(key, long.MaxValue), op.Invoke);
        }

        HistoryOp[] deletions = [.. calls.Where(o => o.Step is DeleteImages)];
        int checkedReads = 0;
        foreach (List<HistoryOp> log in logs)
        {
            var last = new Dictionary<string, HistoryOp>(StringComparer.Ordinal);
            foreach (HistoryOp read in log.Where(o => o.Step is Resolve r && r.Repo == repository))
            {
                string tag = ((Resolve)read.Step).Tag;
                string seen = read.Outcome["ok ".Length..];
                checkedReads++;
                if (seen == "none")
                {
                    continue;
                }

                Assert.True(
                    firstPush.TryGetValue((tag, seen), out long invoked) && invoked < read.Response,
                    $"{context}: a reader saw {repository} {tag} -> {seen}, which no successful push invoked before the read returned gave it: {read}");
                if (fixedPolicy is not null && ReferenceRegistry.IsTagImmutable(ReferenceRegistry.ModeName(fixedPolicy.Mode), fixedPolicy.Filters, tag)
                    && last.TryGetValue(tag, out HistoryOp? before) && before.Outcome != read.Outcome)
                {
                    Assert.True(
                        deletions.Any(d => d.Response > before.Invoke && d.Invoke < read.Response && d.Outcome.Contains($":{tag}}}", StringComparison.Ordinal)),
                        $"{context}: immutable tag {repository} {tag} changed from {before.Outcome} to {read.Outcome} with no deletion of it in between: {before} then {read}");
                }

                last[tag] = read;
            }
        }

        return checkedReads;
    }

    /// <summary>
    /// The policies that could be in force at <paramref name="at"/>: each change invoked before it that no other change
    /// surely follows and surely precedes it; and the initial policy when no change surely came before.
    /// </summary>
    private static (string Mode, string[] Filters)[] PoliciesInForce(long at, CreateRepo initial, HistoryOp[] changes)
    {
        // A change q surely follows p and precedes the instant when p.Response < q.Invoke and q.Response < at; the
        // latest invocation among the changes that returned before the instant tells, for every p, whether such a q exists.
        long latestSurelyBefore = changes.Where(c => c.Response < at).Select(c => c.Invoke).DefaultIfEmpty(long.MinValue).Max();
        var possible = new List<(string, string[])>();
        if (latestSurelyBefore == long.MinValue)
        {
            possible.Add((ReferenceRegistry.ModeName(initial.Mode), initial.Filters));
        }

        foreach (HistoryOp change in changes.Where(c => c.Invoke < at && c.Response >= latestSurelyBefore))
        {
            var step = (SetPolicy)change.Step;
            possible.Add((ReferenceRegistry.ModeName(step.Mode), step.Filters));
        }

        return [.. possible];
    }
}
