using System.Collections.Immutable;
using System.Security.Cryptography;

namespace TagImmutability.Tests.Manifests;

/// <summary>Real manifests from public images and the OCI examples: the parsed digest must be the published one.</summary>
public sealed class CorpusTests
{
    public static TheoryData<string> AllFiles => [.. ManifestCorpus.PublishedDigests.Keys];

    public static TheoryData<string> ValidFiles => [.. ManifestCorpus.Valid.Select(entry => entry.File)];

    [Theory]
    [MemberData(nameof(AllFiles))]
    public void Test_data_files_are_byte_exact_copies(string file)
    {
        // Guards against git or an editor rewriting the bytes (line endings, final newline).
        string actual = "sha256:" + Convert.ToHexString(SHA256.HashData(ManifestCorpus.Read(file))).ToLowerInvariant();
        Assert.Equal(ManifestCorpus.PublishedDigests[file], actual);
    }

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Parsed_digest_is_the_published_digest(string file)
    {
        ParsedManifest parsed = ManifestCorpus.Parse(file);

        Assert.Equal(ManifestCorpus.PublishedDigests[file], parsed.Digest.ToString());
        Assert.Equal(ManifestCorpus.Read(file).Length, parsed.SizeInBytes);
    }

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Parsed_digest_equals_Digest_Compute_of_the_same_bytes(string file)
    {
        byte[] bytes = ManifestCorpus.Read(file);
        ParsedManifest parsed = ManifestCorpus.Parse(file);

        Assert.Equal(Digest.Compute(bytes), parsed.Digest);
        Assert.True(parsed.Content.Span.SequenceEqual(bytes));
    }

    [Theory]
    [InlineData("docker-v2s2.containers-image.json", ManifestKind.DockerManifestV2, "application/vnd.docker.distribution.manifest.v2+json")]
    [InlineData("docker-v2s2-11-layers.quay-complex.json", ManifestKind.DockerManifestV2, "application/vnd.docker.distribution.manifest.v2+json")]
    [InlineData("docker-v2s2-compact.ggcr-eebff607.json", ManifestKind.DockerManifestV2, "application/vnd.docker.distribution.manifest.v2+json")]
    [InlineData("docker-manifest-list.hello-world-dockerhub.json", ManifestKind.DockerManifestList, "application/vnd.docker.distribution.manifest.list.v2+json")]
    [InlineData("oci-manifest-annotations.containers-image.json", ManifestKind.OciImageManifest, "application/vnd.oci.image.manifest.v1+json")]
    [InlineData("oci-manifest-no-mediatype-compact.ggcr-98ceaf93.json", ManifestKind.OciImageManifest, "application/vnd.oci.image.manifest.v1+json")]
    [InlineData("oci-index-multiplatform.containers-image.json", ManifestKind.OciImageIndex, "application/vnd.oci.image.index.v1+json")]
    [InlineData("oci-index-attestations.buildkit-docs.json", ManifestKind.OciImageIndex, "application/vnd.oci.image.index.v1+json")]
    [InlineData("oci-artifact-signature-subject.regclient-741132f9.json", ManifestKind.OciImageManifest, "application/vnd.oci.image.manifest.v1+json")]
    [InlineData("helm-chart-legacy.ggcr-b544f71e.json", ManifestKind.OciImageManifest, "application/vnd.oci.image.manifest.v1+json")]
    public void Kind_and_media_type_are_resolved(string file, ManifestKind kind, string mediaType)
    {
        ParsedManifest parsed = ManifestCorpus.Parse(file);

        Assert.Equal(kind, parsed.Kind);
        Assert.Equal(mediaType, parsed.MediaType.Value);
        Assert.Equal(kind is ManifestKind.OciImageIndex or ManifestKind.DockerManifestList, parsed.Manifest is ImageIndex);
    }

    [Fact]
    public void Docker_v2_schema_2_image_has_its_config_and_three_layers()
    {
        var manifest = (ImageManifest)ManifestCorpus.Parse("docker-v2s2.containers-image.json").Manifest;

        Assert.Equal("application/vnd.docker.container.image.v1+json", manifest.Config.MediaType.Value);
        Assert.Equal(7023, manifest.Config.Size);
        Assert.Equal("sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7", manifest.Config.Digest.ToString());
        Assert.Equal([32654L, 16724L, 73109L], manifest.Layers.Select(layer => layer.Size));
        Assert.Equal("sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736", manifest.Layers[2].Digest.ToString());
        Assert.All(manifest.Layers, layer => Assert.Equal("application/vnd.docker.image.rootfs.diff.tar.gzip", layer.MediaType.Value));
        Assert.Null(manifest.Subject);
        Assert.Empty(manifest.Annotations);
    }

    [Theory]
    [InlineData("docker-v2s2.containers-image.json", 122487L)] // 32654 + 16724 + 73109
    [InlineData("oci-manifest-layer-urls.containers-image.json", 71936145L)] // 51354364 + 150 + 11739507 + 8841833 + 291
    [InlineData("docker-v2s2-11-layers.quay-complex.json", 123943289L)]
    [InlineData("helm-chart-legacy.ggcr-b544f71e.json", 167L)]
    public void Image_size_is_the_sum_of_layer_sizes_without_the_config(string file, long expected)
    {
        var manifest = (ImageManifest)ManifestCorpus.Parse(file).Manifest;

        Assert.Equal(expected, manifest.ImageSizeInBytes);
    }

    [Fact]
    public void Oci_manifest_keeps_layer_urls_and_descriptor_annotations()
    {
        var manifest = (ImageManifest)ManifestCorpus.Parse("oci-manifest-layer-urls.containers-image.json").Manifest;

        Assert.Equal("one", manifest.Config.Annotations["test-annotation-1"]);
        Assert.Equal(["https://layer.url"], manifest.Layers[2].Urls.ToArray());
        Assert.Equal("two", manifest.Layers[3].Annotations["test-annotation-2"]);
        Assert.Empty(manifest.Layers[0].Urls);
    }

    [Fact]
    public void Oci_manifest_annotations_are_read()
    {
        ParsedManifest parsed = ManifestCorpus.Parse("oci-manifest-annotations.containers-image.json");

        Assert.Equal(
            [new KeyValuePair<string, string>("com.example.key1", "value1"), new("com.example.key2", "value2")],
            parsed.Manifest.Annotations);
    }

    [Fact]
    public void Docker_hub_manifest_list_with_escaped_slashes_has_eleven_platforms()
    {
        // Real Docker Hub bytes: sorted keys, "application\/vnd...", schemaVersion last, no trailing newline.
        ParsedManifest parsed = ManifestCorpus.Parse("docker-manifest-list.hello-world-dockerhub.json");
        var index = (ImageIndex)parsed.Manifest;

        Assert.Equal(11, index.Manifests.Length);
        Assert.All(index.Manifests, entry => Assert.Equal(MediaType.DockerManifestV2, entry.MediaType));
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", index.Manifests[0].MediaType.Value);
        Assert.Equal(new Platform("arm", "linux", variant: "v5"), index.Manifests[1].Platform);
        Assert.Equal(new Platform("amd64", "windows", osVersion: "10.0.20348.1249"), index.Manifests[9].Platform);
        Assert.Equal(946, index.Manifests[9].Size);
        Assert.Equal(11, index.ManifestDigests.Length);
        Assert.Equal(index.Manifests.ToArray(), index.PlatformManifests.ToArray());
    }

    [Fact]
    public void Oci_index_reads_platforms_with_os_features_and_annotations()
    {
        var index = (ImageIndex)ManifestCorpus.Parse("oci-index-multiplatform.containers-image.json").Manifest;

        Assert.Equal(2, index.Manifests.Length);
        Assert.Equal(new Platform("ppc64le", "linux"), index.Manifests[0].Platform);
        Assert.Equal(new Platform("amd64", "linux", osFeatures: ["sse4"]), index.Manifests[1].Platform);
        Assert.Equal(
            [Digest.Parse("sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f"),
             Digest.Parse("sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270")],
            index.ManifestDigests.ToArray());
        Assert.Equal("value2", index.Annotations["com.example.key2"]);
    }

    [Fact]
    public void Index_with_attestation_manifest_separates_platform_manifests()
    {
        var index = (ImageIndex)ManifestCorpus.Parse("oci-index-attestations.buildkit-docs.json").Manifest;

        Assert.Equal(2, index.Manifests.Length);
        Assert.False(ImageIndex.IsAttestation(index.Manifests[0]));
        Assert.True(ImageIndex.IsAttestation(index.Manifests[1]));
        Descriptor image = Assert.Single(index.PlatformManifests);
        Assert.Equal("sha256:23678f31b3b3586c4fb318aecfe64a96a1f0916ba8faf9b2be2abee63fa9e827", image.Digest.ToString());
        Assert.Equal("attestation-manifest", index.Manifests[1].Annotations["vnd.docker.reference.type"]);
    }

    [Fact]
    public void Artifact_with_artifact_type_and_subject_points_at_its_subject()
    {
        ParsedManifest parsed = ManifestCorpus.Parse("oci-artifact-signature-subject.regclient-741132f9.json");
        var manifest = (ImageManifest)parsed.Manifest;

        Assert.Equal("application/example.signature", manifest.ArtifactType?.Value);
        Assert.Equal(MediaType.OciEmpty, manifest.Config.MediaType);
        Assert.NotNull(parsed.Subject);
        Assert.Equal("sha256:dfae8f425735a5e3a72e40d6609e03079995511d48157c74d54801ff4430491e", parsed.Subject.Digest.ToString());
        Assert.Equal(MediaType.OciImageIndex, parsed.Subject.MediaType);
        Assert.Equal(934, parsed.Subject.Size);
    }

    [Fact]
    public void Empty_config_with_embedded_data_is_decoded_and_verified()
    {
        var manifest = (ImageManifest)ManifestCorpus.Parse("oci-artifact-empty-config-data.regclient-90569397.json").Manifest;

        ImmutableArray<byte>? data = manifest.Config.Data;
        Assert.NotNull(data);
        Assert.Equal("{}"u8.ToArray(), data.Value.ToArray());
        Assert.Equal("application/example", manifest.ArtifactType?.Value);
        Assert.Null(manifest.Layers[0].Data);
    }

    [Fact]
    public void Unknown_layer_media_type_is_accepted_as_the_spec_requires()
    {
        var manifest = (ImageManifest)ManifestCorpus.Parse("edge-unknown-layer-mediatype.containers-image.json").Manifest;

        Assert.Equal("application/vnd.oci.image.layer.v1.tar+unknown", manifest.Layers[0].MediaType.Value);
    }

    [Fact]
    public void Schema_1_manifest_is_refused_as_unsupported()
    {
        var error = Assert.Throws<ManifestInvalidException>(
            () => ManifestParser.Parse(ManifestCorpus.Read("docker-schema1-signed.containers-image.json")));

        Assert.Equal(ManifestInvalidReason.Schema1NotSupported, error.Reason);
        Assert.Equal("schemaVersion", error.JsonPath);
        Assert.Contains("schema 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_1_manifest_is_refused_when_named_by_its_media_type()
    {
        var error = Assert.Throws<ManifestInvalidException>(
            () => ManifestParser.Parse(
                ManifestCorpus.Read("docker-schema1-signed.containers-image.json"),
                MediaType.DockerManifestV1Signed));

        Assert.Equal(ManifestInvalidReason.Schema1NotSupported, error.Reason);
        Assert.Equal(MediaType.DockerManifestV1Signed, error.HintMediaType);
        Assert.Null(error.DeclaredMediaType);
    }

    [Fact]
    public void Unknown_schema_version_is_refused_naming_the_field()
    {
        var error = Assert.Throws<ManifestInvalidException>(
            () => ManifestParser.Parse(ManifestCorpus.Read("invalid-schemaversion-99999.containers-image.json")));

        Assert.Equal(ManifestInvalidReason.InvalidValue, error.Reason);
        Assert.Equal("schemaVersion", error.JsonPath);
        Assert.StartsWith("schemaVersion: 99999 is not supported; it must be 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_config_digest_is_refused_before_null_layers()
    {
        var error = Assert.Throws<ManifestInvalidException>(
            () => ManifestParser.Parse(ManifestCorpus.Read("invalid-empty-digest-null-layers.containers-image.json")));

        Assert.Equal(ManifestInvalidReason.InvalidValue, error.Reason);
        Assert.Equal("config.digest", error.JsonPath);
        Assert.StartsWith("config.digest: '' is not a valid digest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_layers_are_refused_as_a_wrong_type()
    {
        byte[] bytes = ManifestCorpus.Read("invalid-empty-digest-null-layers.containers-image.json");
        string fixedDigest = System.Text.Encoding.UTF8.GetString(bytes)
            .Replace("\"digest\": \"\"", "\"digest\": \"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\"", StringComparison.Ordinal);

        var error = Assert.Throws<ManifestInvalidException>(() => ManifestParser.Parse(System.Text.Encoding.UTF8.GetBytes(fixedDigest)));

        Assert.Equal(ManifestInvalidReason.WrongType, error.Reason);
        Assert.Equal("layers", error.JsonPath);
        Assert.Contains("but it is null", error.Message, StringComparison.Ordinal);
    }
}
