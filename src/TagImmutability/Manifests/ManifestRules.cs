namespace TagImmutability.Internal;

/// <summary>The rules manifest errors cite, each with its source; <see cref="ManifestInvalidException.Rule"/> carries one.</summary>
internal static class ManifestRules
{
    public const string Json =
        "a manifest is one JSON object in UTF-8, without comments, trailing commas or a byte order mark (RFC 8259)";

    public const string Utf8 = "JSON text is UTF-8 (RFC 8259 section 8.1)";

    public const string MaxSize =
        "ManifestParserOptions.MaxSizeInBytes (default 4 MiB, ECR's imageManifest limit of 4,194,304)";

    public const string MaxDepth = "ManifestParserOptions.MaxDepth (default 64 nested objects and arrays)";

    public const string UniqueKeys =
        "keys are unique within an object (RFC 8259 section 4); a registry must not guess which duplicate wins";

    public const string SchemaVersion =
        "schemaVersion is the integer 2 (OCI image-spec manifest.md and image-index.md; Docker image manifest v2 schema 2)";

    public const string MediaTypeSource =
        "the media type comes from the manifest's mediaType field or, when the field is absent, from the caller's hint "
        + "(ECR PutImage imageManifestMediaType, HTTP Content-Type); when both are given they must agree";

    public const string Supported =
        "supported media types: application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
        + "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";

    public const string Schema1 =
        "Docker image manifest v2 schema 1 (application/vnd.docker.distribution.manifest.v1+json, +prettyjws) is deprecated "
        + "and not supported; push schema 2 or OCI";

    public const string MediaTypeGrammar =
        "a media type is type/subtype, each [A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126} (RFC 6838 section 4.2; OCI image-spec descriptor.md)";

    public const string Size = "size is an integer from 0 to 2^63-1, in bytes (OCI image-spec descriptor.md: int64)";

    public const string Data =
        "data is standard padded base64 without whitespace (RFC 4648 section 4) of exactly the referenced content: "
        + "as many bytes as size, hashing to digest (OCI image-spec descriptor.md)";

    public const string DescriptorFields =
        "a descriptor is an object with mediaType (string), digest (string) and size (integer), and optionally urls "
        + "(array of strings), annotations, platform, artifactType (string) and data (string) (OCI image-spec descriptor.md)";

    public const string Annotations =
        "annotations is an object whose values are strings (OCI image-spec annotations.md)";

    public const string StringArray = "an array of strings (OCI image-spec descriptor.md urls; image-index.md os.features)";

    public const string PlatformFields =
        "platform is an object with architecture and os (strings), and optionally os.version and variant (strings) and "
        + "os.features (array of strings) (OCI image-spec image-index.md)";

    public const string ImageManifestFields =
        "an image manifest has config (a descriptor) and layers (an array of descriptors, possibly empty) "
        + "(OCI image-spec manifest.md; Docker image manifest v2 schema 2)";

    public const string IndexFields =
        "an image index has manifests, an array of descriptors, possibly empty (OCI image-spec image-index.md; Docker manifest list)";

    public const string IndexEntries =
        "an index lists manifests: each entry's mediaType is an OCI or Docker image manifest or index media type "
        + "(OCI image-spec image-index.md)";

    public const string DockerListPlatform = "each entry of a Docker manifest list has a platform (Docker manifest list, schema 2)";

    public const string Unambiguous =
        "an image manifest has no manifests field and an index has no config or layers field, so that the kind of a "
        + "document is never ambiguous (OCI image-spec media type guidance, 2021)";

    public const string ArtifactType =
        "artifactType is required when config.mediaType is application/vnd.oci.empty.v1+json (OCI image-spec manifest.md)";

    public const string LayerSum = "the layer sizes add up to at most 2^63-1 bytes (imageSizeInBytes is an int64)";
}
