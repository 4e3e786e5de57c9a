namespace TagImmutability.Tests.Manifests;

/// <summary>The real manifests in Manifests/Data, read as exact bytes, with the digests their sources publish.</summary>
internal static class ManifestCorpus
{
    // File name -> sha256 of the exact bytes, as listed in Manifests/Data/README.md (from the shared MANIFESTS.md).
    public static readonly IReadOnlyDictionary<string, string> PublishedDigests = new Dictionary<string, string>
    {
        ["docker-v2s2.containers-image.json"] = "sha256:20bf21ed457b390829cdbeec8795a7bea1626991fda603e0d01b4e7f60427e55",
        ["docker-v2s2-11-layers.quay-complex.json"] = "sha256:e5537e4fa6812c7db1aa93ed3787a057ca9508967e6527a73c69c6ae3c7fc6d6",
        ["docker-v2s2-compact.ggcr-eebff607.json"] = "sha256:eebff607b1628d67459b0596643fc07de70d702eccf030f0bc7bb6fc2b278650",
        ["docker-manifest-list.hello-world-dockerhub.json"] = "sha256:faa03e786c97f07ef34423fccceeec2398ec8a5759259f94d99078f264e9d7af",
        ["oci-manifest-annotations.containers-image.json"] = "sha256:bb76e395cb9021fd062b352172ac87ca159b3e84f5a5758a69db824da876cd4f",
        ["oci-manifest-no-mediatype-compact.ggcr-98ceaf93.json"] = "sha256:98ceaf93e482fe91b9bfd6bba07137c098e49ee2d55e69f09fb6c951e75e0e46",
        ["oci-index-multiplatform.containers-image.json"] = "sha256:d59976e8b293d743edfd0d9f985207acd97bcca66cb27506bc6e974af13f729e",
        ["oci-index-attestations.buildkit-docs.json"] = "sha256:6506d5e120c200ea6ea0be89c0d8615303e80053fa0bce4304258b266ae53877",
        ["oci-artifact-signature-subject.regclient-741132f9.json"] = "sha256:741132f956e196c3858dab17e50ea977056f2f1ce1ad2900f11f4c8ff2d4203b",
        ["oci-artifact-empty-config-data.regclient-90569397.json"] = "sha256:905693978d033f94767ce99edd9a3b285853343c148a4057cf00d47c67f9fb83",
        ["docker-schema1-signed.containers-image.json"] = "sha256:e028c450623065a8813712d8018f9a3d49e8adaad885f6e01371a1e26bd2224d",
        ["helm-chart-legacy.ggcr-b544f71e.json"] = "sha256:b544f71ecd82372bc9a3c0dbef378abfd2734fe437df81ff6e242a0d720d8e3e",
        ["oci-manifest-layer-urls.containers-image.json"] = "sha256:bfd7a7b14cfc6349bfbc291769692e4669470de97718d2ffab83273ea57474cb",
        ["invalid-schemaversion-99999.containers-image.json"] = "sha256:dc5bc5be2ec1f465009f53b51d16bcc2a621e45c3fa0ac986dce9fcd88531ef5",
        ["invalid-empty-digest-null-layers.containers-image.json"] = "sha256:ec7d9117f157e92a0fa93de1c9ad07fd8e193dca520684b0a5d67f4f73cd03a0",
        ["edge-unknown-layer-mediatype.containers-image.json"] = "sha256:37cb608ff77bcaf5de6a6f33f5055ce5357ce5b807af584886773f81e79f2821",
    };

    // The valid manifests with the media type to give when the file has no mediaType field (null when it has one).
    public static readonly IReadOnlyList<(string File, string? Hint)> Valid =
    [
        ("docker-v2s2.containers-image.json", null),
        ("docker-v2s2-11-layers.quay-complex.json", null),
        ("docker-v2s2-compact.ggcr-eebff607.json", null),
        ("docker-manifest-list.hello-world-dockerhub.json", null),
        ("oci-manifest-annotations.containers-image.json", null),
        ("oci-manifest-no-mediatype-compact.ggcr-98ceaf93.json", "application/vnd.oci.image.manifest.v1+json"),
        ("oci-index-multiplatform.containers-image.json", null),
        ("oci-index-attestations.buildkit-docs.json", null),
        ("oci-artifact-signature-subject.regclient-741132f9.json", null),
        ("oci-artifact-empty-config-data.regclient-90569397.json", null),
        ("helm-chart-legacy.ggcr-b544f71e.json", "application/vnd.oci.image.manifest.v1+json"),
        ("oci-manifest-layer-urls.containers-image.json", null),
        ("edge-unknown-layer-mediatype.containers-image.json", "application/vnd.oci.image.manifest.v1+json"),
    ];

    public static byte[] Read(string file) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Manifests", "Data", file));

    public static ParsedManifest Parse(string file)
    {
        string? hint = Valid.Single(entry => entry.File == file).Hint;
        return ManifestParser.Parse(Read(file), hint);
    }
}
