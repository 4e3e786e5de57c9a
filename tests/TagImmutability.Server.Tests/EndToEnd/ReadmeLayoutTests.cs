using System.Text.Json;
using TagImmutability.Server.Tests.Distribution;

namespace TagImmutability.Server.Tests.EndToEnd;

/// <summary>
/// The README's skopeo experiment pushes docs/examples/serve/build-0001 and build-0002: they must be the builds the
/// end-to-end tests push (same bytes, so the digests the README shows are the ones the tests check).
/// </summary>
public sealed class ReadmeLayoutTests
{
    [Theory]
    [InlineData("build-0001", "example-0001", "sha256:acf53b0253f7dc43bdb265bb5d2886395db86d7d35bd303f1e0b8b2c84253d75")]
    [InlineData("build-0002", "example-0002", "sha256:b5531a2644691fdd0884371265b1e0fd2b88dd2e037c10a3b66c292f15c9c4db")]
    public void The_documented_layouts_hold_the_tested_builds_as_latest(string folder, string maintainer, string readmeDigest)
    {
        string layout = Path.Combine(Root(), "docs", "examples", "serve", folder);
        TestImage image = TestImage.Scratch(maintainer);
        Assert.Equal(readmeDigest, image.ManifestDigest);
        using JsonDocument index = JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json")));
        JsonElement entry = Assert.Single(index.RootElement.GetProperty("manifests").EnumerateArray());
        Assert.Equal(image.ManifestDigest, entry.GetProperty("digest").GetString());
        Assert.Equal("latest", entry.GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
        foreach (byte[] blob in new[] { image.Layer, image.Config, image.Manifest })
        {
            Assert.Equal(blob, File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", TestImage.DigestOf(blob)["sha256:".Length..])));
        }

        Assert.Contains(readmeDigest, File.ReadAllText(Path.Combine(Root(), "README.md")), StringComparison.Ordinal);
    }

    private static string Root()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TagImmutability.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"TagImmutability.sln not found above {AppContext.BaseDirectory}");
    }
}
