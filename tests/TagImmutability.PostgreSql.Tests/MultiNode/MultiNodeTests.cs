using System.Net;
using System.Text;
using Npgsql;
using TagImmutability.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;
using Manifests = TagImmutability.Tests.Registries.Manifests;

namespace TagImmutability.PostgreSql.Tests.MultiNode;

/// <summary>
/// Several real <c>tagimm serve --postgres</c> processes on one database, driven over HTTP with the ECR API: racing
/// pushes through different nodes, and nodes killed in the middle of writes.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class MultiNodeTests(PostgreSqlCluster cluster, ITestOutputHelper output)
{
    private static string ManifestText(string label) => Encoding.UTF8.GetString(Manifests.Image(label, 1).Content.Span);

    private static string DigestOf(string manifest) => Digest.Compute(Encoding.UTF8.GetBytes(manifest)).ToString();

    private static async Task<ServeNode[]> StartNodesAsync(string connection, string schema, int count)
    {
        // The first node creates the schema; the others find it migrated.
        ServeNode first = await ServeNode.StartAsync(connection, schema);
        ServeNode[] others = await Task.WhenAll(Enumerable.Range(1, count - 1).Select(_ => ServeNode.StartAsync(connection, schema)));
        return [first, .. others];
    }

    private static async Task DisposeAllAsync(IEnumerable<ServeNode> nodes)
    {
        foreach (ServeNode node in nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Racing_pushes_of_different_digests_to_the_same_tags_through_three_nodes_have_one_winner_per_tag_and_every_node_agrees()
    {
        const int Nodes = 3, RacersPerNode = 4, Tags = 20;
        string schema = PostgreSqlCluster.NewSchemaName("race");
        ServeNode[] nodes = await StartNodesAsync(cluster.AdminConnectionString, schema, Nodes);
        try
        {
            var created = await nodes[0].EcrAsync("CreateRepository", new { repositoryName = "team/app", imageTagMutability = "IMMUTABLE" });
            Assert.Equal(HttpStatusCode.OK, created.Status);

            var winners = new Dictionary<string, string>();
            int refusals = 0;
            for (int t = 0; t < Tags; t++)
            {
                string tag = $"v1.{t}";
                string[] manifests = [.. Enumerable.Range(0, Nodes * RacersPerNode).Select(r => ManifestText($"{schema}/{tag}/{r}"))];
                var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Task<(HttpStatusCode Status, string? ErrorType, System.Text.Json.JsonElement Body)>[] racers =
                    [.. manifests.Select((m, r) => Task.Run(async () =>
                    {
                        await start.Task;
                        return await nodes[r % Nodes].PutImageAsync("team/app", m, tag);
                    }))];
                start.SetResult();
                var results = await Task.WhenAll(racers);

                int[] won = [.. Enumerable.Range(0, results.Length).Where(i => results[i].Status == HttpStatusCode.OK)];
                Assert.True(won.Length == 1, $"{tag}: {won.Length} winners; answers: {string.Join(", ", results.Select(r => $"{(int)r.Status} {r.ErrorType}"))}");
                Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal(("BadRequest", "ImageTagAlreadyExistsException"), (r.Status.ToString(), r.ErrorType)));
                winners[tag] = DigestOf(manifests[won[0]]);
                refusals += results.Length - 1;
            }

            // Every node resolves every tag to its winner.
            foreach (ServeNode node in nodes)
            {
                foreach ((string tag, string digest) in winners)
                {
                    Assert.Equal(digest, await node.ResolveAsync("team/app", tag));
                }
            }

            // The database holds exactly the winners, one CREATED event per tag and one REJECTED event per refusal.
            await using Sql sql = Sql.Open(cluster.AdminConnectionString, schema);
            Assert.Equal((long)Tags, await sql.ScalarAsync<long>("SELECT count(*) FROM tags"));
            Assert.Equal((long)Tags, await sql.ScalarAsync<long>("SELECT count(*) FROM images"));
            Assert.Equal((long)Tags, await sql.ScalarAsync<long>("SELECT count(*) FROM tag_history WHERE event = 'CREATED'"));
            Assert.Equal((long)refusals, await sql.ScalarAsync<long>("SELECT count(*) FROM tag_history WHERE event = 'REJECTED'"));
            Assert.Equal(0L, await sql.ScalarAsync<long>("SELECT count(*) FROM tag_history WHERE event = 'MOVED'"));
            output.WriteLine($"{Tags} tags, {Nodes * RacersPerNode} racers each over {Nodes} nodes: {Tags} winners, {refusals} refusals, all nodes agree");
        }
        finally
        {
            await DisposeAllAsync(nodes);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_node_killed_inside_its_commit_leaves_all_of_the_write_or_none_of_it_and_the_other_node_goes_on(bool checkConnection)
    {
        string schema = PostgreSqlCluster.NewSchemaName("killcommit");
        ServeNode survivor = await ServeNode.StartAsync(cluster.AdminConnectionString, schema);

        // With client_connection_check_interval the server notices the dead client during the statement and rolls the
        // transaction back; without it, it runs the rest of the batch the node had already sent, and commits it whole.
        var builder = new NpgsqlConnectionStringBuilder(cluster.AdminConnectionString);
        if (checkConnection)
        {
            builder.Options = "-c client_connection_check_interval=100";
        }

        ServeNode victim = await ServeNode.StartAsync(builder.ConnectionString, schema);
        await using Sql sql = Sql.Open(cluster.AdminConnectionString, schema);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await survivor.EcrAsync("CreateRepository", new { repositoryName = "team/app", imageTagMutability = "IMMUTABLE" })).Status);

            // Test-only instrumentation: binding the tag 'slow' sleeps inside the transaction, after the image is inserted.
            await sql.ExecuteAsync(
                "CREATE FUNCTION slow_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.tag = 'slow' THEN PERFORM pg_sleep(4); END IF; RETURN NEW; END $$; " +
                "CREATE TRIGGER zz_slow BEFORE INSERT ON tags FOR EACH ROW EXECUTE FUNCTION slow_down()");
            string manifest = ManifestText(schema + "/slow");
            Task<(HttpStatusCode, string?, System.Text.Json.JsonElement)> push = victim.PutImageAsync("team/app", manifest, "slow");

            // Wait until the victim's transaction is asleep inside the trigger, then kill the victim.
            DateTime deadline = DateTime.UtcNow.AddSeconds(30);
            while (await sql.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'") == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the victim's push never reached the database");
                await Task.Delay(20);
            }

            Assert.Equal(0L, await sql.ScalarAsync<long>("SELECT count(*) FROM images")); // the insert is not visible yet
            victim.Kill();
            await Assert.ThrowsAnyAsync<Exception>(() => push);

            // The transaction ends, one way or the other, and releases the repository's lock: the survivor pushes.
            var after = await survivor.PutImageAsync("team/app", ManifestText(schema + "/after"), "after");
            Assert.Equal(HttpStatusCode.OK, after.Status);
            while (await sql.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'") > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the killed node's transaction never ended");
                await Task.Delay(50);
            }

            long images = await sql.ScalarAsync<long>("SELECT count(*) FROM images WHERE digest = $1", DigestOf(manifest));
            long tags = await sql.ScalarAsync<long>("SELECT count(*) FROM tags WHERE tag = 'slow'");
            long events = await sql.ScalarAsync<long>("SELECT count(*) FROM tag_history WHERE tag = 'slow'");
            Assert.True((images, tags, events) is (0, 0, 0) or (1, 1, 1), $"half-written: image {images}, tag {tags}, events {events}");
            if (checkConnection)
            {
                Assert.Equal((0L, 0L, 0L), (images, tags, events));
            }

            Assert.Equal(await sql.ScalarAsync<long>("SELECT count(*) FROM images"), await sql.ScalarAsync<long>("SELECT image_count FROM repositories"));
            Assert.Equal(tags == 1 ? DigestOf(manifest) : null, await survivor.ResolveAsync("team/app", "slow"));
            output.WriteLine($"client_connection_check_interval {(checkConnection ? "100 ms" : "off")}: the killed node's write was {(tags == 1 ? "committed whole" : "rolled back whole")}");
        }
        finally
        {
            await DisposeAllAsync([victim, survivor]);
        }
    }

    [Fact]
    public async Task Nodes_killed_at_random_moments_under_load_leave_a_consistent_database_that_kept_every_acknowledged_push()
    {
        const int Kills = 3, Clients = 6;
        string schema = PostgreSqlCluster.NewSchemaName("killload");
        ServeNode survivor = await ServeNode.StartAsync(cluster.AdminConnectionString, schema);
        await using Sql sql = Sql.Open(cluster.AdminConnectionString, schema);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<(string Repository, string Tag, string Digest)>();
        int failed = 0;
        var random = new Random(Environment.TickCount);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await survivor.EcrAsync("CreateRepository", new { repositoryName = "team/fixed", imageTagMutability = "IMMUTABLE" })).Status);
            Assert.Equal(HttpStatusCode.OK, (await survivor.EcrAsync("CreateRepository", new { repositoryName = "team/moving", imageTagMutability = "MUTABLE" })).Status);
            for (int kill = 0; kill < Kills; kill++)
            {
                ServeNode victim = await ServeNode.StartAsync(cluster.AdminConnectionString, schema);
                using var stop = new CancellationTokenSource();
                Task[] clients = [.. Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
                {
                    for (int i = 0; !stop.IsCancellationRequested; i++)
                    {
                        // New immutable tags, contended immutable tags, and moves of mutable tags, through both nodes.
                        ServeNode node = i % 3 == 0 ? survivor : victim;
                        (string repository, string tag) = (i % 4) switch
                        {
                            0 => ("team/fixed", $"k{kill}-c{c}-{i}"),
                            1 => ("team/fixed", $"k{kill}-shared-{i / 8}"),
                            _ => ("team/moving", $"latest-{c % 2}"),
                        };
                        string manifest = ManifestText($"{schema}/{kill}/{c}/{i}");
                        try
                        {
                            var answer = await node.PutImageAsync(repository, manifest, tag);
                            if (answer.Status == HttpStatusCode.OK && repository == "team/fixed")
                            {
                                acknowledged.Add((repository, tag, DigestOf(manifest)));
                            }
                        }
                        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
                        {
                            Interlocked.Increment(ref failed); // the victim died under this request
                        }
                    }
                }))];
                await Task.Delay(random.Next(300, 1500));
                victim.Kill();
                await Task.Delay(200);
                stop.Cancel();
                await Task.WhenAll(clients);
                await victim.DisposeAsync();
            }

            // Give the killed nodes' transactions time to end, then check the database as a whole.
            DateTime deadline = DateTime.UtcNow.AddSeconds(30);
            while (await sql.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND (state LIKE 'idle in transaction%' OR (state = 'active' AND query LIKE '%lock_repository%'))") > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "a killed node's transaction never ended");
                await Task.Delay(100);
            }

            Assert.Equal(0L, await sql.ScalarAsync<long>(
                "SELECT count(*) FROM tags t LEFT JOIN images i ON i.repository_id = t.repository_id AND i.digest = t.digest WHERE i.digest IS NULL"));
            Assert.Equal(0L, await sql.ScalarAsync<long>(
                "SELECT count(*) FROM repositories r WHERE image_count <> (SELECT count(*) FROM images i WHERE i.repository_id = r.repository_id)"));
            Assert.Equal(string.Empty, await HistoryDisagreementsAsync(sql));

            // Every push a node acknowledged is there, and every node (the survivor, and a fresh one) agrees.
            ServeNode fresh = await ServeNode.StartAsync(cluster.AdminConnectionString, schema);
            try
            {
                foreach ((string repository, string tag, string digest) in acknowledged)
                {
                    Assert.Equal(digest, await survivor.ResolveAsync(repository, tag));
                    Assert.Equal(digest, await fresh.ResolveAsync(repository, tag));
                }
            }
            finally
            {
                await fresh.DisposeAsync();
            }

            Assert.NotEmpty(acknowledged);
            output.WriteLine($"{Kills} nodes killed under load: {acknowledged.Count} acknowledged immutable pushes all kept, {failed} requests failed on a dead or dying node");
        }
        finally
        {
            await survivor.DisposeAsync();
        }
    }

    // Replays each repository's history: the bindings it leads to must be the tags table exactly.
    private static async Task<string> HistoryDisagreementsAsync(Sql sql)
    {
        var replayed = new Dictionary<(long, string), string>();
        foreach (object?[] row in await sql.RowsAsync("SELECT repository_id, tag, event, new_digest FROM tag_history ORDER BY repository_id, sequence"))
        {
            (long repository, string tag, string kind, string? digest) = ((long)row[0]!, (string)row[1]!, (string)row[2]!, (string?)row[3]);
            switch (kind)
            {
                case "CREATED" or "MOVED":
                    replayed[(repository, tag)] = digest!;
                    break;
                case "REMOVED":
                    replayed.Remove((repository, tag));
                    break;
            }
        }

        var actual = (await sql.RowsAsync("SELECT repository_id, tag, digest FROM tags")).ToDictionary(r => ((long)r[0]!, (string)r[1]!), r => (string)r[2]!);
        return string.Join("; ", actual.Where(p => replayed.GetValueOrDefault(p.Key) != p.Value).Select(p => $"{p.Key}: table {p.Value}, history {replayed.GetValueOrDefault(p.Key)}")
            .Concat(replayed.Where(p => !actual.ContainsKey(p.Key)).Select(p => $"{p.Key}: only in history")));
    }
}
