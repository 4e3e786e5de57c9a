using System.Text;

namespace TagImmutability.Tests.Registries;

/// <summary>A clock that stands still until moved, so that createdAt and imagePushedAt are exact in tests.</summary>
public sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Builds real manifests (Docker v2 schema 2 and OCI) with the library's canonical writer.</summary>
public static class Manifests
{
    /// <summary>A Docker v2 schema 2 image whose config holds <paramref name="label"/>, with layers of the given sizes.</summary>
    public static ParsedManifest Image(string label, params long[] layerSizes)
    {
        byte[] config = Encoding.UTF8.GetBytes($"{{\"config\":{{\"Labels\":{{\"maintainer\":\"{label}\"}}}}}}");
        var manifest = new ImageManifest(
            MediaType.DockerManifestV2,
            Descriptor.FromContent(MediaType.DockerImageConfig, config),
            layerSizes.Select((size, i) => new Descriptor(MediaType.DockerLayerTarGzip, Digest.Compute(Encoding.UTF8.GetBytes($"{label}/{i}")), size)));
        return ManifestWriter.Write(manifest);
    }

    /// <summary>An OCI image index over the given manifests.</summary>
    public static ParsedManifest Index(params ParsedManifest[] children)
    {
        var index = new ImageIndex(
            MediaType.OciImageIndex,
            children.Select((c, i) => new Descriptor(c.MediaType, c.Digest, c.SizeInBytes, platform: new Platform("amd64" + i, "linux"))));
        return ManifestWriter.Write(index);
    }
}

public static class RegistryTestExtensions
{
    public static ImageDetail Push(this Registry registry, string repository, ParsedManifest manifest, string? tag = null) =>
        registry.PutImage(RepositoryName.Parse(repository), manifest.Content, tag is null ? null : Tag.Parse(tag, GrammarProfile.Ecr));

    public static Digest? Resolve(this Registry registry, string repository, string tag) =>
        registry.TryResolveTag(RepositoryName.Parse(repository), Tag.Parse(tag, GrammarProfile.Ecr), out Digest digest) ? digest : null;

    public static RepositoryName Name(string text) => RepositoryName.Parse(text);
}
