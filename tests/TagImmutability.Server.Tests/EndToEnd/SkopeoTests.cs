using System.Text.Json;
using TagImmutability.Server.Tests.Distribution;
using Xunit.Abstractions;

namespace TagImmutability.Server.Tests.EndToEnd;

/// <summary>Our server, started on a free loopback port with repositories created on push as IMMUTABLE, and skopeo.</summary>
public sealed class SkopeoFixture : IAsyncLifetime
{
    internal TestServer Server { get; private set; } = null!;

    internal Skopeo Skopeo { get; private set; } = null!;

    internal string HostPort => Server.Server.BaseAddress.Authority;

    public async Task InitializeAsync()
    {
        Skopeo = new Skopeo();
        Server = await TestServer.StartAsync(new RegistryServerOptions { CreateOnPush = true, CreateOnPushPolicy = TagMutabilityPolicy.Immutable });
    }

    public async Task DisposeAsync()
    {
        Skopeo?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    internal string Layout(string name) => Path.Combine(Skopeo.Folder, "layouts", name);
}

/// <summary>
/// skopeo, a real OCI registry client, against our server: the 2019 experiment (push <c>latest</c>, rebuild, push
/// <c>latest</c> again, read the refusal), the same against a MUTABLE repository, and a multi-platform index.
/// </summary>
public sealed class SkopeoTests(SkopeoFixture fixture, ITestOutputHelper output) : IClassFixture<SkopeoFixture>
{
    private const string EcrSentence = "The image tag 'latest' already exists in the 'immutable-repo' repository and cannot be overwritten because the tag is immutable.";

    private Skopeo Skopeo => fixture.Skopeo;

    [Fact]
    public async Task Pushing_a_rebuilt_image_to_an_immutable_latest_fails_with_ecrs_refusal_and_latest_keeps_its_digest()
    {
        TestImage first = TestImage.Scratch("example-0001");
        TestImage rebuilt = TestImage.Scratch("example-0002");
        string destination = $"docker://{fixture.HostPort}/immutable-repo:latest";

        ProcessResult pushed = await Skopeo.CopyAsync($"oci:{OciLayout.WriteImage(fixture.Layout("first"), "latest", first)}:latest", destination);
        output.WriteLine($"first push: {pushed}");
        Assert.True(pushed.ExitCode == 0, pushed.ToString());

        ProcessResult refused = await Skopeo.CopyAsync($"oci:{OciLayout.WriteImage(fixture.Layout("rebuilt"), "latest", rebuilt)}:latest", destination);
        output.WriteLine($"second push: {refused}");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("tag invalid", refused.Error, StringComparison.Ordinal);
        Assert.Contains(EcrSentence, refused.Error, StringComparison.Ordinal);

        Assert.Equal(first.ManifestDigest, await Skopeo.InspectDigestAsync(destination));
        Assert.False(fixture.Server.Registry.TryGetImage(RepositoryName.Parse("immutable-repo"), Digest.Parse(rebuilt.ManifestDigest), out _));
    }

    [Fact]
    public async Task Against_a_mutable_repository_the_second_push_succeeds_and_the_tag_moves()
    {
        fixture.Server.Create("mutable-repo");
        TestImage first = TestImage.Scratch("example-0001");
        TestImage rebuilt = TestImage.Scratch("example-0002");
        string destination = $"docker://{fixture.HostPort}/mutable-repo:latest";

        ProcessResult one = await Skopeo.CopyAsync($"oci:{OciLayout.WriteImage(fixture.Layout("m-first"), "latest", first)}:latest", destination);
        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Equal(first.ManifestDigest, await Skopeo.InspectDigestAsync(destination));
        ProcessResult two = await Skopeo.CopyAsync($"oci:{OciLayout.WriteImage(fixture.Layout("m-rebuilt"), "latest", rebuilt)}:latest", destination);
        Assert.True(two.ExitCode == 0, two.ToString());
        Assert.Equal(rebuilt.ManifestDigest, await Skopeo.InspectDigestAsync(destination));

        // The same image again: ECR's proxy turns ImageAlreadyExists into success.
        ProcessResult again = await Skopeo.CopyAsync($"oci:{fixture.Layout("m-rebuilt")}:latest", destination);
        Assert.True(again.ExitCode == 0, again.ToString());
    }

    [Fact]
    public async Task A_multi_platform_index_pushes_its_children_by_digest_and_the_index_by_tag()
    {
        TestImage amd64 = TestImage.Scratch("example-0001", "amd64");
        TestImage arm64 = TestImage.Scratch("example-0001", "arm64");
        byte[] index = OciLayout.WriteMultiPlatform(fixture.Layout("multi"), "v1", amd64, arm64);
        string destination = $"docker://{fixture.HostPort}/immutable-multi:v1";

        ProcessResult pushed = await Skopeo.CopyAsync($"oci:{fixture.Layout("multi")}:v1", destination, all: true);
        output.WriteLine(pushed.ToString());
        Assert.True(pushed.ExitCode == 0, pushed.ToString());

        ProcessResult raw = await Skopeo.InspectRawAsync(destination);
        Assert.Equal(index, System.Text.Encoding.UTF8.GetBytes(raw.Output));
        RepositoryName repository = RepositoryName.Parse("immutable-multi");
        ImageDetail[] images = [.. fixture.Server.Registry.DescribeImages(repository)];
        Assert.Equal(
            new[] { amd64.ManifestDigest, arm64.ManifestDigest, TestImage.DigestOf(index) }.Order(StringComparer.Ordinal),
            images.Select(i => i.Digest.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(["v1"], images.Single(i => i.Digest.ToString() == TestImage.DigestOf(index)).Tags.Select(t => t.Value));
        Assert.All(images.Where(i => i.Digest.ToString() != TestImage.DigestOf(index)), child => Assert.Empty(child.Tags));

        // Pushing the same index again is a re-push to an immutable tag: refused, as ECR refuses it.
        ProcessResult again = await Skopeo.CopyAsync($"oci:{fixture.Layout("multi")}:v1", destination, all: true);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("tag invalid", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_pulls_back_byte_for_byte()
    {
        TestImage image = TestImage.Scratch("example-0003");
        string destination = $"docker://{fixture.HostPort}/immutable-pull:v1";
        Assert.Equal(0, (await Skopeo.CopyAsync($"oci:{OciLayout.WriteImage(fixture.Layout("pull-src"), "v1", image)}:v1", destination)).ExitCode);

        string target = fixture.Layout("pulled");
        ProcessResult pulled = await Skopeo.CopyAsync(destination, $"oci:{target}:v1");
        Assert.True(pulled.ExitCode == 0, pulled.ToString());
        using JsonDocument layoutIndex = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(target, "index.json")));
        Assert.Equal(image.ManifestDigest, layoutIndex.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString());
        foreach (byte[] blob in new[] { image.Layer, image.Config, image.Manifest })
        {
            Assert.Equal(blob, await File.ReadAllBytesAsync(Path.Combine(target, "blobs", "sha256", TestImage.DigestOf(blob)["sha256:".Length..])));
        }
    }
}
