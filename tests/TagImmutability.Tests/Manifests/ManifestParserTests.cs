using System.Runtime.InteropServices;

namespace TagImmutability.Tests.Manifests;

/// <summary>Media type resolution, validation per the OCI image spec, and the parser's options.</summary>
public sealed class ManifestParserTests
{
    [Fact]
    public void Media_type_comes_from_the_field_when_no_hint_is_given()
    {
        ParsedManifest parsed = ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciManifest()));

        Assert.Equal(ManifestKind.OciImageManifest, parsed.Kind);
        Assert.Equal(MediaType.OciImageManifest, parsed.MediaType);
    }

    [Fact]
    public void Media_type_comes_from_the_hint_when_the_field_is_absent()
    {
        ParsedManifest parsed = ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciManifestWithoutMediaType()), MediaType.OciImageManifest);

        Assert.Equal(ManifestKind.OciImageManifest, parsed.Kind);
        Assert.Equal(MediaType.OciImageManifest, parsed.MediaType);
    }

    [Theory]
    [InlineData("application/vnd.oci.image.manifest.v1+json; charset=utf-8")]
    [InlineData("  application/vnd.oci.image.manifest.v1+json  ")]
    [InlineData("APPLICATION/vnd.oci.image.manifest.v1+JSON;charset=\"utf-8\"")]
    public void A_content_type_hint_loses_its_parameters_and_case(string contentType)
    {
        ParsedManifest parsed = ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciManifestWithoutMediaType()), contentType);

        Assert.Equal(ManifestKind.OciImageManifest, parsed.Kind);
    }

    [Fact]
    public void A_hint_that_agrees_with_the_field_ignoring_case_is_accepted()
    {
        ParsedManifest parsed = ManifestParser.Parse(
            ManifestJson.Bytes(ManifestJson.OciManifest()), "Application/VND.OCI.image.manifest.v1+json; charset=utf-8");

        Assert.Equal("application/vnd.oci.image.manifest.v1+json", parsed.MediaType.Value);
    }

    [Fact]
    public void Neither_field_nor_hint_is_a_missing_media_type_error_not_a_JSON_error()
    {
        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifestWithoutMediaType());

        Assert.Equal(ManifestInvalidReason.MediaTypeMissing, error.Reason);
        Assert.Null(error.DeclaredMediaType);
        Assert.Null(error.HintMediaType);
        Assert.Contains("media type is missing", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_blank_content_type_counts_as_no_hint(string contentType)
    {
        Assert.Equal(ManifestInvalidReason.MediaTypeMissing, ManifestJson.Refused(ManifestJson.OciManifestWithoutMediaType(), contentType).Reason);
    }

    [Fact]
    public void A_default_media_type_counts_as_no_hint()
    {
        var error = Assert.Throws<ManifestInvalidException>(
            () => ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciManifestWithoutMediaType()), default(MediaType)));

        Assert.Equal(ManifestInvalidReason.MediaTypeMissing, error.Reason);
    }

    [Fact]
    public void Field_and_hint_that_differ_are_a_mismatch_naming_both()
    {
        ManifestInvalidException error =
            ManifestJson.Refused(ManifestJson.OciManifest(), "application/vnd.docker.distribution.manifest.v2+json");

        Assert.Equal(ManifestInvalidReason.MediaTypeMismatch, error.Reason);
        Assert.Equal(MediaType.OciImageManifest, error.DeclaredMediaType);
        Assert.Equal(MediaType.DockerManifestV2, error.HintMediaType);
        Assert.Contains("application/vnd.oci.image.manifest.v1+json", error.Message, StringComparison.Ordinal);
        Assert.Contains("application/vnd.docker.distribution.manifest.v2+json", error.Message, StringComparison.Ordinal);
        Assert.Equal("mediaType", error.JsonPath);
    }

    [Fact]
    public void A_hint_that_is_not_a_media_type_is_refused()
    {
        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(), "not a media type");

        Assert.Equal(ManifestInvalidReason.InvalidMediaTypeHint, error.Reason);
        Assert.Contains("'not a media type'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/vnd.oci.image.config.v1+json")]
    [InlineData("application/vnd.oci.artifact.manifest.v1+json")]
    public void A_media_type_that_is_not_a_supported_manifest_is_refused(string mediaType)
    {
        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifestWithoutMediaType(), mediaType);

        Assert.Equal(ManifestInvalidReason.UnsupportedMediaType, error.Reason);
        Assert.Equal(mediaType, error.HintMediaType?.Value);
        Assert.Null(error.DeclaredMediaType);
        Assert.Contains(mediaType, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_media_type_field_is_refused_at_its_path()
    {
        string json = ManifestJson.OciManifest().Replace("application/vnd.oci.image.manifest.v1+json", "text/plain", StringComparison.Ordinal);

        ManifestInvalidException error = ManifestJson.Refused(json);

        Assert.Equal(ManifestInvalidReason.UnsupportedMediaType, error.Reason);
        Assert.Equal("mediaType", error.JsonPath);
        Assert.Equal("text/plain", error.DeclaredMediaType?.Value);
    }

    [Theory]
    [InlineData("application/vnd.docker.distribution.manifest.v1+json")]
    [InlineData("application/vnd.docker.distribution.manifest.v1+prettyjws")]
    public void Schema_1_media_types_are_refused_as_schema_1(string mediaType)
    {
        ManifestInvalidException error = ManifestJson.Refused("""{"schemaVersion":1,"name":"x","tag":"y"}""", mediaType);

        Assert.Equal(ManifestInvalidReason.Schema1NotSupported, error.Reason);
    }

    [Theory]
    [InlineData("""{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", ManifestInvalidReason.MissingField)]
    [InlineData("""{"schemaVersion":"2","mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", ManifestInvalidReason.WrongType)]
    [InlineData("""{"schemaVersion":2.0,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", ManifestInvalidReason.InvalidValue)]
    [InlineData("""{"schemaVersion":3,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", ManifestInvalidReason.InvalidValue)]
    [InlineData("""{"schemaVersion":null,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""", ManifestInvalidReason.WrongType)]
    public void Schema_version_must_be_the_integer_2(string json, ManifestInvalidReason reason)
    {
        ManifestInvalidException error = ManifestJson.Refused(json);

        Assert.Equal(reason, error.Reason);
        Assert.Equal("schemaVersion", error.JsonPath);
    }

    [Fact]
    public void Missing_config_is_named()
    {
        ManifestInvalidException error = ManifestJson.Refused(
            $$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}""");

        Assert.Equal(ManifestInvalidReason.MissingField, error.Reason);
        Assert.Equal("config", error.JsonPath);
        Assert.StartsWith("config: the required field is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_layers_is_named()
    {
        ManifestInvalidException error = ManifestJson.Refused(
            $$"""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{ManifestJson.Config}}}""");

        Assert.Equal(ManifestInvalidReason.MissingField, error.Reason);
        Assert.Equal("layers", error.JsonPath);
    }

    [Fact]
    public void Empty_layers_are_allowed_and_the_image_size_is_0()
    {
        var manifest = (ImageManifest)ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciManifest(layers: ""))).Manifest;

        Assert.Empty(manifest.Layers);
        Assert.Equal(0, manifest.ImageSizeInBytes);
    }

    [Fact]
    public void Invalid_layer_digest_names_its_path_value_and_rule()
    {
        string layers = ManifestJson.Layer + "," + ManifestJson.Layer + "," + ManifestJson.Layer.Replace(ManifestJson.LayerDigest, "sha256:xyz", StringComparison.Ordinal);
        byte[] content = ManifestJson.Bytes(ManifestJson.OciManifest(layers));

        ManifestInvalidException error = ManifestJson.Refused(content);

        Assert.Equal(ManifestInvalidReason.InvalidValue, error.Reason);
        Assert.Equal("layers[2].digest", error.JsonPath);
        Assert.StartsWith("layers[2].digest: 'sha256:xyz' is not a valid digest", error.Message, StringComparison.Ordinal);
        Assert.Contains("sha256", error.Rule, StringComparison.Ordinal);
        Assert.Equal((byte)'"', content[error.ByteOffset]);
        Assert.Equal("\"sha256:xyz\"", System.Text.Encoding.UTF8.GetString(content, (int)error.ByteOffset, 12));
    }

    [Theory]
    [InlineData("SHA256:1111111111111111111111111111111111111111111111111111111111111111")]
    [InlineData("sha256:111111111111111111111111111111111111111111111111111111111111111A")]
    [InlineData("sha256:11111111111111111111111111111111111111111111111111111111111111")]
    [InlineData("blake3:1111111111111111111111111111111111111111111111111111111111111111")]
    [InlineData("")]
    public void Descriptor_digests_must_be_sha256_or_sha512_in_lowercase_hex(string digest)
    {
        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(
            ManifestJson.Layer.Replace(ManifestJson.LayerDigest, digest, StringComparison.Ordinal)));

        Assert.Equal(ManifestInvalidReason.InvalidValue, error.Reason);
        Assert.Equal("layers[0].digest", error.JsonPath);
    }

    [Fact]
    public void A_sha512_descriptor_digest_is_accepted()
    {
        string sha512 = "sha512:" + new string('a', 128);

        var manifest = (ImageManifest)ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciManifest(
            ManifestJson.Layer.Replace(ManifestJson.LayerDigest, sha512, StringComparison.Ordinal)))).Manifest;

        Assert.Equal(DigestAlgorithm.Sha512, manifest.Layers[0].Digest.Algorithm);
    }

    [Theory]
    [InlineData("-1", ManifestInvalidReason.InvalidValue, "-1 is negative")]
    [InlineData("1.5", ManifestInvalidReason.InvalidValue, "1.5 is not an integer")]
    [InlineData("1e3", ManifestInvalidReason.InvalidValue, "1e3 is not an integer")]
    [InlineData("9223372036854775808", ManifestInvalidReason.InvalidValue, "9223372036854775808 is not an integer")]
    [InlineData("\"10\"", ManifestInvalidReason.WrongType, "must be an integer, but it is a string")]
    [InlineData("null", ManifestInvalidReason.WrongType, "must be an integer, but it is null")]
    public void Descriptor_size_must_be_a_non_negative_int64(string size, ManifestInvalidReason reason, string detail)
    {
        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(
            ManifestJson.Layer.Replace("\"size\":10", "\"size\":" + size, StringComparison.Ordinal)));

        Assert.Equal(reason, error.Reason);
        Assert.Equal("layers[0].size", error.JsonPath);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_largest_int64_size_is_accepted()
    {
        var manifest = (ImageManifest)ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciManifest(
            ManifestJson.Layer.Replace("\"size\":10", "\"size\":9223372036854775807", StringComparison.Ordinal)))).Manifest;

        Assert.Equal(long.MaxValue, manifest.ImageSizeInBytes);
    }

    [Fact]
    public void Layer_sizes_that_overflow_int64_are_refused()
    {
        string big = ManifestJson.Layer.Replace("\"size\":10", "\"size\":9223372036854775807", StringComparison.Ordinal);

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(big + "," + ManifestJson.Layer));

        Assert.Equal(ManifestInvalidReason.InvalidValue, error.Reason);
        Assert.Equal("layers", error.JsonPath);
    }

    [Theory]
    [InlineData("mediaType")]
    [InlineData("digest")]
    [InlineData("size")]
    public void Descriptor_required_fields_are_named_when_missing(string field)
    {
        string layer = field switch
        {
            "mediaType" => $$"""{"digest":"{{ManifestJson.LayerDigest}}","size":10}""",
            "digest" => """{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":10}""",
            _ => $$"""{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{ManifestJson.LayerDigest}}"}""",
        };

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(ManifestJson.Layer + "," + layer));

        Assert.Equal(ManifestInvalidReason.MissingField, error.Reason);
        Assert.Equal("layers[1]." + field, error.JsonPath);
    }

    [Fact]
    public void Descriptor_media_type_must_follow_RFC_6838()
    {
        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(
            ManifestJson.Layer.Replace("application/vnd.oci.image.layer.v1.tar+gzip", "no slash", StringComparison.Ordinal)));

        Assert.Equal(ManifestInvalidReason.InvalidValue, error.Reason);
        Assert.Equal("layers[0].mediaType", error.JsonPath);
        Assert.Contains("'no slash' is not a valid media type", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(""","config":"sha256:abc" """, "config", ManifestInvalidReason.WrongType)]
    [InlineData(""","layers":{} """, "layers", ManifestInvalidReason.WrongType)]
    [InlineData(""","layers":[5] """, "layers[0]", ManifestInvalidReason.WrongType)]
    [InlineData(""","annotations":{"com.example":5} """, "annotations[\"com.example\"]", ManifestInvalidReason.WrongType)]
    [InlineData(""","annotations":[] """, "annotations", ManifestInvalidReason.WrongType)]
    [InlineData(""","artifactType":7 """, "artifactType", ManifestInvalidReason.WrongType)]
    [InlineData(""","artifactType":"nope" """, "artifactType", ManifestInvalidReason.InvalidValue)]
    [InlineData(""","subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1} """, "subject.digest", ManifestInvalidReason.MissingField)]
    public void Wrong_types_and_values_name_their_path(string member, string path, ManifestInvalidReason reason)
    {
        // Later members replace the defaults: build the manifest from parts so each case changes one field.
        string json = member.Contains("\"config\"", StringComparison.Ordinal) || member.Contains("\"layers\"", StringComparison.Ordinal)
            ? "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\""
                + (member.Contains("\"config\"", StringComparison.Ordinal) ? "" : ",\"config\":" + ManifestJson.Config)
                + (member.Contains("\"layers\"", StringComparison.Ordinal) ? "" : ",\"layers\":[]")
                + member.TrimEnd() + "}"
            : ManifestJson.OciManifest(extra: member.TrimEnd());

        ManifestInvalidException error = ManifestJson.Refused(json);

        Assert.Equal(reason, error.Reason);
        Assert.Equal(path, error.JsonPath);
        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.NotEqual(string.Empty, error.Rule);
    }

    [Theory]
    [InlineData("""{"architecture":"amd64"}""", "manifests[0].platform.os", ManifestInvalidReason.MissingField)]
    [InlineData("""{"os":"linux"}""", "manifests[0].platform.architecture", ManifestInvalidReason.MissingField)]
    [InlineData("""{"architecture":"amd64","os":"linux","os.features":["a",1]}""", "manifests[0].platform[\"os.features\"][1]", ManifestInvalidReason.WrongType)]
    [InlineData("""{"architecture":"amd64","os":"linux","os.version":10}""", "manifests[0].platform[\"os.version\"]", ManifestInvalidReason.WrongType)]
    [InlineData("""{"architecture":"amd64","os":"linux","variant":null}""", "manifests[0].platform.variant", ManifestInvalidReason.WrongType)]
    [InlineData("""[]""", "manifests[0].platform", ManifestInvalidReason.WrongType)]
    public void Platform_fields_are_checked(string platform, string path, ManifestInvalidReason reason)
    {
        string entry = $$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{ManifestJson.ChildDigest}}","size":1,"platform":{{platform}}}""";

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciIndex(entry));

        Assert.Equal(reason, error.Reason);
        Assert.Equal(path, error.JsonPath);
    }

    [Fact]
    public void Urls_must_be_an_array_of_strings()
    {
        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(
            ManifestJson.Layer.Replace("\"size\":10", "\"size\":10,\"urls\":[\"https://a\",{}]", StringComparison.Ordinal)));

        Assert.Equal(ManifestInvalidReason.WrongType, error.Reason);
        Assert.Equal("layers[0].urls[1]", error.JsonPath);
    }

    [Fact]
    public void Index_entries_must_be_manifests()
    {
        string layerEntry = ManifestJson.Layer;

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciIndex(ManifestJson.Child + "," + layerEntry));

        Assert.Equal(ManifestInvalidReason.InvalidValue, error.Reason);
        Assert.Equal("manifests[1].mediaType", error.JsonPath);
        Assert.Contains("is not a manifest media type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_may_nest_an_index_and_mix_Docker_and_OCI_entries()
    {
        string nested = ManifestJson.Child
            .Replace("application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json", StringComparison.Ordinal);
        string docker = ManifestJson.Child
            .Replace("application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json", StringComparison.Ordinal);

        var index = (ImageIndex)ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciIndex(nested + "," + docker))).Manifest;

        Assert.Equal([MediaType.OciImageIndex, MediaType.DockerManifestV2], index.Manifests.Select(entry => entry.MediaType));
    }

    [Fact]
    public void Docker_manifest_list_entries_need_a_platform()
    {
        string noPlatform = $$"""{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{{ManifestJson.ChildDigest}}","size":1}""";

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.DockerList(noPlatform));

        Assert.Equal(ManifestInvalidReason.MissingField, error.Reason);
        Assert.Equal("manifests[0].platform", error.JsonPath);
    }

    [Fact]
    public void An_OCI_index_entry_may_omit_the_platform()
    {
        string noPlatform = $$"""{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{ManifestJson.ChildDigest}}","size":1}""";

        var index = (ImageIndex)ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciIndex(noPlatform))).Manifest;

        Assert.Null(index.Manifests[0].Platform);
    }

    [Fact]
    public void Missing_manifests_in_an_index_is_named()
    {
        ManifestInvalidException error = ManifestJson.Refused("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}""");

        Assert.Equal(ManifestInvalidReason.MissingField, error.Reason);
        Assert.Equal("manifests", error.JsonPath);
    }

    [Theory]
    [InlineData("layers")]
    [InlineData("config")]
    public void An_index_with_image_manifest_fields_is_ambiguous_and_refused(string field)
    {
        string extra = field == "layers" ? ",\"layers\":[]" : ",\"config\":" + ManifestJson.Config;

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciIndex(extra: extra));

        Assert.Equal(ManifestInvalidReason.UnexpectedField, error.Reason);
        Assert.Equal(field, error.JsonPath);
    }

    [Fact]
    public void An_image_manifest_with_a_manifests_field_is_ambiguous_and_refused()
    {
        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(extra: ",\"manifests\":[]"));

        Assert.Equal(ManifestInvalidReason.UnexpectedField, error.Reason);
        Assert.Equal("manifests", error.JsonPath);
    }

    [Fact]
    public void An_empty_config_requires_an_artifact_type()
    {
        string emptyConfig = $$"""{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{{ManifestJson.ConfigDigest}}","size":2}""";

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(config: emptyConfig));

        Assert.Equal(ManifestInvalidReason.MissingField, error.Reason);
        Assert.Equal("artifactType", error.JsonPath);
        Assert.Contains("application/vnd.oci.empty.v1+json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"e30\"")]
    [InlineData("\"e3 0=\"")]
    [InlineData("\"e30=\\n\"")]
    [InlineData("\"!!!!\"")]
    [InlineData("42")]
    public void Data_must_be_strict_base64(string data)
    {
        string config = $$"""{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{ManifestJson.ConfigDigest}}","size":2,"data":{{data}}}""";

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(config: config));

        Assert.Equal("config.data", error.JsonPath);
        Assert.Contains("base64", error.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_written_with_JSON_escapes_is_decoded_like_plain_data()
    {
        // "e30=" with the 'e' written as \u0065.
        string config = $$"""{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{ManifestJson.ConfigDigest}}","size":2,"data":"\u006530="}""";

        var manifest = (ImageManifest)ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciManifest(config: config))).Manifest;

        Assert.Equal("{}"u8.ToArray(), manifest.Config.Data!.Value.ToArray());
    }

    [Theory]
    [InlineData("\"e30=\"", 3, "data is 2 bytes but size is 3")]
    [InlineData("\"W10=\"", 2, "data does not hash to")]
    public void Data_must_be_the_referenced_content(string data, int size, string detail)
    {
        // "e30=" is "{}", whose sha256 is the config digest; "W10=" is "[]", which is not.
        string config = $$"""{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{ManifestJson.ConfigDigest}}","size":{{size}},"data":{{data}}}""";

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(config: config));

        Assert.Equal(ManifestInvalidReason.InvalidValue, error.Reason);
        Assert.Equal("config.data", error.JsonPath);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_fields_stay_in_the_bytes_and_are_ignored_by_the_model()
    {
        string unknownTop = ",\"x-vendor\":{\"nested\":[1,{\"deep\":null}],\"mediaType\":5}";
        string layer = ManifestJson.Layer.Replace("\"size\":10", "\"size\":10,\"x-layer\":[true,false]", StringComparison.Ordinal);
        byte[] plain = ManifestJson.Bytes(ManifestJson.OciManifest(ManifestJson.Layer));
        byte[] extended = ManifestJson.Bytes(ManifestJson.OciManifest(layer, unknownTop));

        ParsedManifest a = ManifestParser.Parse(plain);
        ParsedManifest b = ManifestParser.Parse(extended);

        Assert.Equal(a.Manifest, b.Manifest);
        Assert.NotEqual(a.Digest, b.Digest);
        Assert.True(b.Content.Span.SequenceEqual(extended));
    }

    [Fact]
    public void Docker_manifests_ignore_the_OCI_only_fields()
    {
        // subject, artifactType and annotations are not Docker schema 2 fields: unknown, hence ignored, even malformed.
        string json = $$"""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{ManifestJson.Config}},"layers":[],"subject":5,"artifactType":[],"annotations":"x"}""";

        ParsedManifest parsed = ManifestParser.Parse(ManifestJson.Bytes(json));

        Assert.Null(parsed.Subject);
        Assert.Null(parsed.Manifest.ArtifactType);
        Assert.Empty(parsed.Manifest.Annotations);
    }

    [Fact]
    public void Key_order_does_not_matter()
    {
        string reordered = $$"""{"layers":[{{ManifestJson.Layer}}],"config":{{ManifestJson.Config}},"mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}""";

        ParsedManifest a = ManifestParser.Parse(ManifestJson.Bytes(reordered));
        ParsedManifest b = ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciManifest(ManifestJson.Layer)));

        Assert.Equal(a.Manifest, b.Manifest);
    }

    [Fact]
    public void Content_is_the_callers_memory_unless_a_copy_is_asked_for()
    {
        byte[] bytes = ManifestJson.Bytes(ManifestJson.OciManifest());

        ParsedManifest lent = ManifestParser.Parse(bytes);
        ParsedManifest copied = ManifestParser.Parse(bytes, (MediaType?)null, new ManifestParserOptions { CopyContent = true });

        Assert.True(MemoryMarshal.TryGetArray(lent.Content, out ArraySegment<byte> lentSegment));
        Assert.Same(bytes, lentSegment.Array);
        Assert.True(MemoryMarshal.TryGetArray(copied.Content, out ArraySegment<byte> copiedSegment));
        Assert.NotSame(bytes, copiedSegment.Array);
        Assert.True(copied.Content.Span.SequenceEqual(bytes));
        Assert.Equal(lent.Digest, copied.Digest);
    }

    [Fact]
    public void A_slice_of_a_larger_buffer_is_parsed_and_hashed_as_the_slice()
    {
        byte[] manifest = ManifestJson.Bytes(ManifestJson.OciManifest());
        byte[] buffer = [.. "garbage"u8.ToArray(), .. manifest, .. "more"u8.ToArray()];

        ParsedManifest parsed = ManifestParser.Parse(new ReadOnlyMemory<byte>(buffer, 7, manifest.Length));

        Assert.Equal(Digest.Compute(manifest), parsed.Digest);
        Assert.Equal(manifest.Length, parsed.SizeInBytes);
    }

    [Fact]
    public void The_size_limit_is_configurable()
    {
        byte[] bytes = ManifestJson.Bytes(ManifestJson.OciManifest());

        ManifestInvalidException error = ManifestJson.Refused(bytes, options: new ManifestParserOptions { MaxSizeInBytes = bytes.Length - 1 });
        ParsedManifest parsed = ManifestParser.Parse(bytes, (MediaType?)null, new ManifestParserOptions { MaxSizeInBytes = bytes.Length });

        Assert.Equal(ManifestInvalidReason.TooLarge, error.Reason);
        Assert.Equal(bytes.Length, parsed.SizeInBytes);
    }

    [Fact]
    public void The_depth_limit_is_configurable_and_counts_the_top_level_object_as_1()
    {
        // Depth: manifest 1, layers 2, layer 3, annotations 4.
        string layer = ManifestJson.Layer.Replace("\"size\":10", "\"size\":10,\"annotations\":{\"a\":\"b\"}", StringComparison.Ordinal);
        byte[] bytes = ManifestJson.Bytes(ManifestJson.OciManifest(layer));

        ManifestInvalidException error = ManifestJson.Refused(bytes, options: new ManifestParserOptions { MaxDepth = 3 });
        ManifestParser.Parse(bytes, (MediaType?)null, new ManifestParserOptions { MaxDepth = 4 });

        Assert.Equal(ManifestInvalidReason.TooDeep, error.Reason);
        Assert.Equal("layers[0].annotations", error.JsonPath);
    }

    [Theory]
    [InlineData(0, 64)]
    [InlineData(100, 0)]
    [InlineData(100, 257)]
    public void Options_refuse_limits_out_of_range(int maxSize, int maxDepth)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ManifestParserOptions { MaxSizeInBytes = maxSize, MaxDepth = maxDepth });
    }

    [Fact]
    public void Default_options_are_4_MiB_and_depth_64_without_copying()
    {
        Assert.Equal(4 * 1024 * 1024, ManifestParserOptions.Default.MaxSizeInBytes);
        Assert.Equal(64, ManifestParserOptions.Default.MaxDepth);
        Assert.False(ManifestParserOptions.Default.CopyContent);
    }

    [Theory]
    [InlineData("application/vnd.oci.image.manifest.v1+json", ManifestKind.OciImageManifest)]
    [InlineData("application/vnd.oci.image.index.v1+json", ManifestKind.OciImageIndex)]
    [InlineData("application/vnd.docker.distribution.manifest.v2+json", ManifestKind.DockerManifestV2)]
    [InlineData("APPLICATION/VND.DOCKER.DISTRIBUTION.MANIFEST.LIST.V2+JSON", ManifestKind.DockerManifestList)]
    [InlineData("application/vnd.docker.distribution.manifest.v1+json", ManifestKind.None)]
    [InlineData("application/vnd.oci.image.config.v1+json", ManifestKind.None)]
    public void TryGetKind_maps_the_four_manifest_media_types(string mediaType, ManifestKind expected)
    {
        bool found = ManifestParser.TryGetKind(MediaType.Parse(mediaType), out ManifestKind kind);

        Assert.Equal(expected, kind);
        Assert.Equal(expected != ManifestKind.None, found);
    }
}
