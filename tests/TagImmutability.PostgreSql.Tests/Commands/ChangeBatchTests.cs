using Npgsql;
using TagImmutability.PostgreSql.Tests.Infrastructure;
using TagImmutability.PostgreSql.Tests.Schema;

namespace TagImmutability.PostgreSql.Tests.Commands;

/// <summary>
/// The tag-binding compare-and-swap in SQL: a write commits only when everything its decision read is still true, and
/// then completely; otherwise nothing of it is applied.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class ChangeBatchTests(PostgreSqlCluster cluster) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private Sql _sql = null!;

    public async Task InitializeAsync() => _sql = await Sql.MigratedAsync(cluster, "cas");

    public async Task DisposeAsync() => await _sql.DisposeAsync();

    private static NewImage Image(string label) =>
        new(RawSql.DigestOf(RawSql.Manifest(label)), RawSql.Manifest(label), "application/vnd.oci.image.manifest.v1+json", 10, Now, []);

    private async Task<CommitOutcome> CommitAsync(Change change)
    {
        await using NpgsqlConnection connection = await _sql.DataSource.OpenConnectionAsync();
        return await ChangeBatch.CommitAsync(connection, change, CancellationToken.None);
    }

    // A push of a new image bound to a new tag: what the registry commits for PutImage.
    private static Change Push(long repo, NewImage image, string tag, string? expected = null, long? policyVersion = 0, string? actor = "ci") => new()
    {
        RepositoryId = repo,
        ExpectedPolicyVersion = policyVersion,
        Expectations = [new ImageExpectation(image.Digest, Present: false)],
        AddedImages = [image],
        Tags = [new TagSwap(tag, expected, image.Digest)],
        EventTime = Now,
        Actor = actor,
    };

    [Fact]
    public async Task Binding_an_unbound_tag_commits_the_image_the_binding_and_the_history_event_together()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        NewImage a = Image("a");

        Assert.Equal(CommitOutcome.Committed, await CommitAsync(Push(repo, a, "v1")));

        Assert.Equal(a.Digest, await _sql.BoundAsync(repo, "v1"));
        Assert.Equal([$"0 CREATED v1 - {a.Digest} ci"], await _sql.EventsAsync(repo));
        Assert.Equal(Now, await _sql.ScalarAsync<DateTime>("SELECT recorded_at FROM tag_history WHERE repository_id = $1", repo));
    }

    [Fact]
    public async Task Binding_a_tag_expected_unbound_that_is_bound_now_conflicts_and_applies_nothing()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(CommitOutcome.Committed, await CommitAsync(Push(repo, a, "v1")));

        Assert.Equal(CommitOutcome.Conflict, await CommitAsync(Push(repo, b, "v1")));

        Assert.Equal(a.Digest, await _sql.BoundAsync(repo, "v1"));
        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images WHERE digest = $1", b.Digest)); // the image insert rolled back too
        Assert.Single(await _sql.EventsAsync(repo));
        Assert.Equal(1L, await _sql.ScalarAsync<long>("SELECT image_count FROM repositories WHERE repository_id = $1", repo));
    }

    [Fact]
    public async Task Moving_a_tag_commits_only_while_it_still_names_the_expected_digest()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage a = Image("a");
        NewImage b = Image("b");
        NewImage c = Image("c");
        Assert.Equal(CommitOutcome.Committed, await CommitAsync(Push(repo, a, "latest")));
        Assert.Equal(CommitOutcome.Committed, await CommitAsync(Push(repo, b, "latest", expected: a.Digest)));

        // Decided on the stale read "latest names a": loses.
        Assert.Equal(CommitOutcome.Conflict, await CommitAsync(Push(repo, c, "latest", expected: a.Digest)));

        Assert.Equal(b.Digest, await _sql.BoundAsync(repo, "latest"));
        Assert.Equal([$"0 CREATED latest - {a.Digest} ci", $"1 MOVED latest {a.Digest} {b.Digest} ci"], await _sql.EventsAsync(repo));
    }

    [Fact]
    public async Task A_write_decided_under_an_older_policy_conflicts()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(CommitOutcome.Committed, await CommitAsync(Push(repo, a, "latest")));
        Assert.Equal(CommitOutcome.Committed, await CommitAsync(new Change
        {
            RepositoryId = repo,
            NewPolicy = ("IMMUTABLE", []),
            EventTime = Now,
        }));

        // A node read MUTABLE (version 0) and decided "move"; the repository is IMMUTABLE (version 1) now.
        Assert.Equal(CommitOutcome.Conflict, await CommitAsync(Push(repo, b, "latest", expected: a.Digest, policyVersion: 0)));
        Assert.Equal(a.Digest, await _sql.BoundAsync(repo, "latest"));
        Assert.Equal(1L, await _sql.ScalarAsync<long>("SELECT policy_version FROM repositories WHERE repository_id = $1", repo));
    }

    [Fact]
    public async Task A_node_that_decides_to_move_an_immutable_tag_is_refused_by_the_database()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(CommitOutcome.Committed, await CommitAsync(Push(repo, a, "v1")));

        // The node's read is current (version 0, v1 -> a) but its decision is wrong: a bug. The database refuses.
        PostgresException error = await Assert.ThrowsAsync<PostgresException>(() => CommitAsync(Push(repo, b, "v1", expected: a.Digest)));
        Assert.Equal(ChangeBatch.ImmutableState, error.SqlState);
        Assert.Equal(a.Digest, await _sql.BoundAsync(repo, "v1"));
        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images WHERE digest = $1", b.Digest));
    }

    [Fact]
    public async Task A_failing_precondition_late_in_the_batch_rolls_back_the_statements_before_it()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage a = Image("a");

        // Inserts the image and binds the tag, then fails the image-count limit (0): nothing may remain.
        Change change = Push(repo, a, "latest");
        Assert.Equal(CommitOutcome.Conflict, await CommitAsync(new Change
        {
            RepositoryId = repo,
            ExpectedPolicyVersion = 0,
            Expectations = change.Expectations,
            AddedImages = change.AddedImages,
            Tags = change.Tags,
            MaxImages = 0,
            EventTime = Now,
        }));

        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images"));
        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT count(*) FROM tags"));
        Assert.Empty(await _sql.EventsAsync(repo));
        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT image_count FROM repositories WHERE repository_id = $1", repo));
    }

    [Fact]
    public async Task An_image_expected_with_some_tags_conflicts_once_its_tags_changed()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage a = Image("a");
        Assert.Equal(CommitOutcome.Committed, await CommitAsync(Push(repo, a, "one")));
        Change tagTwo = new()
        {
            RepositoryId = repo,
            ExpectedPolicyVersion = 0,
            Expectations = [new ImageExpectation(a.Digest, Present: true, Tags: ["one"])],
            Tags = [new TagSwap("two", null, a.Digest)],
            EventTime = Now,
        };
        Change tagThree = new()
        {
            RepositoryId = repo,
            ExpectedPolicyVersion = 0,
            Expectations = [new ImageExpectation(a.Digest, Present: true, Tags: ["one"])],
            Tags = [new TagSwap("three", null, a.Digest)],
            EventTime = Now,
        };

        Assert.Equal(CommitOutcome.Committed, await CommitAsync(tagTwo));
        Assert.Equal(CommitOutcome.Conflict, await CommitAsync(tagThree)); // it read ["one"]; the image has ["one", "two"] now
        Assert.Equal(["one", "two"], (await _sql.RowsAsync("SELECT tag FROM tags ORDER BY binding_order")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Removing_an_image_unbinds_its_tags_in_ordinal_order_and_conflicts_when_a_tag_was_added_meanwhile()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage a = Image("a");
        Assert.Equal(CommitOutcome.Committed, await CommitAsync(Push(repo, a, "b-tag")));
        await _sql.BindAsync(repo, "a-tag", a.Digest);
        Change stale = new()
        {
            RepositoryId = repo,
            Expectations = [new ImageExpectation(a.Digest, Present: true, Tags: ["b-tag"], Referrers: [])],
            Tags = [new TagSwap("b-tag", a.Digest, null)],
            RemovedImages = [a.Digest],
            EventTime = Now,
        };
        Assert.Equal(CommitOutcome.Conflict, await CommitAsync(stale));

        Change current = new()
        {
            RepositoryId = repo,
            Expectations = [new ImageExpectation(a.Digest, Present: true, Tags: ["b-tag", "a-tag"], Referrers: [])],
            Tags = [new TagSwap("b-tag", a.Digest, null), new TagSwap("a-tag", a.Digest, null)],
            RemovedImages = [a.Digest],
            EventTime = Now,
            Actor = null,
        };
        Assert.Equal(CommitOutcome.Committed, await CommitAsync(current));

        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images"));
        List<string> events = await _sql.EventsAsync(repo);
        Assert.Equal([$"2 REMOVED a-tag {a.Digest} - -", $"3 REMOVED b-tag {a.Digest} - -"], events[2..]);
    }

    [Fact]
    public async Task A_rejection_is_recorded_with_the_write_time_and_actor_while_it_is_true()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(CommitOutcome.Committed, await CommitAsync(Push(repo, a, "v1")));

        Assert.Equal(CommitOutcome.Committed, await CommitAsync(new Change
        {
            RepositoryId = repo,
            ExpectedPolicyVersion = 0,
            Rejection = ("v1", a.Digest, b.Digest),
            EventTime = Now.AddMinutes(5),
            Actor = "bob",
        }));
        Assert.Equal(CommitOutcome.Conflict, await CommitAsync(new Change
        {
            RepositoryId = repo,
            Rejection = ("v1", b.Digest, a.Digest),
            EventTime = Now,
        }));

        Assert.Equal($"1 REJECTED v1 {a.Digest} {b.Digest} bob", (await _sql.EventsAsync(repo))[^1]);
        Assert.Equal(Now.AddMinutes(5), await _sql.ScalarAsync<DateTime>("SELECT recorded_at FROM tag_history WHERE event = 'REJECTED'"));
    }

    [Fact]
    public async Task The_history_is_trimmed_to_the_bound_in_the_same_transaction()
    {
        long repo = await _sql.RepositoryAsync("app");
        string previous = string.Empty;
        for (int i = 0; i < 6; i++)
        {
            NewImage image = Image("i" + i);
            Change push = Push(repo, image, "latest", expected: i == 0 ? null : previous);
            Assert.Equal(CommitOutcome.Committed, await CommitAsync(new Change
            {
                RepositoryId = repo,
                ExpectedPolicyVersion = 0,
                Expectations = push.Expectations,
                AddedImages = push.AddedImages,
                Tags = push.Tags,
                EventTime = Now,
                MaxHistoryEvents = 4,
            }));
            previous = image.Digest;
        }

        Assert.Equal([2L, 3L, 4L, 5L], (await _sql.RowsAsync("SELECT sequence FROM tag_history ORDER BY sequence")).Select(r => (long)r[0]!));
    }

    [Fact]
    public async Task A_repository_deleted_and_created_again_is_another_repository_for_a_write_decided_before()
    {
        long old = await _sql.RepositoryAsync("app");
        await _sql.ExecuteAsync("DELETE FROM repositories WHERE repository_id = $1", old);
        long again = await _sql.RepositoryAsync("app");

        Assert.NotEqual(old, again);
        Assert.Equal(CommitOutcome.Conflict, await CommitAsync(Push(old, Image("a"), "v1")));
        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images"));
    }

    [Fact]
    public async Task Racing_commits_binding_one_new_immutable_tag_to_different_digests_have_exactly_one_winner()
    {
        const int Racers = 16;
        const int Rounds = 20;
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        for (int round = 0; round < Rounds; round++)
        {
            string tag = "v" + round;
            NewImage[] images = [.. Enumerable.Range(0, Racers).Select(i => Image($"r{round}-{i}"))];
            // Every racer opens its connection first, then all are released at once.
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            NpgsqlConnection[] connections = await Task.WhenAll(images.Select(_ => _sql.DataSource.OpenConnectionAsync().AsTask()));
            Task<CommitOutcome>[] racers = [.. images.Select((image, i) => Task.Run(async () =>
            {
                await start.Task;
                return await ChangeBatch.CommitAsync(connections[i], Push(repo, image, tag), CancellationToken.None);
            }))];
            start.SetResult();
            CommitOutcome[] outcomes = await Task.WhenAll(racers);
            foreach (NpgsqlConnection connection in connections)
            {
                await connection.DisposeAsync();
            }

            int winner = Array.IndexOf(outcomes, CommitOutcome.Committed);
            Assert.Equal(1, outcomes.Count(o => o == CommitOutcome.Committed));
            Assert.Equal(images[winner].Digest, await _sql.BoundAsync(repo, tag));
            Assert.Equal(1L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images WHERE digest = ANY ($1)", (object)images.Select(i => i.Digest).ToArray()));
        }

        Assert.Equal(Rounds, (await _sql.EventsAsync(repo)).Count);
        Assert.Equal((long)Rounds, await _sql.ScalarAsync<long>("SELECT image_count FROM repositories WHERE repository_id = $1", repo));
    }
}
