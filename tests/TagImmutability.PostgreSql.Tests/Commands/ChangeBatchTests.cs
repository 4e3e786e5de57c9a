using System.Collections.Immutable;
using Npgsql;
using TagImmutability.PostgreSql.Tests.Infrastructure;
using TagImmutability.PostgreSql.Tests.Schema;
using TagImmutability.Storage;

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
        new(Digest.Parse(RawSql.DigestOf(RawSql.Manifest(label))), RawSql.Manifest(label), MediaType.Parse("application/vnd.oci.image.manifest.v1+json"), 10, Now, []);

    private static string D(NewImage image) => image.Digest.ToString();

    private static Tag T(string tag) => Tag.Parse(tag, GrammarProfile.Ecr);

    // The repository as a node read it: its row id and the policy version (the policy object itself is not sent).
    private static StoredRepository Repo(long id, long policyVersion = 0) =>
        new(id, RepositoryName.Parse("app"), Now, TagMutabilityPolicy.Mutable, policyVersion);

    private async Task<StoreCommitOutcome> CommitAsync(RepositoryChange change)
    {
        await using NpgsqlConnection connection = await _sql.DataSource.OpenConnectionAsync();
        return await ChangeBatch.CommitAsync(connection, change, CancellationToken.None);
    }

    // A push of a new image bound to a tag: what the registry commits for PutImage.
    private static RepositoryChange Push(long repo, NewImage image, string tag, NewImage? expected = null, long policyVersion = 0, string? actor = "ci", int maxHistory = 100) =>
        new(Repo(repo, policyVersion), Now)
        {
            DependsOnPolicy = true,
            ImageExpectations = [ImageExpectation.Absent(image.Digest)],
            AddedImages = [image],
            TagChanges = [new TagChange(T(tag), expected?.Digest, image.Digest)],
            Actor = actor,
            MaxHistoryEvents = maxHistory,
        };

    [Fact]
    public async Task Binding_an_unbound_tag_commits_the_image_the_binding_and_the_history_event_together()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        NewImage a = Image("a");

        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Push(repo, a, "v1")));

        Assert.Equal(D(a), await _sql.BoundAsync(repo, "v1"));
        Assert.Equal([$"0 CREATED v1 - {D(a)} ci"], await _sql.EventsAsync(repo));
        Assert.Equal(Now, await _sql.ScalarAsync<DateTime>("SELECT recorded_at FROM tag_history WHERE repository_id = $1", repo));
    }

    [Fact]
    public async Task Binding_a_tag_expected_unbound_that_is_bound_now_conflicts_and_applies_nothing()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Push(repo, a, "v1")));

        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(Push(repo, b, "v1")));

        Assert.Equal(D(a), await _sql.BoundAsync(repo, "v1"));
        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images WHERE digest = $1", D(b))); // the image insert rolled back too
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
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Push(repo, a, "latest")));
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Push(repo, b, "latest", expected: a)));

        // Decided on the stale read "latest names a": loses.
        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(Push(repo, c, "latest", expected: a)));

        Assert.Equal(D(b), await _sql.BoundAsync(repo, "latest"));
        Assert.Equal([$"0 CREATED latest - {D(a)} ci", $"1 MOVED latest {D(a)} {D(b)} ci"], await _sql.EventsAsync(repo));
    }

    [Fact]
    public async Task A_write_decided_under_an_older_policy_conflicts()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Push(repo, a, "latest")));
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(new RepositoryChange(Repo(repo), Now) { NewPolicy = TagMutabilityPolicy.Immutable }));

        // A node read MUTABLE (version 0) and decided "move"; the repository is IMMUTABLE (version 1) now.
        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(Push(repo, b, "latest", expected: a, policyVersion: 0)));
        Assert.Equal(D(a), await _sql.BoundAsync(repo, "latest"));
        Assert.Equal(1L, await _sql.ScalarAsync<long>("SELECT policy_version FROM repositories WHERE repository_id = $1", repo));
        Assert.Equal("IMMUTABLE", await _sql.ScalarAsync<string>("SELECT image_tag_mutability FROM repositories WHERE repository_id = $1", repo));
    }

    [Fact]
    public async Task A_node_that_decides_to_move_an_immutable_tag_is_refused_by_the_database()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Push(repo, a, "v1")));

        // The node's read is current (version 0, v1 -> a) but its decision is wrong: a bug. The database refuses.
        PostgresException error = await Assert.ThrowsAsync<PostgresException>(() => CommitAsync(Push(repo, b, "v1", expected: a)));
        Assert.Equal(ChangeBatch.ImmutableState, error.SqlState);
        Assert.Equal(D(a), await _sql.BoundAsync(repo, "v1"));
        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images WHERE digest = $1", D(b)));
    }

    [Fact]
    public async Task A_failing_precondition_late_in_the_batch_rolls_back_the_statements_before_it()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage a = Image("a");
        RepositoryChange push = Push(repo, a, "latest");

        // Inserts the image and binds the tag, then fails the image-count limit (0): nothing may remain.
        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(new RepositoryChange(Repo(repo), Now)
        {
            DependsOnPolicy = true,
            ImageExpectations = push.ImageExpectations,
            AddedImages = push.AddedImages,
            TagChanges = push.TagChanges,
            MaxImages = 0,
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
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Push(repo, a, "one")));
        RepositoryChange TagWith(string tag) => new(Repo(repo), Now)
        {
            DependsOnPolicy = true,
            ImageExpectations = [ImageExpectation.Present(a.Digest, [T("one")], [])],
            TagChanges = [new TagChange(T(tag), null, a.Digest)],
        };

        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(TagWith("two")));
        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(TagWith("three"))); // it read [one]; the image has [one, two] now
        Assert.Equal(["one", "two"], (await _sql.RowsAsync("SELECT tag FROM tags ORDER BY binding_order")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task A_tag_checked_but_not_changed_must_still_name_what_was_read()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Push(repo, a, "one")));
        RepositoryChange WithCheck(Digest? seen) => new(Repo(repo), Now)
        {
            ImageExpectations = [ImageExpectation.Absent(b.Digest)],
            AddedImages = [b],
            TagChanges = [new TagChange(T("one"), seen, seen)],
        };

        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(WithCheck(null)));
        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(WithCheck(b.Digest)));
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(WithCheck(a.Digest)));
    }

    [Fact]
    public async Task Removing_an_image_unbinds_its_tags_in_ordinal_order_and_conflicts_when_a_tag_was_added_meanwhile()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage a = Image("a");
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Push(repo, a, "b-tag")));
        await _sql.BindAsync(repo, "a-tag", D(a));
        RepositoryChange stale = new(Repo(repo), Now)
        {
            ImageExpectations = [ImageExpectation.Present(a.Digest, [T("b-tag")], [])],
            TagChanges = [new TagChange(T("b-tag"), a.Digest, null)],
            RemovedImages = [a.Digest],
        };
        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(stale));

        RepositoryChange current = new(Repo(repo), Now)
        {
            ImageExpectations = [ImageExpectation.Present(a.Digest, [T("b-tag"), T("a-tag")], [])],
            TagChanges = [new TagChange(T("b-tag"), a.Digest, null), new TagChange(T("a-tag"), a.Digest, null)],
            RemovedImages = [a.Digest],
        };
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(current));

        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images"));
        List<string> events = await _sql.EventsAsync(repo);
        Assert.Equal([$"2 REMOVED a-tag {D(a)} - -", $"3 REMOVED b-tag {D(a)} - -"], events[2..]);
    }

    [Fact]
    public async Task Removing_an_image_an_index_references_conflicts()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage child = Image("child");
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(new RepositoryChange(Repo(repo), Now) { AddedImages = [child] }));
        NewImage index = new(Digest.Parse(RawSql.DigestOf(RawSql.Manifest("index"))), RawSql.Manifest("index"), MediaType.Parse("application/vnd.oci.image.index.v1+json"), 0, Now, [child.Digest]);
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(new RepositoryChange(Repo(repo), Now) { AddedImages = [index] }));

        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(new RepositoryChange(Repo(repo), Now)
        {
            ImageExpectations = [ImageExpectation.Present(child.Digest, [], [])],
            RemovedImages = [child.Digest],
        }));
        Assert.Equal(2L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images"));
    }

    [Fact]
    public async Task An_index_whose_child_is_gone_is_not_added()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage child = Image("child");
        NewImage index = new(Digest.Parse(RawSql.DigestOf(RawSql.Manifest("index"))), RawSql.Manifest("index"), MediaType.Parse("application/vnd.oci.image.index.v1+json"), 0, Now, [child.Digest]);

        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(new RepositoryChange(Repo(repo), Now) { AddedImages = [index] }));
        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images"));
    }

    [Fact]
    public async Task A_rejection_is_recorded_with_the_write_time_and_actor_while_it_is_true()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Push(repo, a, "v1")));
        RepositoryName app = RepositoryName.Parse("app");
        RepositoryChange Reject(Digest existing, Digest attempted) => new(Repo(repo), Now.AddMinutes(5))
        {
            DependsOnPolicy = true,
            Actor = "bob",
            Events = [new TagEvent(0, Now.AddMinutes(5), app, T("v1"), TagEventKind.Rejected, existing, attempted, "bob")],
        };

        Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Reject(a.Digest, b.Digest)));
        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(Reject(b.Digest, a.Digest))); // v1 does not name b: a stale refusal

        Assert.Equal($"1 REJECTED v1 {D(a)} {D(b)} bob", (await _sql.EventsAsync(repo))[^1]);
        Assert.Equal(Now.AddMinutes(5), await _sql.ScalarAsync<DateTime>("SELECT recorded_at FROM tag_history WHERE event = 'REJECTED'"));
    }

    [Fact]
    public async Task The_history_is_trimmed_to_the_bound_in_the_same_transaction()
    {
        long repo = await _sql.RepositoryAsync("app");
        NewImage? previous = null;
        for (int i = 0; i < 6; i++)
        {
            NewImage image = Image("i" + i);
            Assert.Equal(StoreCommitOutcome.Committed, await CommitAsync(Push(repo, image, "latest", expected: previous, maxHistory: 4)));
            previous = image;
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
        Assert.Equal(StoreCommitOutcome.Conflict, await CommitAsync(Push(old, Image("a"), "v1")));
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
            Task<StoreCommitOutcome>[] racers = [.. images.Select((image, i) => Task.Run(async () =>
            {
                await start.Task;
                return await ChangeBatch.CommitAsync(connections[i], Push(repo, image, tag), CancellationToken.None);
            }))];
            start.SetResult();
            StoreCommitOutcome[] outcomes = await Task.WhenAll(racers);
            foreach (NpgsqlConnection connection in connections)
            {
                await connection.DisposeAsync();
            }

            int winner = Array.IndexOf(outcomes, StoreCommitOutcome.Committed);
            Assert.Equal(1, outcomes.Count(o => o == StoreCommitOutcome.Committed));
            Assert.Equal(D(images[winner]), await _sql.BoundAsync(repo, tag));
            Assert.Equal(1L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images WHERE digest = ANY ($1)", (object)images.Select(D).ToArray()));
        }

        Assert.Equal(Rounds, (await _sql.EventsAsync(repo)).Count);
        Assert.Equal((long)Rounds, await _sql.ScalarAsync<long>("SELECT image_count FROM repositories WHERE repository_id = $1", repo));
    }
}
