using TagImmutability.Server.Tests.Distribution;
using Xunit.Abstractions;

namespace TagImmutability.Server.Tests.EndToEnd;

/// <summary>
/// Our server and the CNCF reference registry, each behind a <see cref="RecordingProxy"/>, and one skopeo. Our server
/// creates repositories on push as IMMUTABLE, except <c>mutable-repo</c>, created MUTABLE.
/// </summary>
public sealed class ComparisonFixture : IAsyncLifetime
{
    internal TestServer Ours { get; private set; } = null!;

    internal ReferenceRegistry Reference { get; private set; } = null!;

    internal RecordingProxy OursProxy { get; private set; } = null!;

    internal RecordingProxy ReferenceProxy { get; private set; } = null!;

    internal Skopeo Skopeo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Skopeo = new Skopeo();
        Reference = await ReferenceRegistry.StartAsync();
        Ours = await TestServer.StartAsync(new RegistryServerOptions { CreateOnPush = true, CreateOnPushPolicy = TagMutabilityPolicy.Immutable });
        Ours.Create("mutable-repo");
        OursProxy = await RecordingProxy.StartAsync(Ours.Server.BaseAddress);
        ReferenceProxy = await RecordingProxy.StartAsync(Reference.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        foreach (IAsyncDisposable? part in new IAsyncDisposable?[] { OursProxy, ReferenceProxy, Ours, Reference })
        {
            if (part is not null)
            {
                await part.DisposeAsync();
            }
        }

        Skopeo?.Dispose();
    }
}

/// <summary>
/// The same skopeo flows against our server and against the CNCF reference registry: every request skopeo makes gets
/// the same HTTP status (and error code) from both, and the results agree, except for the one difference this project
/// exists for: pushing a rebuilt image to an existing immutable tag, which the reference registry accepts and ours
/// refuses as ECR does.
/// </summary>
public sealed class ReferenceComparisonTests(ComparisonFixture fixture, ITestOutputHelper output) : IClassFixture<ComparisonFixture>
{
    private Skopeo Skopeo => fixture.Skopeo;

    [Fact]
    public async Task The_immutable_tag_experiment_differs_only_where_ours_refuses_to_move_latest()
    {
        TestImage first = TestImage.Scratch("example-0001");
        TestImage rebuilt = TestImage.Scratch("example-0002");
        string firstLayout = OciLayout.WriteImage(Layout("cmp-first"), "latest", first);
        string rebuiltLayout = OciLayout.WriteImage(Layout("cmp-rebuilt"), "latest", rebuilt);

        Step push = await BothAsync("push latest", host => Skopeo.CopyAsync($"oci:{firstLayout}:latest", $"docker://{host}/immutable-repo:latest"));
        push.AssertSameExchangesAndExitCodes(0);

        Step inspect = await BothAsync("inspect latest", host => Skopeo.InspectRawAsync($"docker://{host}/immutable-repo:latest"));
        inspect.AssertSameExchangesAndExitCodes(0);
        Assert.Equal(inspect.Ours.Output, inspect.Reference.Output);

        Step repush = await BothAsync("push rebuilt latest", host => Skopeo.CopyAsync($"oci:{rebuiltLayout}:latest", $"docker://{host}/immutable-repo:latest"));
        Assert.Equal(0, repush.Reference.ExitCode);
        Assert.NotEqual(0, repush.Ours.ExitCode);
        Assert.Contains("tag invalid: The image tag 'latest' already exists in the 'immutable-repo' repository and cannot be overwritten because the tag is immutable.", repush.Ours.Error, StringComparison.Ordinal);
        // skopeo retries the refused manifest converted to Docker's format: every attempt is refused the same way.
        Exchange[] manifestPuts = [.. repush.OursExchanges.Where(e => e.Method == "PUT" && e.Path == "/v2/immutable-repo/manifests/latest")];
        Assert.NotEmpty(manifestPuts);
        Assert.All(manifestPuts, put => Assert.Equal((400, "TAG_INVALID"), (put.Status, put.ErrorCodes)));
        Assert.Contains(repush.ReferenceExchanges, e => e.Method == "PUT" && e.Path == "/v2/immutable-repo/manifests/latest" && e.Status == 201);

        // Up to the manifest PUT the two pushes agree request for request; ours then refuses, and skopeo's retries in
        // Docker's format only check blobs (which exist) and are refused again.
        static bool IsManifestPut(Exchange e) => e.Method == "PUT" && e.Path.Contains("/manifests/", StringComparison.Ordinal);
        Assert.Equal(Sorted(repush.ReferenceExchanges.TakeWhile(e => !IsManifestPut(e))), Sorted(repush.OursExchanges.TakeWhile(e => !IsManifestPut(e))));
        Assert.All(repush.OursExchanges.SkipWhile(e => !IsManifestPut(e)), e => Assert.True(
            (IsManifestPut(e) && e.Status == 400) || (e.Method == "HEAD" && e.Status == 200), e.ToString()));

        // The consequence: latest names different images, so the config blob inspect reads differs; the requests
        // and their statuses are otherwise the same.
        Step after = await BothAsync("inspect latest after", host => Skopeo.InspectAsync($"docker://{host}/immutable-repo:latest"));
        Assert.Equal((0, 0), (after.Ours.ExitCode, after.Reference.ExitCode));
        Assert.Equal(
            Sorted(after.ReferenceExchanges).Select(e => e.Replace(rebuilt.ConfigDigest, "<config>", StringComparison.Ordinal)),
            Sorted(after.OursExchanges).Select(e => e.Replace(first.ConfigDigest, "<config>", StringComparison.Ordinal)));
        Assert.Equal(first.ManifestDigest, after.OursDigest);
        Assert.Equal(rebuilt.ManifestDigest, after.ReferenceDigest);
    }

    [Fact]
    public async Task Against_a_mutable_repository_both_move_the_tag_with_the_same_requests()
    {
        TestImage first = TestImage.Scratch("example-0011");
        TestImage rebuilt = TestImage.Scratch("example-0012");
        string firstLayout = OciLayout.WriteImage(Layout("mut-first"), "latest", first);
        string rebuiltLayout = OciLayout.WriteImage(Layout("mut-rebuilt"), "latest", rebuilt);

        (await BothAsync("push latest", host => Skopeo.CopyAsync($"oci:{firstLayout}:latest", $"docker://{host}/mutable-repo:latest"))).AssertSameExchangesAndExitCodes(0);
        (await BothAsync("push rebuilt latest", host => Skopeo.CopyAsync($"oci:{rebuiltLayout}:latest", $"docker://{host}/mutable-repo:latest"))).AssertSameExchangesAndExitCodes(0);
        (await BothAsync("push rebuilt latest again", host => Skopeo.CopyAsync($"oci:{rebuiltLayout}:latest", $"docker://{host}/mutable-repo:latest"))).AssertSameExchangesAndExitCodes(0);
        Step inspect = await BothAsync("inspect latest", host => Skopeo.InspectAsync($"docker://{host}/mutable-repo:latest"));
        inspect.AssertSameExchangesAndExitCodes(0);
        Assert.Equal((rebuilt.ManifestDigest, rebuilt.ManifestDigest), (inspect.OursDigest, inspect.ReferenceDigest));

        string pulledOurs = Layout("mut-pulled-ours");
        string pulledReference = Layout("mut-pulled-reference");
        Step pull = await BothAsync("pull latest", host => Skopeo.CopyAsync($"docker://{host}/mutable-repo:latest",
            $"oci:{(host == fixture.OursProxy.HostPort ? pulledOurs : pulledReference)}:latest"));
        pull.AssertSameExchangesAndExitCodes(0);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(pulledReference, "index.json")), await File.ReadAllTextAsync(Path.Combine(pulledOurs, "index.json")));
    }

    [Fact]
    public async Task A_multi_platform_index_pushes_and_reads_back_the_same_on_both()
    {
        TestImage amd64 = TestImage.Scratch("example-0021", "amd64");
        TestImage arm64 = TestImage.Scratch("example-0021", "arm64");
        string layout = Layout("cmp-multi");
        byte[] index = OciLayout.WriteMultiPlatform(layout, "v1", amd64, arm64);

        (await BothAsync("push index", host => Skopeo.CopyAsync($"oci:{layout}:v1", $"docker://{host}/multi-repo:v1", all: true))).AssertSameExchangesAndExitCodes(0);
        Step raw = await BothAsync("inspect index", host => Skopeo.InspectRawAsync($"docker://{host}/multi-repo:v1"));
        raw.AssertSameExchangesAndExitCodes(0);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(index), raw.Ours.Output);
        Assert.Equal(raw.Reference.Output, raw.Ours.Output);
        Step child = await BothAsync("inspect a child by digest", host => Skopeo.InspectRawAsync($"docker://{host}/multi-repo@{arm64.ManifestDigest}"));
        child.AssertSameExchangesAndExitCodes(0);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(arm64.Manifest), child.Ours.Output);
    }

    private string Layout(string name) => Path.Combine(Skopeo.Folder, "layouts", name);

    private async Task<Step> BothAsync(string name, Func<string, Task<ProcessResult>> run)
    {
        fixture.OursProxy.Take();
        fixture.ReferenceProxy.Take();
        ProcessResult ours = await run(fixture.OursProxy.HostPort);
        IReadOnlyList<Exchange> oursExchanges = fixture.OursProxy.Take();
        ProcessResult reference = await run(fixture.ReferenceProxy.HostPort);
        IReadOnlyList<Exchange> referenceExchanges = fixture.ReferenceProxy.Take();
        output.WriteLine($"== {name}");
        output.WriteLine($"ours (exit {ours.ExitCode}):");
        foreach (Exchange exchange in oursExchanges)
        {
            output.WriteLine("  " + exchange);
        }

        output.WriteLine($"reference (exit {reference.ExitCode}):");
        foreach (Exchange exchange in referenceExchanges)
        {
            output.WriteLine("  " + exchange);
        }

        return new Step(name, ours, reference, oursExchanges, referenceExchanges);
    }

    private static string[] Sorted(IEnumerable<Exchange> exchanges) => [.. exchanges.Select(e => e.ToString()).Order(StringComparer.Ordinal)];

    private sealed record Step(string Name, ProcessResult Ours, ProcessResult Reference, IReadOnlyList<Exchange> OursExchanges, IReadOnlyList<Exchange> ReferenceExchanges)
    {
        public string OursDigest => Digest(Ours);

        public string ReferenceDigest => Digest(Reference);

        public void AssertSameExchangesAndExitCodes(int exitCode)
        {
            Assert.True(Ours.ExitCode == exitCode, $"{Name}, ours: {Ours}");
            Assert.True(Reference.ExitCode == exitCode, $"{Name}, reference: {Reference}");
            Assert.NotEmpty(OursExchanges);
            Assert.Equal(Sorted(ReferenceExchanges), Sorted(OursExchanges));
        }

        private static string Digest(ProcessResult inspected)
        {
            using var document = System.Text.Json.JsonDocument.Parse(inspected.Output);
            return document.RootElement.GetProperty("Digest").GetString()!;
        }
    }
}
