using System.Text;

namespace TagImmutability.Tests.Manifests;

/// <summary>Small hand-written manifests for the parser tests.</summary>
internal static class ManifestJson
{
    public const string ConfigDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    public const string LayerDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    public const string ChildDigest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    public const string OtherDigest = "sha256:3333333333333333333333333333333333333333333333333333333333333333";

    public const string Config = $$"""{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{ConfigDigest}}","size":2}""";

    public const string Layer = $$"""{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{LayerDigest}}","size":10}""";

    public const string Child = $$$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{ChildDigest}}}","size":500,"platform":{"architecture":"amd64","os":"linux"}}""";

    /// <summary>An OCI image manifest with a mediaType field, the given extra top-level members, and three layers.</summary>
    public static string OciManifest(string layers = Layer + "," + Layer + "," + Layer, string extra = "", string config = Config) =>
        $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{config}},"layers":[{{layers}}]{{extra}}}""";

    /// <summary>An OCI image manifest without a mediaType field.</summary>
    public static string OciManifestWithoutMediaType() =>
        $$"""{"schemaVersion":2,"config":{{Config}},"layers":[{{Layer}}]}""";

    public static string OciIndex(string entries = Child, string extra = "") =>
        $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{entries}}]{{extra}}}""";

    public static string DockerList(string entries) =>
        $$"""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{{entries}}]}""";

    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    public static ManifestInvalidException Refused(string json, string? contentType = null, ManifestParserOptions? options = null) =>
        Refused(Bytes(json), contentType, options);

    public static ManifestInvalidException Refused(byte[] content, string? contentType = null, ManifestParserOptions? options = null)
    {
        ManifestInvalidException thrown = Assert.Throws<ManifestInvalidException>(() => ManifestParser.Parse(content, contentType, options));

        // The Try form agrees and does not throw.
        Assert.False(ManifestParser.TryParse(content, contentType, options, out ParsedManifest? manifest, out ManifestInvalidException? error));
        Assert.Null(manifest);
        Assert.NotNull(error);
        Assert.Equal(thrown.GetType(), error.GetType());
        Assert.Equal(thrown.Message, error.Message);
        return thrown;
    }
}
