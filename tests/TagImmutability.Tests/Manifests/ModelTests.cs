using System.Collections.Immutable;

namespace TagImmutability.Tests.Manifests;

/// <summary>The model's invariants, value equality and derived facts.</summary>
public sealed class ModelTests
{
    private static readonly Digest DigestA = Digest.Parse(ManifestJson.ChildDigest);
    private static readonly Digest DigestB = Digest.Parse(ManifestJson.OtherDigest);
    private static readonly Digest EmptyJson = Digest.Parse(ManifestJson.ConfigDigest);

    [Fact]
    public void Descriptor_requires_media_type_and_digest_and_a_non_negative_size()
    {
        Assert.Throws<ArgumentException>(() => new Descriptor(default, DigestA, 1));
        Assert.Throws<ArgumentException>(() => new Descriptor(MediaType.OciLayerTar, default, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Descriptor(MediaType.OciLayerTar, DigestA, -1));
        Assert.Throws<ArgumentException>(() => new Descriptor(MediaType.OciLayerTar, DigestA, 1, artifactType: default(MediaType)));
        Assert.Equal(0, new Descriptor(MediaType.OciLayerTar, DigestA, 0).Size);
    }

    [Fact]
    public void Descriptor_data_must_be_the_referenced_content()
    {
        ImmutableArray<byte> braces = ImmutableArray.Create("{}"u8.ToArray());

        Assert.Throws<ArgumentException>(() => new Descriptor(MediaType.OciEmpty, EmptyJson, 3, data: braces));
        Assert.Throws<ArgumentException>(() => new Descriptor(MediaType.OciEmpty, DigestA, 2, data: braces));
        Assert.Throws<ArgumentException>(() => new Descriptor(MediaType.OciEmpty, EmptyJson, 2, data: default(ImmutableArray<byte>)));
        Assert.Equal(braces.ToArray(), new Descriptor(MediaType.OciEmpty, EmptyJson, 2, data: braces).Data!.Value.ToArray());
    }

    [Fact]
    public void Descriptor_refuses_text_JSON_cannot_carry_and_repeated_annotation_keys()
    {
        Assert.Throws<ArgumentException>(() => new Descriptor(MediaType.OciLayerTar, DigestA, 1, urls: ["ok", null!]));
        Assert.Throws<ArgumentException>(() => new Descriptor(MediaType.OciLayerTar, DigestA, 1, urls: ["bad \ud800 surrogate"]));
        Assert.Throws<ArgumentException>(() => new Descriptor(
            MediaType.OciLayerTar, DigestA, 1, annotations: [new("k", "1"), new("k", "2")]));
        Assert.Throws<ArgumentException>(() => new Platform("amd64", "linux", variant: "\udc00"));
    }

    [Fact]
    public void Descriptor_FromContent_takes_the_sha256_and_length()
    {
        byte[] content = "hello"u8.ToArray();

        Descriptor descriptor = Descriptor.FromContent(MediaType.OciLayerTar, content);

        Assert.Equal(Digest.Compute(content), descriptor.Digest);
        Assert.Equal(5, descriptor.Size);
        Assert.Equal("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", descriptor.Digest.ToString());
    }

    [Fact]
    public void Equal_descriptors_built_apart_are_equal_with_equal_hash_codes()
    {
        Descriptor a = Full();
        Descriptor b = Full();

        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a.Equals((object)b));
    }

    [Fact]
    public void Media_types_compare_ignoring_case_in_descriptors()
    {
        var lower = new Descriptor(MediaType.Parse("application/vnd.oci.image.layer.v1.tar"), DigestA, 1);
        var upper = new Descriptor(MediaType.Parse("APPLICATION/VND.OCI.IMAGE.LAYER.V1.TAR"), DigestA, 1);

        Assert.Equal(lower, upper);
        Assert.Equal(lower.GetHashCode(), upper.GetHashCode());
    }

    public static TheoryData<string> DescriptorChanges => ["mediaType", "digest", "size", "urls", "urlOrder", "annotations", "platform", "artifactType", "data"];

    [Theory]
    [MemberData(nameof(DescriptorChanges))]
    public void Descriptors_differing_in_one_field_are_not_equal(string field)
    {
        Descriptor changed = field switch
        {
            "mediaType" => Full(mediaType: MediaType.OciLayerTar),
            "digest" => Full(digest: DigestB),
            "size" => Full(size: 3),
            "urls" => Full(urls: ["https://a"]),
            "urlOrder" => Full(urls: ["https://b", "https://a"]),
            "annotations" => Full(annotationValue: "other"),
            "platform" => Full(platform: new Platform("arm64", "linux")),
            "artifactType" => Full(artifactType: MediaType.Parse("application/other")),
            "data" => Full(withData: false),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        Assert.NotEqual(Full(), changed);
        Assert.True(Full() != changed);
    }

    [Fact]
    public void Platforms_compare_every_field_and_features_in_order()
    {
        var platform = new Platform("amd64", "windows", "10.0.1", ["win32k", "x"], "v1");

        Assert.Equal(platform, new Platform("amd64", "windows", "10.0.1", ["win32k", "x"], "v1"));
        Assert.Equal(platform.GetHashCode(), new Platform("amd64", "windows", "10.0.1", ["win32k", "x"], "v1").GetHashCode());
        Assert.NotEqual(platform, new Platform("amd64", "windows", "10.0.1", ["x", "win32k"], "v1"));
        Assert.NotEqual(platform, new Platform("amd64", "windows", "10.0.2", ["win32k", "x"], "v1"));
        Assert.NotEqual(platform, new Platform("amd64", "windows", "10.0.1", ["win32k", "x"], null));
        Assert.NotEqual(platform, new Platform("AMD64", "windows", "10.0.1", ["win32k", "x"], "v1"));
        Assert.Equal("windows/amd64/v1 (10.0.1)", platform.ToString());
        Assert.True(new Platform("unknown", "unknown").IsUnknown);
        Assert.False(new Platform("unknown", "linux").IsUnknown);
    }

    [Fact]
    public void Image_manifest_refuses_media_types_of_other_kinds()
    {
        Descriptor config = Config();

        Assert.Throws<ArgumentException>(() => new ImageManifest(MediaType.OciImageIndex, config, []));
        Assert.Throws<ArgumentException>(() => new ImageManifest(MediaType.DockerManifestV1, config, []));
        Assert.Throws<ArgumentException>(() => new ImageManifest(default, config, []));
        Assert.Throws<ArgumentNullException>(() => new ImageManifest(MediaType.OciImageManifest, null!, []));
        Assert.Throws<ArgumentNullException>(() => new ImageManifest(MediaType.OciImageManifest, config, null!));
        Assert.Throws<ArgumentException>(() => new ImageManifest(MediaType.OciImageManifest, config, [null!]));
    }

    [Fact]
    public void Docker_image_manifest_has_no_OCI_only_fields()
    {
        Descriptor config = Config();
        Descriptor subject = new(MediaType.OciImageManifest, DigestA, 1);

        Assert.Throws<ArgumentException>(() => new ImageManifest(MediaType.DockerManifestV2, config, [], subject: subject));
        Assert.Throws<ArgumentException>(() => new ImageManifest(MediaType.DockerManifestV2, config, [], artifactType: MediaType.OciEmpty));
        Assert.Throws<ArgumentException>(() => new ImageManifest(MediaType.DockerManifestV2, config, [], annotations: [new("k", "v")]));
        Assert.Equal(ManifestKind.DockerManifestV2, new ImageManifest(MediaType.DockerManifestV2, config, []).Kind);
    }

    [Fact]
    public void Empty_config_requires_an_artifact_type()
    {
        var empty = new Descriptor(MediaType.OciEmpty, EmptyJson, 2);

        Assert.Throws<ArgumentException>(() => new ImageManifest(MediaType.OciImageManifest, empty, []));
        Assert.Equal("application/example", new ImageManifest(MediaType.OciImageManifest, empty, [], MediaType.Parse("application/example")).ArtifactType?.Value);
    }

    [Fact]
    public void Layer_sizes_that_overflow_are_refused()
    {
        Descriptor huge = new(MediaType.OciLayerTar, DigestA, long.MaxValue);

        Assert.Throws<ArgumentException>(() => new ImageManifest(MediaType.OciImageManifest, Config(), [huge, new Descriptor(MediaType.OciLayerTar, DigestB, 1)]));
        Assert.Equal(long.MaxValue, new ImageManifest(MediaType.OciImageManifest, Config(), [huge]).ImageSizeInBytes);
    }

    [Fact]
    public void Image_size_does_not_count_the_config()
    {
        var manifest = new ImageManifest(
            MediaType.OciImageManifest,
            new Descriptor(MediaType.OciImageConfig, EmptyJson, 1_000_000),
            [new Descriptor(MediaType.OciLayerTarGzip, DigestA, 100), new Descriptor(MediaType.OciLayerTarGzip, DigestB, 23)]);

        Assert.Equal(123, manifest.ImageSizeInBytes);
    }

    [Fact]
    public void Index_entries_must_be_manifests_and_Docker_list_entries_need_a_platform()
    {
        Descriptor layer = new(MediaType.OciLayerTar, DigestA, 1);
        Descriptor bare = new(MediaType.DockerManifestV2, DigestA, 1);

        Assert.Throws<ArgumentException>(() => new ImageIndex(MediaType.OciImageIndex, [layer]));
        Assert.Throws<ArgumentException>(() => new ImageIndex(MediaType.DockerManifestList, [bare]));
        Assert.Throws<ArgumentException>(() => new ImageIndex(MediaType.OciImageManifest, []));
        Assert.Throws<ArgumentException>(() => new ImageIndex(MediaType.DockerManifestList, [], annotations: [new("k", "v")]));
        Assert.Throws<ArgumentNullException>(() => new ImageIndex(MediaType.OciImageIndex, null!));
        Assert.Single(new ImageIndex(MediaType.OciImageIndex, [bare]).Manifests);
    }

    [Fact]
    public void Manifests_of_different_kinds_are_never_equal()
    {
        Manifest image = new ImageManifest(MediaType.OciImageManifest, Config(), []);
        Manifest index = new ImageIndex(MediaType.OciImageIndex, []);
        Manifest docker = new ImageManifest(MediaType.DockerManifestV2, Config(), []);

        Assert.NotEqual(image, index);
        Assert.NotEqual(image, docker);
        Assert.False(image.Equals((object)index));
        Assert.Equal(image, new ImageManifest(MediaType.OciImageManifest, Config(), []));
        Assert.True(image == new ImageManifest(MediaType.OciImageManifest, Config(), []));
    }

    [Fact]
    public void Manifests_differing_in_layer_order_annotations_or_subject_are_not_equal()
    {
        Descriptor a = new(MediaType.OciLayerTar, DigestA, 1);
        Descriptor b = new(MediaType.OciLayerTar, DigestB, 1);
        var manifest = new ImageManifest(MediaType.OciImageManifest, Config(), [a, b]);

        Assert.NotEqual(manifest, new ImageManifest(MediaType.OciImageManifest, Config(), [b, a]));
        Assert.NotEqual(manifest, new ImageManifest(MediaType.OciImageManifest, Config(), [a, b], annotations: [new("k", "v")]));
        Assert.NotEqual(manifest, new ImageManifest(MediaType.OciImageManifest, Config(), [a, b], subject: a));
        Assert.NotEqual(manifest, new ImageManifest(MediaType.OciImageManifest, Config(), [a, b], artifactType: MediaType.Parse("application/x")));
    }

    [Fact]
    public void Index_image_size_is_the_largest_child_image_size()
    {
        var index = new ImageIndex(
            MediaType.OciImageIndex,
            [new Descriptor(MediaType.OciImageManifest, DigestA, 500), new Descriptor(MediaType.OciImageManifest, DigestB, 700)]);
        var sizes = new Dictionary<Digest, long> { [DigestA] = 9_000, [DigestB] = 4_000 };

        Assert.Equal(9_000, index.ComputeImageSizeInBytes(entry => sizes[entry.Digest]));
        Assert.Equal(0, new ImageIndex(MediaType.OciImageIndex, []).ComputeImageSizeInBytes(_ => 1));
        Assert.Throws<InvalidOperationException>(() => index.ComputeImageSizeInBytes(_ => -1));
        Assert.Throws<ArgumentNullException>(() => index.ComputeImageSizeInBytes(null!));
    }

    [Fact]
    public void Index_lists_the_digests_it_references_once_each_in_order()
    {
        var index = new ImageIndex(
            MediaType.OciImageIndex,
            [
                new Descriptor(MediaType.OciImageManifest, DigestB, 1, platform: new Platform("amd64", "linux")),
                new Descriptor(MediaType.OciImageManifest, DigestA, 1, platform: new Platform("arm64", "linux")),
                new Descriptor(MediaType.OciImageManifest, DigestB, 1, platform: new Platform("amd64", "linux", variant: "v3")),
            ]);

        Assert.Equal([DigestB, DigestA], index.ManifestDigests.ToArray());
    }

    [Fact]
    public void A_parsed_manifest_gives_a_descriptor_for_itself()
    {
        ParsedManifest parsed = ManifestCorpus.Parse("oci-artifact-signature-subject.regclient-741132f9.json");
        var platform = new Platform("amd64", "linux");

        Descriptor descriptor = parsed.ToDescriptor(platform);

        Assert.Equal(MediaType.OciImageManifest, descriptor.MediaType);
        Assert.Equal(ManifestCorpus.PublishedDigests["oci-artifact-signature-subject.regclient-741132f9.json"], descriptor.Digest.ToString());
        Assert.Equal(588, descriptor.Size);
        Assert.Equal(platform, descriptor.Platform);
        Assert.Equal("application/example.signature", descriptor.ArtifactType?.Value);
    }

    [Fact]
    public void Parsing_the_same_bytes_twice_gives_equal_models()
    {
        byte[] bytes = ManifestCorpus.Read("docker-manifest-list.hello-world-dockerhub.json");

        Manifest a = ManifestParser.Parse(bytes).Manifest;
        Manifest b = ManifestParser.Parse(bytes).Manifest;

        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    private static Descriptor Config() => new(MediaType.OciImageConfig, EmptyJson, 2);

    private static Descriptor Full(
        MediaType? mediaType = null,
        Digest? digest = null,
        long size = 2,
        string[]? urls = null,
        string annotationValue = "v",
        Platform? platform = null,
        MediaType? artifactType = null,
        bool withData = true)
    {
        ImmutableArray<byte>? data = withData && digest is null && size == 2 ? ImmutableArray.Create("{}"u8.ToArray()) : null;
        return new Descriptor(
            mediaType ?? MediaType.OciEmpty,
            digest ?? EmptyJson,
            size,
            urls ?? ["https://a", "https://b"],
            new Dictionary<string, string> { ["k"] = annotationValue, ["z"] = "1" },
            platform ?? new Platform("amd64", "linux", osFeatures: ["sse4"]),
            artifactType ?? MediaType.Parse("application/example"),
            data);
    }
}
