using System.Collections.Immutable;
using System.Text;

namespace TagImmutability.Tests.Manifests;

public sealed class ManifestWriterTests
{
    private const string EmptyJsonDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    private const string LayerDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string ChildDigest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    [Theory]
    [InlineData("oci-artifact-signature-subject.regclient-741132f9.json")]
    [InlineData("oci-artifact-empty-config-data.regclient-90569397.json")]
    public void Rewriting_a_compact_manifest_from_a_Go_tool_gives_the_same_bytes_and_published_digest(string file)
    {
        // regclient wrote these with Go's encoding/json; the canonical form is meant to match it.
        byte[] original = ManifestCorpus.Read(file);

        ParsedManifest written = ManifestWriter.Write(ManifestParser.Parse(original).Manifest);

        Assert.Equal(Encoding.UTF8.GetString(original), Encoding.UTF8.GetString(written.Content.Span));
        Assert.Equal(ManifestCorpus.PublishedDigests[file], written.Digest.ToString());
    }

    [Fact]
    public void Image_manifest_is_written_compact_in_the_canonical_field_order()
    {
        var manifest = new ImageManifest(
            MediaType.OciImageManifest,
            new Descriptor(MediaType.OciEmpty, Digest.Parse(EmptyJsonDigest), 2, data: ImmutableArray.Create("{}"u8.ToArray())),
            [new Descriptor(
                MediaType.OciLayerTarGzip,
                Digest.Parse(LayerDigest),
                1234,
                urls: ["https://example.com/layer"],
                annotations: new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" })],
            artifactType: MediaType.Parse("application/example"),
            subject: new Descriptor(MediaType.OciImageIndex, Digest.Parse(ChildDigest), 99),
            annotations: new Dictionary<string, string> { ["org.example"] = "x" });

        ParsedManifest written = ManifestWriter.Write(manifest);

        const string Expected =
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\"application/example\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + EmptyJsonDigest + "\",\"size\":2,\"data\":\"e30=\"},"
            + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + LayerDigest + "\",\"size\":1234,"
            + "\"urls\":[\"https://example.com/layer\"],\"annotations\":{\"a\":\"1\",\"b\":\"2\"}}],"
            + "\"subject\":{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"" + ChildDigest + "\",\"size\":99},"
            + "\"annotations\":{\"org.example\":\"x\"}}";
        Assert.Equal(Expected, Encoding.UTF8.GetString(written.Content.Span));
        Assert.Equal(Digest.Compute(Encoding.UTF8.GetBytes(Expected)), written.Digest);
        Assert.Equal(Expected.Length, written.SizeInBytes);
        Assert.Same(manifest, written.Manifest);
    }

    [Fact]
    public void Index_entries_carry_platform_after_annotations_and_artifact_type_last()
    {
        var index = new ImageIndex(
            MediaType.OciImageIndex,
            [new Descriptor(
                MediaType.OciImageManifest,
                Digest.Parse(ChildDigest),
                7,
                annotations: new Dictionary<string, string> { ["k"] = "v" },
                platform: new Platform("arm64", "linux", "1.0", ["f1", "f2"], "v8"),
                artifactType: MediaType.Parse("application/example"))]);

        string written = Encoding.UTF8.GetString(ManifestWriter.Write(index).Content.Span);

        Assert.Equal(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{"
            + "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + ChildDigest + "\",\"size\":7,"
            + "\"annotations\":{\"k\":\"v\"},"
            + "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"os.version\":\"1.0\",\"os.features\":[\"f1\",\"f2\"],\"variant\":\"v8\"},"
            + "\"artifactType\":\"application/example\"}]}",
            written);
    }

    [Fact]
    public void Empty_lists_are_written_only_where_the_spec_requires_the_field()
    {
        var manifest = new ImageManifest(MediaType.DockerManifestV2, new Descriptor(MediaType.DockerImageConfig, Digest.Parse(LayerDigest), 1), []);
        var index = new ImageIndex(MediaType.OciImageIndex, []);

        Assert.Equal(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{"
            + "\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"digest\":\"" + LayerDigest + "\",\"size\":1},\"layers\":[]}",
            Encoding.UTF8.GetString(ManifestWriter.Write(manifest).Content.Span));
        Assert.Equal(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[]}",
            Encoding.UTF8.GetString(ManifestWriter.Write(index).Content.Span));
    }

    [Fact]
    public void Strings_escape_only_quotes_backslashes_controls_html_characters_and_line_separators()
    {
        string value = "<a&b>\"q\"\\ \n\r\t\b\f\u0001\u001f\u007f+/=\u00e9\u2028\u2029\U0001F600";
        var index = new ImageIndex(MediaType.OciImageIndex, [], annotations: new Dictionary<string, string> { ["k"] = value });

        string written = Encoding.UTF8.GetString(ManifestWriter.Write(index).Content.Span);

        // Written by hand from the rules in docs/manifests.md: lowercase \u escapes, non-ASCII as UTF-8.
        string expectedValue = "\\u003ca\\u0026b\\u003e\\\"q\\\"\\\\ \\n\\r\\t\\b\\f\\u0001\\u001f\u007f+/=\u00e9\\u2028\\u2029\U0001F600";
        Assert.Equal(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[],\"annotations\":{\"k\":\"" + expectedValue + "\"}}",
            written);
        Assert.Equal(value, ManifestParser.Parse(Encoding.UTF8.GetBytes(written)).Manifest.Annotations["k"]);
    }

    [Fact]
    public void Annotation_keys_are_written_in_UTF8_byte_order()
    {
        // U+E000 is EE 80 80 in UTF-8 and sorts before U+1F600 (F0 9F 98 80), although in UTF-16 (E000 vs D83D) it sorts after.
        var index = new ImageIndex(
            MediaType.OciImageIndex,
            [],
            annotations: new Dictionary<string, string> { ["\U0001F600"] = "2", ["\uE000"] = "1", ["z"] = "0" });

        string written = Encoding.UTF8.GetString(ManifestWriter.Write(index).Content.Span);

        Assert.EndsWith("\"annotations\":{\"z\":\"0\",\"\uE000\":\"1\",\"\U0001F600\":\"2\"}}", written, StringComparison.Ordinal);
    }

    [Fact]
    public void Media_types_are_written_as_given()
    {
        var index = new ImageIndex(MediaType.Parse("application/VND.oci.image.index.v1+json"), []);

        ParsedManifest written = ManifestWriter.Write(index);

        Assert.Contains("\"mediaType\":\"application/VND.oci.image.index.v1+json\"", Encoding.UTF8.GetString(written.Content.Span), StringComparison.Ordinal);
        Assert.Equal(ManifestKind.OciImageIndex, written.Kind);
    }

    [Fact]
    public void Output_has_no_byte_order_mark_and_no_trailing_newline()
    {
        byte[] content = ManifestWriter.Write(new ImageIndex(MediaType.DockerManifestList, [])).Content.ToArray();

        Assert.Equal((byte)'{', content[0]);
        Assert.Equal((byte)'}', content[^1]);
    }

    [Fact]
    public void Write_rejects_null()
    {
        Assert.Throws<ArgumentNullException>(() => ManifestWriter.Write(null!));
    }
}
