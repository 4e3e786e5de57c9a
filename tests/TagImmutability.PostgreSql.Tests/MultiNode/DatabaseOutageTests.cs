using System.Net;
using System.Text;
using TagImmutability.PostgreSql.Tests.Infrastructure;
using Xunit.Abstractions;
using Manifests = TagImmutability.Tests.Registries.Manifests;

namespace TagImmutability.PostgreSql.Tests.MultiNode;

/// <summary>
/// A node whose database goes away fails closed (errors, never a guess or a stale answer) and serves again, without a
/// restart, once the database is back. Runs on a cluster of its own, since it stops its server.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private static string ManifestText(string label) => Encoding.UTF8.GetString(Manifests.Image(label, 1).Content.Span);

    [Fact]
    public async Task While_the_database_is_down_a_node_refuses_reads_and_writes_and_afterwards_serves_again()
    {
        using TemporaryPostgreSqlCluster database = TemporaryPostgreSqlCluster.Start();
        await using ServeNode node = await ServeNode.StartAsync(database.AdminConnectionString, PostgreSqlSchema.DefaultSchemaName);
        Assert.Equal(HttpStatusCode.OK, (await node.EcrAsync("CreateRepository", new { repositoryName = "team/app", imageTagMutability = "IMMUTABLE" })).Status);
        string v1 = ManifestText("outage/v1");
        Assert.Equal(HttpStatusCode.OK, (await node.PutImageAsync("team/app", v1, "v1")).Status);

        database.StopServer();
        var writeWhileDown = await node.PutImageAsync("team/app", ManifestText("outage/v2"), "v2");
        var readWhileDown = await node.EcrAsync("BatchGetImage", new { repositoryName = "team/app", imageIds = new[] { new { imageTag = "v1" } } });
        Assert.Equal(HttpStatusCode.InternalServerError, writeWhileDown.Status);
        Assert.Equal(HttpStatusCode.InternalServerError, readWhileDown.Status);

        database.StartServer();
        string? resolved = null;
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (resolved is null)
        {
            try
            {
                resolved = await node.ResolveAsync("team/app", "v1");
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                // The pool may hand out a connection broken by the restart once; the next request gets a new one.
                await Task.Delay(200);
            }
        }

        Assert.Equal(Digest.Compute(Encoding.UTF8.GetBytes(v1)).ToString(), resolved);
        Assert.Null(await node.ResolveAsync("team/app", "v2")); // the write refused during the outage did not happen
        Assert.Equal(HttpStatusCode.OK, (await node.PutImageAsync("team/app", ManifestText("outage/v2"), "v2")).Status);
        Assert.False(node.HasExited);
        output.WriteLine($"database down: write {(int)writeWhileDown.Status}, read {(int)readWhileDown.Status}; back up: the same node serves again");
    }
}
