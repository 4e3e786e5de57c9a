namespace TagImmutability;

/// <summary>The four kinds of manifest <see cref="ManifestParser"/> parses, one per supported media type.</summary>
/// <remarks>
/// An image manifest (<see cref="OciImageManifest"/>, <see cref="DockerManifestV2"/>) is modelled by
/// <see cref="ImageManifest"/>; an index (<see cref="OciImageIndex"/>, <see cref="DockerManifestList"/>) by
/// <see cref="ImageIndex"/>. <c>default(ManifestKind)</c> is <see cref="None"/>, which no manifest has.
/// </remarks>
public enum ManifestKind
{
    /// <summary>Not a manifest kind; the default value.</summary>
    None = 0,

    /// <summary>An OCI image manifest, <c>application/vnd.oci.image.manifest.v1+json</c> (OCI image-spec manifest.md).</summary>
    OciImageManifest = 1,

    /// <summary>An OCI image index, <c>application/vnd.oci.image.index.v1+json</c> (OCI image-spec image-index.md).</summary>
    OciImageIndex = 2,

    /// <summary>A Docker image manifest v2 schema 2, <c>application/vnd.docker.distribution.manifest.v2+json</c>.</summary>
    DockerManifestV2 = 3,

    /// <summary>A Docker manifest list, <c>application/vnd.docker.distribution.manifest.list.v2+json</c>.</summary>
    DockerManifestList = 4,
}
