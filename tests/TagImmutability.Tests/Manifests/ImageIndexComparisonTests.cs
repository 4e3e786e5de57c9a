namespace TagImmutability.Tests.Manifests;

/// <summary>
/// Whether two indexes carry the same platform manifests, attestation entries aside: BuildKit rebuilds the
/// attestations on every build, so the index digest changes although the images did not.
/// </summary>
public sealed class ImageIndexComparisonTests
{
    private static readonly Digest Amd64Image = Digest.Parse("sha256:23678f31b3b3586c4fb318aecfe64a96a1f0916ba8faf9b2be2abee63fa9e827");
    private static readonly Digest Arm64Image = Digest.Parse("sha256:aaaa111111111111111111111111111111111111111111111111111111111111");
    private static readonly Digest OtherImage = Digest.Parse("sha256:bbbb111111111111111111111111111111111111111111111111111111111111");
    private static readonly Platform LinuxAmd64 = new("amd64", "linux");
    private static readonly Platform LinuxArm64 = new("arm64", "linux", variant: "v8");

    [Fact]
    public void Rebuilt_attestations_do_not_count_as_a_change()
    {
        ImageIndex first = Index(Image(Amd64Image, LinuxAmd64), Image(Arm64Image, LinuxArm64), Attestation("cccc", Amd64Image), Attestation("dddd", Arm64Image));
        ImageIndex rebuilt = Index(Image(Amd64Image, LinuxAmd64), Image(Arm64Image, LinuxArm64), Attestation("eeee", Amd64Image), Attestation("ffff", Arm64Image));

        Assert.True(first.HasSamePlatformManifests(rebuilt));
        Assert.True(rebuilt.HasSamePlatformManifests(first));
        Assert.NotEqual(ManifestWriter.Write(first).Digest, ManifestWriter.Write(rebuilt).Digest);
    }

    [Fact]
    public void Adding_or_dropping_attestations_does_not_count_as_a_change()
    {
        ImageIndex with = Index(Image(Amd64Image, LinuxAmd64), Attestation("cccc", Amd64Image));
        ImageIndex without = Index(Image(Amd64Image, LinuxAmd64));

        Assert.True(with.HasSamePlatformManifests(without));
    }

    [Fact]
    public void A_changed_image_is_a_change()
    {
        ImageIndex first = Index(Image(Amd64Image, LinuxAmd64), Image(Arm64Image, LinuxArm64));
        ImageIndex second = Index(Image(OtherImage, LinuxAmd64), Image(Arm64Image, LinuxArm64));

        Assert.False(first.HasSamePlatformManifests(second));
    }

    [Fact]
    public void The_same_image_for_another_platform_is_a_change()
    {
        ImageIndex first = Index(Image(Amd64Image, LinuxAmd64));
        ImageIndex second = Index(Image(Amd64Image, new Platform("amd64", "linux", variant: "v3")));

        Assert.False(first.HasSamePlatformManifests(second));
    }

    [Fact]
    public void An_added_or_removed_platform_is_a_change()
    {
        ImageIndex one = Index(Image(Amd64Image, LinuxAmd64));
        ImageIndex two = Index(Image(Amd64Image, LinuxAmd64), Image(Arm64Image, LinuxArm64));

        Assert.False(one.HasSamePlatformManifests(two));
        Assert.False(two.HasSamePlatformManifests(one));
    }

    [Fact]
    public void Entries_are_compared_as_a_multiset()
    {
        ImageIndex twice = Index(Image(Amd64Image, LinuxAmd64), Image(Amd64Image, LinuxAmd64));
        ImageIndex mixed = Index(Image(Amd64Image, LinuxAmd64), Image(Arm64Image, LinuxArm64));
        ImageIndex reordered = Index(Image(Arm64Image, LinuxArm64), Image(Amd64Image, LinuxAmd64));

        Assert.False(twice.HasSamePlatformManifests(mixed));
        Assert.False(mixed.HasSamePlatformManifests(twice));
        Assert.True(mixed.HasSamePlatformManifests(reordered));
    }

    [Fact]
    public void Entry_annotations_and_index_annotations_are_not_compared()
    {
        ImageIndex plain = Index(Image(Amd64Image, LinuxAmd64));
        var annotated = new ImageIndex(
            MediaType.OciImageIndex,
            [new Descriptor(MediaType.OciImageManifest, Amd64Image, 1234, annotations: [new("org.opencontainers.image.created", "2026-01-01")], platform: LinuxAmd64)],
            annotations: [new("org.opencontainers.image.created", "2026-01-02")]);

        Assert.True(plain.HasSamePlatformManifests(annotated));
    }

    [Fact]
    public void An_entry_is_an_attestation_by_its_unknown_platform_or_by_its_annotation()
    {
        Descriptor byPlatform = new(MediaType.OciImageManifest, OtherImage, 1, platform: new Platform("unknown", "unknown"));
        Descriptor byAnnotation = new(
            MediaType.OciImageManifest, OtherImage, 1, annotations: [new("vnd.docker.reference.type", "attestation-manifest")], platform: LinuxAmd64);
        Descriptor otherReference = new(
            MediaType.OciImageManifest, OtherImage, 1, annotations: [new("vnd.docker.reference.type", "something-else")], platform: LinuxAmd64);

        Assert.True(ImageIndex.IsAttestation(byPlatform));
        Assert.True(ImageIndex.IsAttestation(byAnnotation));
        Assert.False(ImageIndex.IsAttestation(otherReference));
        Assert.False(ImageIndex.IsAttestation(Image(Amd64Image, LinuxAmd64)));
        Assert.False(ImageIndex.IsAttestation(new Descriptor(MediaType.OciImageManifest, OtherImage, 1)));
        Assert.True(Index(Image(Amd64Image, LinuxAmd64)).HasSamePlatformManifests(Index(Image(Amd64Image, LinuxAmd64), byPlatform, byAnnotation)));
    }

    [Fact]
    public void The_buildkit_example_equals_itself_without_its_attestation()
    {
        var example = (ImageIndex)ManifestCorpus.Parse("oci-index-attestations.buildkit-docs.json").Manifest;
        ImageIndex imagesOnly = Index(Image(Amd64Image, LinuxAmd64));

        Assert.True(example.HasSamePlatformManifests(imagesOnly));
        Assert.False(example.HasSamePlatformManifests(Index(Image(OtherImage, LinuxAmd64))));
    }

    [Fact]
    public void A_Docker_list_and_an_OCI_index_with_the_same_images_carry_the_same_platform_manifests()
    {
        var list = new ImageIndex(MediaType.DockerManifestList, [Image(Amd64Image, LinuxAmd64)]);

        Assert.True(list.HasSamePlatformManifests(Index(Image(Amd64Image, LinuxAmd64))));
        Assert.Throws<ArgumentNullException>(() => list.HasSamePlatformManifests(null!));
    }

    private static ImageIndex Index(params Descriptor[] entries) => new(MediaType.OciImageIndex, entries);

    private static Descriptor Image(Digest digest, Platform platform) => new(MediaType.OciImageManifest, digest, 1234, platform: platform);

    private static Descriptor Attestation(string prefix, Digest subject) =>
        new(
            MediaType.OciImageManifest,
            Digest.Parse("sha256:" + prefix + new string('0', 60)),
            840,
            annotations: [new("vnd.docker.reference.digest", subject.ToString()), new("vnd.docker.reference.type", "attestation-manifest")],
            platform: new Platform("unknown", "unknown"));
}
