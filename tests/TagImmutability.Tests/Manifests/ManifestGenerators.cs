using System.Collections.Immutable;

namespace TagImmutability.Tests.Manifests;

/// <summary>FsCheck generators of valid manifest models, with text chosen to exercise JSON escaping.</summary>
internal static class ManifestGenerators
{
    // Pieces of text: plain ASCII, characters JSON or HTML escaping treats specially, control characters,
    // non-ASCII BMP characters (including U+2028 and a private-use one) and surrogate pairs. Never a lone surrogate.
    private static readonly string[] TextPieces =
    [
        "a", "Z", "0", "-", ".", "/", "+", "=", " ", "<", ">", "&", "'", "\"", "\\", "\n", "\r", "\t", "\b", "\f",
        "\u0000", "\u0001", "\u001f", "\u007f", "\u00e9", "\u2028", "\u2029", "\ue000", "\ufffd", "\U0001F600", "\U0001D11E",
        "org.opencontainers.image.", "vnd.docker.reference.type",
    ];

    private static readonly string[] LayerMediaTypes =
    [
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/tar+gzip",
        "application/example",
        "Application/Vnd.Example.Mixed-Case+JSON",
    ];

    private static readonly string[] ConfigMediaTypes =
    [
        "application/vnd.oci.image.config.v1+json",
        "application/vnd.docker.container.image.v1+json",
        "application/vnd.cncf.helm.config.v1+json",
        "application/vnd.oci.empty.v1+json",
    ];

    private static readonly string[] ArtifactTypes =
    [
        "application/example.signature",
        "application/vnd.dev.sigstore.bundle.v0.3+json",
        "application/spdx+json",
    ];

    private static readonly MediaType[] ManifestMediaTypes =
    [
        MediaType.OciImageManifest,
        MediaType.OciImageIndex,
        MediaType.DockerManifestV2,
        MediaType.DockerManifestList,
    ];

    public static Gen<string> Text { get; } = Gen.ListOf(Gen.Elements(TextPieces)).Select(string.Concat).ScaleSize(size => Math.Min(size, 12));

    public static Gen<byte> Byte { get; } = Gen.Choose(0, 255).Select(value => (byte)value);

    public static Gen<Digest> Digest { get; } =
        Gen.Frequency(
            (9, Gen.ArrayOf(Byte, 32).Select(hash => TagImmutability.Digest.FromHash(DigestAlgorithm.Sha256, hash))),
            (1, Gen.ArrayOf(Byte, 64).Select(hash => TagImmutability.Digest.FromHash(DigestAlgorithm.Sha512, hash))));

    public static Gen<long> Size { get; } =
        Gen.Frequency(
            (3, Gen.Choose(0, 100_000).Select(value => (long)value)),
            (1, Gen.Elements(0L, 1L, int.MaxValue + 1L, 1L << 40)));

    public static Gen<ImmutableSortedDictionary<string, string>> Annotations { get; } =
        Gen.ListOf(Gen.Zip(Text, Text))
            .ScaleSize(size => Math.Min(size, 4))
            .Select(pairs =>
            {
                ImmutableSortedDictionary<string, string>.Builder map = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
                foreach ((string key, string value) in pairs)
                {
                    map[key] = value;
                }

                return map.ToImmutable();
            });

    public static Gen<Platform> Platform { get; } =
        from architecture in Gen.OneOf(Gen.Elements("amd64", "arm64", "arm", "s390x", "unknown"), Text)
        from os in Gen.OneOf(Gen.Elements("linux", "windows", "unknown"), Text)
        from osVersion in Text.OrNull()
        from features in Gen.ListOf(Text).ScaleSize(size => Math.Min(size, 3))
        from variant in Gen.Elements("v5", "v7", "v8").OrNull()
        select new Platform(architecture, os, osVersion, features, variant);

    public static Gen<MediaType?> ArtifactType { get; } =
        Gen.OneOf(Gen.Constant<MediaType?>(null), Gen.Elements(ArtifactTypes).Select(text => (MediaType?)MediaType.Parse(text)));

    /// <summary>A descriptor whose media type comes from <paramref name="mediaTypes"/>; with a platform when <paramref name="platform"/> asks for one.</summary>
    public static Gen<Descriptor> Descriptor(Gen<MediaType> mediaTypes, Gen<Platform?> platform) =>
        from mediaType in mediaTypes
        from embedded in Gen.Frequency((4, Gen.Constant<byte[]?>(null)), (1, Gen.ArrayOf(Byte).ScaleSize(size => Math.Min(size, 40)).Select(bytes => (byte[]?)bytes)))
        from digest in Digest
        from size in Size
        from urls in Gen.ListOf(Text).ScaleSize(size => Math.Min(size, 2))
        from annotations in Annotations
        from chosenPlatform in platform
        from artifactType in ArtifactType
        select embedded is null
            ? new Descriptor(mediaType, digest, size, urls, annotations, chosenPlatform, artifactType)
            : new Descriptor(
                mediaType,
                TagImmutability.Digest.Compute(embedded),
                embedded.Length,
                urls,
                annotations,
                chosenPlatform,
                artifactType,
                ImmutableArray.Create(embedded));

    public static Gen<Descriptor> Layer { get; } =
        Descriptor(Gen.Elements(LayerMediaTypes).Select(MediaType.Parse), Gen.Constant<Platform?>(null));

    public static Gen<Descriptor> Config { get; } =
        Descriptor(Gen.Elements(ConfigMediaTypes).Select(MediaType.Parse), Gen.Constant<Platform?>(null));

    public static Gen<ImageManifest> ImageManifest { get; } =
        from docker in Gen.Elements(false, true)
        from config in Config
        from layers in Gen.ListOf(Layer).ScaleSize(size => Math.Min(size, 6))
        from artifactType in ArtifactType
        from subject in Descriptor(Gen.Elements(ManifestMediaTypes), Gen.Constant<Platform?>(null)).OrNull()
        from annotations in Annotations
        select docker
            ? new ImageManifest(MediaType.DockerManifestV2, config, layers)
            : new ImageManifest(
                MediaType.OciImageManifest,
                config,
                layers,
                artifactType ?? (config.MediaType == MediaType.OciEmpty ? MediaType.Parse("application/example") : null),
                subject,
                annotations);

    public static Gen<ImageIndex> ImageIndex { get; } =
        from docker in Gen.Elements(false, true)
        from entries in Gen.ListOf(Descriptor(Gen.Elements(ManifestMediaTypes), docker ? Platform.Select(p => (Platform?)p) : Platform.OrNull().Select(p => (Platform?)p)))
            .ScaleSize(size => Math.Min(size, 6))
        from artifactType in ArtifactType
        from subject in Descriptor(Gen.Elements(ManifestMediaTypes), Gen.Constant<Platform?>(null)).OrNull()
        from annotations in Annotations
        select docker
            ? new ImageIndex(MediaType.DockerManifestList, entries)
            : new ImageIndex(MediaType.OciImageIndex, entries, artifactType, subject, annotations);

    public static Gen<Manifest> Manifest { get; } =
        Gen.OneOf(ImageManifest.Select(manifest => (Manifest)manifest), ImageIndex.Select(index => (Manifest)index));

    /// <summary>A real valid manifest from the corpus, with its media type hint.</summary>
    public static Gen<(string File, string? Hint)> CorpusEntry { get; } = Gen.Elements(ManifestCorpus.Valid.ToArray());
}
