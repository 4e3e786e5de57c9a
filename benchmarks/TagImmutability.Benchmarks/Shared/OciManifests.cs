using System.Globalization;
using System.Text;

namespace TagImmutability.Benchmarks.Shared;

/// <summary>
/// Real OCI image manifests of the size CI pushes: a config, 7 gzip layers of plausible sizes, and the
/// <c>org.opencontainers.image.*</c> annotations build tools add; about 1.6 KB each, written by the library's canonical
/// <see cref="ManifestWriter"/> so the bytes are exactly what a client would send.
/// </summary>
/// <remarks>Deterministic: the same <c>build</c> number gives the same bytes. Thread safety: stateless.</remarks>
public static class OciManifests
{
    /// <summary>How many layers each manifest has: 7.</summary>
    public const int LayerCount = 7;

    /// <summary>The manifest of build number <paramref name="build"/>: distinct builds have distinct digests.</summary>
    /// <param name="build">The build number, which goes into the config, the layers and the annotations.</param>
    /// <returns>The manifest, its bytes and digest.</returns>
    public static ParsedManifest Image(int build)
    {
        var random = new Random(build);
        string revision = Digest.Compute(Encoding.UTF8.GetBytes($"commit {build}")).ToString()[7..47];
        byte[] config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Labels\":{{\"build\":\"{build}\"}}}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[]}}}}");
        IEnumerable<Descriptor> layers = Enumerable.Range(0, LayerCount).Select(i => new Descriptor(
            MediaType.OciLayerTarGzip,
            Digest.Compute(Encoding.UTF8.GetBytes($"build {build} layer {i}")),
            random.NextInt64(1_000, 80_000_000)));
        var manifest = new ImageManifest(
            MediaType.OciImageManifest,
            Descriptor.FromContent(MediaType.OciImageConfig, config),
            layers,
            annotations:
            [
                new("org.opencontainers.image.created", new DateTimeOffset(2026, 12, 7, 15, 32, 0, TimeSpan.Zero).AddMinutes(build).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                new("org.opencontainers.image.revision", revision),
                new("org.opencontainers.image.source", "https://git.example.com/team/app"),
                new("org.opencontainers.image.title", "team/app"),
                new("org.opencontainers.image.version", string.Create(CultureInfo.InvariantCulture, $"1.{build / 1000}.{build % 1000}")),
            ]);
        return ManifestWriter.Write(manifest);
    }
}
