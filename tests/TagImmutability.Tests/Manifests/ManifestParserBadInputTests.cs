namespace TagImmutability.Tests.Manifests;

/// <summary>Hostile and broken input: every case is a clear <see cref="ManifestInvalidException"/>, never a crash.</summary>
public sealed class ManifestParserBadInputTests
{
    [Fact]
    public void Every_truncation_of_a_real_manifest_is_a_clear_error()
    {
        byte[] whole = ManifestCorpus.Read("docker-v2s2.containers-image.json");
        for (int length = 0; length < whole.Length; length++)
        {
            // Cutting only the final newline of a file would leave valid JSON; this file has none.
            ManifestInvalidException error = ManifestJson.Refused(whole[..length]);

            Assert.True(error.Reason is ManifestInvalidReason.InvalidJson, $"length {length}: {error.Reason} {error.Message}");
        }
    }

    [Fact]
    public void Truncated_JSON_says_it_is_not_valid_JSON_and_where()
    {
        byte[] whole = ManifestJson.Bytes(ManifestJson.OciManifest());

        ManifestInvalidException error = ManifestJson.Refused(whole[..(whole.Length - 3)]);

        Assert.Equal(ManifestInvalidReason.InvalidJson, error.Reason);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
        Assert.InRange(error.ByteOffset, 0, whole.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n")]
    public void Empty_content_is_invalid_JSON(string json)
    {
        Assert.Equal(ManifestInvalidReason.InvalidJson, ManifestJson.Refused(json).Reason);
    }

    [Theory]
    [InlineData("[]", "an array")]
    [InlineData("\"manifest\"", "a string")]
    [InlineData("2", "a number")]
    [InlineData("null", "null")]
    public void The_top_level_value_must_be_an_object(string json, string found)
    {
        ManifestInvalidException error = ManifestJson.Refused(json);

        Assert.Equal(ManifestInvalidReason.WrongType, error.Reason);
        Assert.Equal(string.Empty, error.JsonPath);
        Assert.Contains("must be a JSON object, but it is " + found, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_5_MiB_body_is_refused_before_it_is_read()
    {
        // Not even UTF-8: the size check comes first, so the error is about size.
        byte[] body = new byte[5 * 1024 * 1024];
        Array.Fill(body, (byte)0xFF);

        ManifestInvalidException error = ManifestJson.Refused(body);

        Assert.Equal(ManifestInvalidReason.TooLarge, error.Reason);
        Assert.Contains("5242880 bytes, more than the limit of 4194304", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_manifest_just_under_4_MiB_is_accepted()
    {
        string padding = new(' ', ManifestParserOptions.DefaultMaxSizeInBytes - ManifestJson.OciManifest().Length);
        byte[] bytes = ManifestJson.Bytes(ManifestJson.OciManifest() + padding);

        Assert.Equal(ManifestParserOptions.DefaultMaxSizeInBytes, ManifestParser.Parse(bytes).SizeInBytes);
    }

    [Fact]
    public void Ten_thousand_nested_arrays_are_refused_as_too_deep_without_overflowing_the_stack()
    {
        string json = "{\"schemaVersion\":2,\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        ManifestInvalidException error = ManifestJson.Refused(json);

        Assert.Equal(ManifestInvalidReason.TooDeep, error.Reason);
        Assert.StartsWith("x[0][0]", error.JsonPath, StringComparison.Ordinal);
        Assert.Contains("nested more than 64 deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_thousand_nested_arrays_at_the_top_are_not_an_object()
    {
        ManifestInvalidException error = ManifestJson.Refused(new string('[', 10_000) + new string(']', 10_000));

        Assert.Equal(ManifestInvalidReason.WrongType, error.Reason);
    }

    [Fact]
    public void Deep_nesting_inside_a_known_field_is_refused_the_same_way()
    {
        string layers = new string('[', 5_000) + new string(']', 5_000);

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(layers));

        Assert.Equal(ManifestInvalidReason.TooDeep, error.Reason);
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })] // a lead byte without its continuation
    [InlineData(new byte[] { 0xFF })] // never valid in UTF-8
    [InlineData(new byte[] { 0xC0, 0xAF })] // overlong '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // a UTF-16 surrogate encoded in UTF-8
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98 })] // a truncated 4-byte sequence
    public void Invalid_UTF8_is_refused_with_its_offset(byte[] invalid)
    {
        byte[] valid = ManifestJson.Bytes(ManifestJson.OciManifest(extra: ",\"note\":\"__\""));
        int at = Array.LastIndexOf(valid, (byte)'_') - 1;
        byte[] content = [.. valid[..at], .. invalid, .. valid[(at + 2)..]];

        ManifestInvalidException error = ManifestJson.Refused(content);

        Assert.Equal(ManifestInvalidReason.InvalidUtf8, error.Reason);
        Assert.Equal(at, error.ByteOffset);
    }

    [Fact]
    public void Valid_non_ASCII_UTF8_is_accepted()
    {
        byte[] content = ManifestJson.Bytes(ManifestJson.OciManifest(extra: ",\"annotations\":{\"desc\":\"caf\u00e9 \U0001F600\"}"));

        Assert.Equal("caf\u00e9 \U0001F600", ManifestParser.Parse(content).Manifest.Annotations["desc"]);
    }

    [Fact]
    public void A_byte_order_mark_is_refused()
    {
        byte[] content = [0xEF, 0xBB, 0xBF, .. ManifestJson.Bytes(ManifestJson.OciManifest())];

        ManifestInvalidException error = ManifestJson.Refused(content);

        Assert.Equal(ManifestInvalidReason.InvalidJson, error.Reason);
        Assert.Contains("byte order mark", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("schemaVersion", """{"schemaVersion":2,"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}""")]
    [InlineData("mediaType", """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"mediaType":"application/vnd.oci.image.manifest.v1+json"}""")]
    [InlineData("x.a", """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"x":{"a":1,"b":{"a":2},"a":3}}""")]
    [InlineData("annotations[\"k.1\"]", """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annotations":{"k.1":"a","k.1":"b"}}""")]
    [InlineData("manifests", """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"manif\u0065sts":[]}""")]
    public void Duplicate_keys_are_refused_anywhere(string path, string json)
    {
        ManifestInvalidException error = ManifestJson.Refused(json);

        Assert.Equal(ManifestInvalidReason.DuplicateKey, error.Reason);
        Assert.Equal(path, error.JsonPath);
    }

    [Fact]
    public void A_duplicate_key_in_a_descriptor_is_refused_with_its_path()
    {
        string layer = ManifestJson.Layer.Replace("\"size\":10", "\"size\":10,\"digest\":\"" + ManifestJson.OtherDigest + "\"", StringComparison.Ordinal);

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(ManifestJson.Layer + "," + layer));

        Assert.Equal(ManifestInvalidReason.DuplicateKey, error.Reason);
        Assert.Equal("layers[1].digest", error.JsonPath);
    }

    [Fact]
    public void The_same_key_in_different_objects_is_fine()
    {
        ParsedManifest parsed = ManifestParser.Parse(ManifestJson.Bytes(ManifestJson.OciManifest()));

        Assert.Equal(3, ((ImageManifest)parsed.Manifest).Layers.Length);
    }

    [Theory]
    [InlineData("/* comment */")]
    [InlineData("// comment\n")]
    public void Comments_are_refused(string comment)
    {
        Assert.Equal(ManifestInvalidReason.InvalidJson, ManifestJson.Refused(comment + ManifestJson.OciManifest()).Reason);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],}""")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"x":[1,2,]}""")]
    public void Trailing_commas_are_refused(string json)
    {
        Assert.Equal(ManifestInvalidReason.InvalidJson, ManifestJson.Refused(json).Reason);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("x")]
    [InlineData("\0")]
    public void Content_after_the_object_is_refused(string trailer)
    {
        Assert.Equal(ManifestInvalidReason.InvalidJson, ManifestJson.Refused(ManifestJson.OciManifest() + trailer).Reason);
    }

    [Theory]
    [InlineData(" \n\t\r ")]
    [InlineData("\n")]
    public void Whitespace_around_the_object_is_valid_JSON_and_part_of_the_digest(string space)
    {
        byte[] plain = ManifestJson.Bytes(ManifestJson.OciManifest());
        byte[] spaced = ManifestJson.Bytes(space + ManifestJson.OciManifest() + space);

        ParsedManifest a = ManifestParser.Parse(plain);
        ParsedManifest b = ManifestParser.Parse(spaced);

        Assert.Equal(a.Manifest, b.Manifest);
        Assert.NotEqual(a.Digest, b.Digest);
    }

    [Theory]
    [InlineData("{'schemaVersion':2}")]
    [InlineData("{\"schemaVersion\":NaN}")]
    [InlineData("{\"schemaVersion\":02}")]
    [InlineData("{\"schemaVersion\":2 \"mediaType\":\"x/y\"}")]
    [InlineData("{\"a\":\"unterminated}")]
    [InlineData("{\"a\":\"bad \\x escape\"}")]
    [InlineData("{\"a\":\"raw\ttab\"}")]
    public void Malformed_JSON_is_refused(string json)
    {
        Assert.Equal(ManifestInvalidReason.InvalidJson, ManifestJson.Refused(json).Reason);
    }

    [Fact]
    public void An_escaped_lone_surrogate_in_a_known_string_is_refused_with_its_path()
    {
        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(extra: ",\"annotations\":{\"k\":\"\\ud800\"}"));

        Assert.Equal(ManifestInvalidReason.InvalidJson, error.Reason);
        Assert.Equal("annotations.k", error.JsonPath);
    }

    [Fact]
    public void An_escaped_lone_surrogate_in_a_key_is_refused()
    {
        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(extra: ",\"\\udc00\":1"));

        Assert.Equal(ManifestInvalidReason.InvalidJson, error.Reason);
    }

    [Fact]
    public void A_mediaType_of_the_wrong_type_is_a_type_error_not_a_missing_media_type()
    {
        ManifestInvalidException error = ManifestJson.Refused("""{"schemaVersion":2,"mediaType":5,"manifests":[]}""");

        Assert.Equal(ManifestInvalidReason.WrongType, error.Reason);
        Assert.Equal("mediaType", error.JsonPath);
    }

    [Fact]
    public void Random_bytes_never_escape_as_another_exception()
    {
        var random = new Random(20260301);
        for (int i = 0; i < 2_000; i++)
        {
            byte[] bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);

            bool parsed = ManifestParser.TryParse(bytes, out _, out ManifestInvalidException? error);

            Assert.False(parsed);
            Assert.NotNull(error);
        }
    }

    [Fact]
    public void Long_values_are_cut_in_messages()
    {
        string longDigest = "sha256:" + new string('z', 10_000);

        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(
            ManifestJson.Layer.Replace(ManifestJson.LayerDigest, longDigest, StringComparison.Ordinal)));

        Assert.True(error.Message.Length < 1_000, error.Message);
        Assert.Contains("(10007 characters)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_in_values_are_escaped_in_messages()
    {
        ManifestInvalidException error = ManifestJson.Refused(ManifestJson.OciManifest(
            ManifestJson.Layer.Replace(ManifestJson.LayerDigest, "sha256:\\u001b[31m", StringComparison.Ordinal)));

        Assert.DoesNotContain('\u001b', error.Message);
        Assert.Contains("\\u001B[31m", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exception_has_the_standard_constructors_and_an_empty_default_shape()
    {
        var inner = new InvalidOperationException();

        var plain = new ManifestInvalidException();
        var withMessage = new ManifestInvalidException("boom");
        var withInner = new ManifestInvalidException("boom", inner);

        Assert.IsAssignableFrom<FormatException>(plain);
        Assert.Equal("boom", withMessage.Message);
        Assert.Same(inner, withInner.InnerException);
        Assert.Equal(ManifestInvalidReason.Unspecified, withMessage.Reason);
        Assert.Equal(string.Empty, withMessage.JsonPath);
        Assert.Equal(string.Empty, withMessage.Rule);
        Assert.Equal(-1, withMessage.ByteOffset);
        Assert.Null(withMessage.DeclaredMediaType);
        Assert.Null(withMessage.HintMediaType);
    }
}
