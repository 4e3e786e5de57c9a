using System.Net;
using TagImmutability.Server.Tests.Distribution;

namespace TagImmutability.Server.Tests.Journal;

/// <summary>A server on a data directory, stopped and started again in-process: every kind of write survives.</summary>
public sealed class DurableServerTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tagimm-durable-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Manifests_tags_deletes_mounts_and_blob_deletes_survive_a_restart(bool cleanStop)
    {
        var options = new RegistryServerOptions
        {
            DataDirectory = _directory,
            CreateOnPush = true,
            CreateOnPushPolicy = TagMutabilityPolicy.Immutable,
        };
        TestImage one = TestImage.Scratch("one");
        TestImage two = TestImage.Scratch("two");
        string before;
        await using (TestServer server = await TestServer.StartAsync(options))
        {
            (await server.Http.PushAsync("app", one, "v1")).EnsureSuccessStatusCode();
            (await server.Http.PushAsync("app", two, "v2")).EnsureSuccessStatusCode();
            Assert.Equal(HttpStatusCode.BadRequest, (await server.Http.PushAsync("app", two, "v1")).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await server.Http.DeleteAsync($"/v2/app/manifests/{two.ManifestDigest}")).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await server.Http.PostAsync($"/v2/other/blobs/uploads/?mount={one.ConfigDigest}&from=app", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await server.Http.DeleteAsync($"/v2/app/blobs/{two.ConfigDigest}")).StatusCode);
            before = JournalFixture.SnapshotText(server.Registry);
            if (!cleanStop)
            {
                // As a crash leaves it: the journal only, no final snapshot.
                server.Server.Journal!.CloseAbruptly();
            }
        }

        await using TestServer restarted = await TestServer.StartAsync(options);

        Assert.Equal(before, JournalFixture.SnapshotText(restarted.Registry));
        Assert.Equal(cleanStop, restarted.Server.Journal!.Opened.SnapshotLoaded);
        // Two repositories created on push, 3 pushes of 2 blob links and a manifest each, a manifest delete, a mount, a blob delete.
        Assert.Equal(cleanStop ? 0 : 14, restarted.Server.Journal.Opened.RecordsReplayed);
        Assert.Equal(HttpStatusCode.OK, (await restarted.Http.GetManifestAsync("app", "v1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await restarted.Http.GetManifestAsync("app", "v2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await restarted.Http.GetAsync($"/v2/other/blobs/{one.ConfigDigest}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await restarted.Http.GetAsync($"/v2/app/blobs/{two.ConfigDigest}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await restarted.Http.GetAsync($"/v2/app/blobs/{two.LayerDigest}")).StatusCode);
        Assert.Contains(restarted.Registry.GetHistory(RepositoryName.Parse("app")), e => e.Kind == TagEventKind.Rejected);

        // The unlinked config of build two had no other link: its file is gone, on disk too.
        Assert.False(File.Exists(Path.Combine(_directory, "blobs", "sha256", two.ConfigDigest[7..9], two.ConfigDigest[7..])));
    }
}
