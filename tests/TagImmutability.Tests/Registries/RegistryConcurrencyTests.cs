using System.Collections.Concurrent;
using TagImmutability.Tests.Registries.Model;
using Xunit.Abstractions;

namespace TagImmutability.Tests.Registries;

/// <summary>
/// Concurrency: racing pushes to new immutable tags, random concurrent histories checked for linearizability against
/// the reference model, and readers that never wait for a writer. Every wait is bounded, and running out of time
/// fails the test.
/// </summary>
public sealed class RegistryConcurrencyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // --- harness ----------------------------------------------------------------------------------------------------

    /// <summary>Runs each body on its own thread and waits for all; fails when one throws or when they outlive the deadline.</summary>
    internal static void RunThreads(params Action[] bodies)
    {
        var errors = new ConcurrentQueue<Exception>();
        Thread[] threads = [.. bodies.Select(body => new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception error)
            {
                errors.Enqueue(error);
            }
        })
        { IsBackground = true })];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        DateTime end = DateTime.UtcNow + Deadline;
        foreach (Thread thread in threads)
        {
            TimeSpan left = end - DateTime.UtcNow;
            Assert.True(thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero), $"a thread did not finish within {Deadline.TotalSeconds} s: a hang or a deadlock");
        }

        if (!errors.IsEmpty)
        {
            throw new AggregateException(errors);
        }
    }

    private static void Start(Barrier barrier) =>
        Assert.True(barrier.SignalAndWait(Deadline), "the threads did not all reach the start line");

    /// <summary>A barrier that spins instead of sleeping, so that the threads leave it at nearly the same moment.</summary>
    private sealed class SpinBarrier(int participants)
    {
        private int _arrived;

        public void SignalAndWait(TimeSpan timeout)
        {
            int target = ((Interlocked.Increment(ref _arrived) - 1) / participants + 1) * participants;
            var spin = default(SpinWait);
            DateTime end = DateTime.UtcNow + timeout;
            while (Volatile.Read(ref _arrived) < target)
            {
                Assert.True(DateTime.UtcNow < end, "the writers did not all reach the lockstep barrier");
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    // --- (a) racing pushes to the same new immutable tags ----------------------------------------------------------

    [Fact]
    public void Racing_pushes_of_different_digests_to_new_immutable_tags_have_exactly_one_winner_per_tag()
    {
        const int Threads = 8, Rounds = 150;
        string[] tags = ["t0", "t1", "t2", "t3"];
        ParsedManifest[] manifests = [.. Enumerable.Range(0, Threads).Select(k => Manifests.Image($"racer-{k}", k + 1))];
        for (int round = 0; round < Rounds; round++)
        {
            var registry = new Registry();
            registry.CreateRepository(RegistryDriver.Name("app"), TagMutabilityPolicy.Immutable);
            var results = new object?[Threads, tags.Length]; // the ImageDetail or the exception
            using var barrier = new Barrier(Threads);
            RunThreads([.. Enumerable.Range(0, Threads).Select(k => (Action)(() =>
            {
                Start(barrier);
                for (int i = 0; i < tags.Length; i++)
                {
                    int tag = (i + k + round) % tags.Length; // threads take the tags in different orders
                    try
                    {
                        results[k, tag] = registry.PutImage(RegistryDriver.Name("app"), manifests[k].Content, RegistryDriver.TagOf(tags[tag]));
                    }
                    catch (Exception error)
                    {
                        results[k, tag] = error;
                    }
                }
            }))]);

            var won = new Dictionary<int, List<string>>();
            for (int tag = 0; tag < tags.Length; tag++)
            {
                int[] winners = [.. Enumerable.Range(0, Threads).Where(k => results[k, tag] is ImageDetail)];
                Assert.True(winners.Length == 1, $"round {round}, tag {tags[tag]}: {winners.Length} winners");
                int winner = winners[0];
                won.TryAdd(winner, []);
                won[winner].Add(tags[tag]);
                for (int k = 0; k < Threads; k++)
                {
                    if (k != winner)
                    {
                        ImageTagAlreadyExistsException loss = Assert.IsType<ImageTagAlreadyExistsException>(results[k, tag]);
                        Assert.Equal(manifests[winner].Digest, loss.ExistingDigest);
                        Assert.Equal(manifests[k].Digest, loss.AttemptedDigest);
                    }
                }

                Assert.Equal(manifests[winner].Digest, registry.Resolve("app", tags[tag]));
            }

            // Only the winners' images exist, each with exactly the tags it won; a loser left nothing behind.
            ImageDetail[] images = [.. registry.DescribeImages(RegistryDriver.Name("app"))];
            Assert.Equal(won.Keys.Select(k => manifests[k].Digest).Order(), images.Select(i => i.Digest).Order());
            foreach (ImageDetail image in images)
            {
                int k = Array.FindIndex(manifests, m => m.Digest == image.Digest);
                Assert.Equal(won[k].Order(StringComparer.Ordinal), image.Tags.Select(t => t.Value).Order(StringComparer.Ordinal));
            }

            Assert.Null(Invariants.Check(registry, new RegistryDriver(registry).View()));
        }
    }

    // --- (b) random concurrent histories ---------------------------------------------------------------------------

    /// <summary>What the writers do besides pushes and deletes.</summary>
    public enum Churn
    {
        /// <summary>Nothing: the policy stays as created, so immutable tags stay immutable.</summary>
        None,

        /// <summary>PutImageTagMutability to any of the four policies now and then.</summary>
        ModeChanges,

        /// <summary>DeleteRepository (forced or not) and CreateRepository with the same policy now and then.</summary>
        Repository,
    }

    public static TheoryData<ImageTagMutability, Churn> Modes()
    {
        var data = new TheoryData<ImageTagMutability, Churn>();
        foreach (ImageTagMutability mode in StepGenerators.Modes)
        {
            foreach (Churn churn in Enum.GetValues<Churn>())
            {
                data.Add(mode, churn);
            }
        }

        return data;
    }

    private static readonly string[] RaceTags = ["a", "ab", "b", "v1"];

    private static Step WriterStep(Random random, Churn churn, CreateRepo create)
    {
        int roll = random.Next(100);
        string tag = RaceTags[random.Next(RaceTags.Length)];
        int manifest = random.Next(10) == 0 ? 4 : random.Next(4); // now and then the index x over i0 and i1
        if (churn == Churn.ModeChanges && roll < 6)
        {
            ImageTagMutability mode = StepGenerators.Modes[random.Next(4)];
            return new SetPolicy("app", mode, mode is ImageTagMutability.Mutable or ImageTagMutability.Immutable ? [] : ["a*"]);
        }

        if (churn == Churn.Repository && roll < 6)
        {
            return roll < 3 ? new DeleteRepo("app", Force: roll < 2) : create;
        }

        return roll switch
        {
            < 65 => new Push("app", manifest, random.Next(10) == 0 ? null : tag, DigestArgument.None),
            < 82 => new DeleteImages("app", [new IdSpec(null, tag)]),
            < 94 => new DeleteImages("app", [new IdSpec(random.Next(5), null)]),
            _ => new DeleteImages("app", [new IdSpec(null, tag), new IdSpec(random.Next(4), null)]),
        };
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Concurrent_histories_are_linearizable_and_readers_see_only_pushed_digests(ImageTagMutability mode, Churn churn) =>
        output.WriteLine(CheckLinearizable(mode, churn, RegistryFactory.InMemory, rounds: 25, maxReads: 1500));

    /// <summary>
    /// Runs <paramref name="rounds"/> random concurrent histories (3 writers, a reader, a final snapshot) against
    /// registries <paramref name="factory"/> builds, each thread on its own node (<see cref="RegistryFactory.CreateNodes"/>),
    /// and asserts that each history is linearizable with respect to the reference model, that readers saw only pushed
    /// digests, and that every node ends with the same view. Returns a summary for the test output.
    /// </summary>
    public static string CheckLinearizable(ImageTagMutability mode, Churn churn, RegistryFactory factory, int rounds, int maxReads)
    {
        const int Writers = 3, WriterSteps = 48;
        int seed = Environment.TickCount;
        int totalNodes = 0, totalReads = 0, overlaps = 0;
        for (int round = 0; round < rounds; round++)
        {
            var random = new Random(seed + round);
            Registry[] nodes = factory.CreateNodes(new RegistryOptions { TimeProvider = new ManualClock { Now = RegistryDriver.Epoch } }, Writers + 2);
            RegistryDriver[] drivers = [.. nodes.Select(n => new RegistryDriver(n))];
            var model = new ReferenceRegistry(Limits.Ecr);
            var create = new CreateRepo("app", mode, mode is ImageTagMutability.Mutable or ImageTagMutability.Immutable ? [] : ["a*"]);
            Assert.Equal(model.Apply(create), drivers[0].Apply(create));
            Step[][] programs = [.. Enumerable.Range(0, Writers).Select(_ => Enumerable.Range(0, WriterSteps).Select(_ => WriterStep(random, churn, create)).ToArray())];

            var recorder = new HistoryRecorder();
            List<HistoryOp>[] logs = [.. Enumerable.Range(0, Writers + 2).Select(_ => new List<HistoryOp>())];
            int writersLeft = Writers;
            using var barrier = new Barrier(Writers + 1);
            var lockstep = new SpinBarrier(Writers); // the writers line up again every few steps, so that their calls overlap
            var bodies = new List<Action>();
            for (int w = 0; w < Writers; w++)
            {
                int thread = w;
                bodies.Add(() =>
                {
                    Start(barrier);
                    for (int i = 0; i < programs[thread].Length; i++)
                    {
                        if (i % 4 == 0)
                        {
                            lockstep.SignalAndWait(Deadline);
                        }

                        recorder.Record(thread, logs[thread], drivers[thread], programs[thread][i]);
                    }

                    Interlocked.Decrement(ref writersLeft);
                });
            }

            bodies.Add(() =>
            {
                Start(barrier);
                for (int i = 0; i < maxReads && Volatile.Read(ref writersLeft) > 0; i++)
                {
                    Step read = i % 16 == 15 ? new DescribeAll("app", TagStatus.Any) : new Resolve("app", RaceTags[i % RaceTags.Length]);
                    recorder.Record(Writers, logs[Writers], drivers[Writers], read);
                    Thread.Yield(); // leave the writers room on a small machine
                }
            });
            RunThreads([.. bodies]);

            // The final state, read after every thread finished, is one more call that must fit the same order.
            recorder.Record(Writers + 1, logs[Writers + 1], drivers[Writers + 1], new Snapshot());
            totalReads += logs[Writers].Count;
            HistoryOp[] writeOps = [.. logs.Take(Writers).SelectMany(l => l)];
            overlaps += writeOps.Sum(a => writeOps.Count(b => a.Thread < b.Thread && a.Invoke < b.Response && b.Invoke < a.Response));

            string context = $"seed {seed + round} ({mode}, churn: {churn}, {factory}), history:\n{string.Join("\n", logs.SelectMany(l => l).OrderBy(o => o.Invoke))}";
            Assert.True(Invariants.Check(nodes[0], drivers[0].View()) is null, $"{Invariants.Check(nodes[0], drivers[0].View())}\n{context}");
            string agreed = Outcomes.Render(drivers[0].View());
            Assert.All(drivers, d => Assert.Equal(agreed, Outcomes.Render(d.View())));
            CheckReaders(logs, churn == Churn.ModeChanges ? null : create, context);

            var checker = new LinearizabilityChecker(logs);
            string? verdict = checker.Check(model);
            Assert.True(verdict is null, $"{verdict}\n{context}");
            totalNodes += checker.Nodes;
        }

        return $"seed {seed}: {rounds} rounds, {totalReads} reads, {overlaps} overlapping pairs of writes, {totalNodes} search nodes ({factory})";
    }

    /// <summary>
    /// What readers saw: a tag names only a digest some successful push gave it, invoked before the read returned;
    /// and under a fixed policy an immutable tag changes its digest only when a successful delete of that tag (or its
    /// image, or its repository) overlaps or falls between the two reads.
    /// </summary>
    internal static void CheckReaders(List<HistoryOp>[] logs, CreateRepo? fixedPolicy, string context)
    {
        HistoryOp[] writes = [.. logs.SelectMany(l => l).Where(o => !o.Step.IsRead && !Outcomes.IsFailure(o.Outcome))];
        var last = new Dictionary<string, HistoryOp>(StringComparer.Ordinal);
        foreach (HistoryOp read in logs.SelectMany(l => l).Where(o => o.Step is Resolve))
        {
            string tag = ((Resolve)read.Step).Tag;
            string seen = read.Outcome["ok ".Length..];
            if (seen == "none")
            {
                continue;
            }

            Assert.True(
                writes.Any(w => w.Step is Push { } push && push.Tag == tag && push.Entry.Label == seen && w.Invoke < read.Response),
                $"a reader saw {tag} -> {seen}, which no successful push gave it: {read}\n{context}");

            if (fixedPolicy is not null && ReferenceRegistry.IsTagImmutable(ReferenceRegistry.ModeName(fixedPolicy.Mode), fixedPolicy.Filters, tag) && last.TryGetValue(tag, out HistoryOp? before) && before.Outcome != read.Outcome)
            {
                string was = before.Outcome["ok ".Length..];
                Assert.True(
                    writes.Any(w => ((w.Step is DeleteImages && w.Outcome.Contains($"{{{was}:{tag}}}", StringComparison.Ordinal)) || w.Step is DeleteRepo)
                        && w.Response > before.Invoke && w.Invoke < read.Response),
                    $"a reader saw immutable tag {tag} change from {was} to {seen} with no delete in between: {before} then {read}\n{context}");
            }

            last[tag] = read;
        }
    }

    // --- (c) readers never wait for a writer ------------------------------------------------------------------------

    /// <summary>
    /// A clock that parks one chosen thread when the registry asks it the time. The registry reads the clock inside a
    /// repository's write lock when it stores a new image, so a parked writer holds that lock until released.
    /// </summary>
    private sealed class ParkingClock : TimeProvider
    {
        private readonly ManualResetEventSlim _parked = new();
        private readonly ManualResetEventSlim _release = new();

        public Thread? ParkThread { get; set; }

        public override DateTimeOffset GetUtcNow()
        {
            if (Thread.CurrentThread == ParkThread)
            {
                _parked.Set();
                _release.Wait(Deadline);
            }

            return RegistryDriver.Epoch;
        }

        public void WaitUntilParked() => Assert.True(_parked.Wait(Deadline), "the writer never reached the registry's clock inside its lock");

        public void Release() => _release.Set();
    }

    [Fact]
    public void Readers_complete_while_a_writer_holds_the_repository_lock_and_see_the_state_before_the_write()
    {
        const int Readers = 2, ReadsEach = 3000;
        var clock = new ParkingClock();
        var registry = new Registry(new RegistryOptions { TimeProvider = clock });
        RepositoryName app = RegistryDriver.Name("app");
        registry.CreateRepository(app);
        registry.CreateRepository(RegistryDriver.Name("other"));
        ParsedManifest old = Manifests.Image("old", 1), parked = Manifests.Image("parked", 1), queued = Manifests.Image("queued", 1);
        registry.Push("app", old, "a");

        var writer = new Thread(() => registry.Push("app", parked, "b")) { IsBackground = true };
        clock.ParkThread = writer;
        writer.Start();
        clock.WaitUntilParked(); // the writer is now inside app's lock, in the middle of PutImage

        // A second writer of the same repository must wait: this shows the lock really is held.
        using var queuedDone = new ManualResetEventSlim();
        var second = new Thread(() =>
        {
            registry.Push("app", queued, "c");
            queuedDone.Set();
        })
        { IsBackground = true };
        second.Start();

        try
        {
            ReadWhileParked();
        }
        finally
        {
            clock.Release();
        }

        Assert.True(writer.Join(Deadline), "the parked writer did not finish after release");
        Assert.True(second.Join(Deadline), "the queued writer did not finish after release");
        Assert.Equal(parked.Digest, registry.Resolve("app", "b"));
        Assert.Equal(queued.Digest, registry.Resolve("app", "c"));

        void ReadWhileParked()
        {
            // Readers of the same repository keep completing, and see the state before the parked write.
            int[] progress = new int[Readers];
            RunThreads([.. Enumerable.Range(0, Readers).Select(r => (Action)(() =>
            {
                for (int i = 0; i < ReadsEach; i++)
                {
                    Assert.Equal(old.Digest, registry.Resolve("app", "a"));
                    Assert.Null(registry.Resolve("app", "b"));
                    Assert.Equal(["a"], registry.DescribeImages(app).Single().Tags.Select(t => t.Value));
                    Assert.Single(registry.ListImages(app));
                    Assert.Single(registry.BatchGetImage(app, [ImageId.ForTag(RegistryDriver.TagOf("a"))]).Images);
                    Assert.False(registry.TryGetImage(app, parked.Digest, out _));
                    Assert.Equal(ImageTagMutability.Mutable, registry.GetRepository(app).Policy.Mode);
                    Assert.Equal(2, registry.DescribeRepositories().Length);
                    progress[r]++;
                }
            }))]);
            Assert.All(progress, count => Assert.Equal(ReadsEach, count));

            // A writer of another repository does not wait either.
            RunThreads(() => registry.Push("other", parked, "b"));
            Assert.Equal(parked.Digest, registry.Resolve("other", "b"));

            Assert.False(queuedDone.IsSet, "a second writer of the same repository got in while the first held the lock");
        }
    }

    [Fact]
    public void CreateRepository_does_not_wait_for_a_writer_of_another_repository_that_is_being_deleted()
    {
        // Writes to different repositories run in parallel (Registry's remarks). A DeleteRepository of app has to wait
        // for app's writer; creating another repository meanwhile must not.
        var clock = new ParkingClock();
        var registry = new Registry(new RegistryOptions { TimeProvider = clock });
        registry.CreateRepository(RegistryDriver.Name("app"));
        var writer = new Thread(() => registry.Push("app", Manifests.Image("parked", 1), "a")) { IsBackground = true };
        clock.ParkThread = writer;
        writer.Start();
        clock.WaitUntilParked();

        RepositoryInfo? deleted = null;
        var deleter = new Thread(() => deleted = registry.DeleteRepository(RegistryDriver.Name("app"), force: true)) { IsBackground = true };
        deleter.Start();
        Assert.True(SpinWait.SpinUntil(() => deleter.ThreadState.HasFlag(ThreadState.WaitSleepJoin), Deadline), "the deleter never blocked on app's writer");

        try
        {
            using var created = new ManualResetEventSlim();
            var creator = new Thread(() =>
            {
                registry.CreateRepository(RegistryDriver.Name("other"));
                created.Set();
            })
            { IsBackground = true };
            creator.Start();

            // Progress, not timing: the creator has nothing to wait for, so it finishes; when it is blocked behind the
            // deleter, it finishes only after the release below, and this fails.
            Assert.True(created.Wait(TimeSpan.FromSeconds(10)), "CreateRepository(other) waited for app's writer");
        }
        finally
        {
            clock.Release();
            Assert.True(writer.Join(Deadline) && deleter.Join(Deadline), "the writer or the deleter did not finish after release");
        }

        Assert.NotNull(deleted);
        Assert.Equal(["other"], registry.DescribeRepositories().Select(r => r.Name.Value));
    }

    [Fact]
    public void Readers_keep_completing_and_see_consistent_snapshots_while_a_writer_writes_continuously()
    {
        const int Readers = 2, ReadsDuringWrites = 2000, MaxWrites = 400_000;
        var registry = new Registry();
        RepositoryName app = RegistryDriver.Name("app");
        registry.CreateRepository(app);
        ParsedManifest[] images = [.. Enumerable.Range(0, 4).Select(i => Manifests.Image($"w{i}", i + 1))];
        int[] reads = new int[Readers];
        int[] readsAtStart = new int[Readers];
        int writerState = 0; // 0 not started, 1 writing, 2 done
        int writes = 0;

        void Writer()
        {
            for (int r = 0; r < Readers; r++)
            {
                readsAtStart[r] = Volatile.Read(ref reads[r]);
            }

            Volatile.Write(ref writerState, 1);
            for (int i = 0; ; i++)
            {
                // Move a, then b, onto the next image, then delete an image that carries neither.
                ParsedManifest next = images[i % images.Length];
                TryWrite(() => registry.Push("app", next, "a"));
                TryWrite(() => registry.Push("app", next, "b"));
                TryWrite(() => registry.BatchDeleteImage(app, [ImageId.ForDigest(images[(i + 2) % images.Length].Digest)]));
                writes += 3;
                bool enough = Enumerable.Range(0, Readers).All(r => Volatile.Read(ref reads[r]) - readsAtStart[r] >= ReadsDuringWrites);
                if (enough || writes >= MaxWrites)
                {
                    break;
                }
            }

            Volatile.Write(ref writerState, 2);
        }

        static void TryWrite(Action write)
        {
            try
            {
                write();
            }
            catch (ImageAlreadyExistsException)
            {
            }
        }

        RunThreads([Writer, .. Enumerable.Range(0, Readers).Select(r => (Action)(() =>
        {
            while (Volatile.Read(ref writerState) < 2)
            {
                // Each call is one snapshot: no tag on two images, no digest twice, tags resolve to images that exist.
                ImageDetail[] snapshot = [.. registry.DescribeImages(app)];
                string[] tags = [.. snapshot.SelectMany(i => i.Tags.Select(t => t.Value))];
                Assert.Equal(tags.Length, tags.Distinct().Count());
                Assert.Equal(snapshot.Length, snapshot.Select(i => i.Digest).Distinct().Count());
                if (registry.Resolve("app", "a") is { } digest)
                {
                    Assert.Contains(digest, images.Select(i => i.Digest));
                }

                Interlocked.Increment(ref reads[r]);
            }
        }))]);

        int[] during = [.. Enumerable.Range(0, Readers).Select(r => reads[r] - readsAtStart[r])];
        output.WriteLine($"{writes} writes; reads during the writes: {string.Join(", ", during)}");
        Assert.All(during, count => Assert.True(count >= ReadsDuringWrites, $"a reader completed only {count} reads during {writes} writes"));
    }
}
