using TagImmutability.Tests.Generators;

namespace TagImmutability.Tests.MediaTypes;

public sealed class MediaTypeTests
{
    public static TheoryData<string, bool> Rows => new()
    {
        // RFC 6838 section 4.2: type "/" subtype, each restricted-name
        { "application/vnd.oci.image.manifest.v1+json", true },
        { "application/vnd.docker.distribution.manifest.list.v2+json", true },
        { "text/plain", true },
        { "a/b", true },
        { "application/x!#$&^_.+-", true },
        // restricted-name-first is ALPHA / DIGIT
        { "application/+json", false },
        { ".a/b", false },
        // both names are required, and only one '/'
        { "application", false },
        { "application/", false },
        { "/json", false },
        { "application/vnd/json", false },
        // parameters belong to headers, not to media types
        { "application/json; charset=utf-8", false },
        { "application/json;charset=utf-8", false },
        // at most 127 characters per name
        { "a/" + new string('b', 127), true },
        { "a/" + new string('b', 128), false },
        { new string('a', 128) + "/b", false },
        // ASCII only, no spaces
        { "application/caf\u00E9", false },
        { " application/json", false },
        { "", false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Media_type_grammar(string text, bool valid) => Assert.Equal(valid, MediaType.TryParse(text, out _));

    [Fact]
    public void Equality_ignores_ascii_case_and_keeps_the_text()
    {
        MediaType mixed = MediaType.Parse("Application/VND.OCI.Image.Manifest.v1+JSON");
        Assert.Equal(MediaType.OciImageManifest, mixed);
        Assert.True(mixed == MediaType.OciImageManifest);
        Assert.Equal(MediaType.OciImageManifest.GetHashCode(), mixed.GetHashCode());
        Assert.Equal("Application/VND.OCI.Image.Manifest.v1+JSON", mixed.Value);
    }

    [Fact]
    public void Parts_of_a_media_type()
    {
        MediaType type = MediaType.DockerManifestList;
        Assert.Equal("application", type.Type);
        Assert.Equal("vnd.docker.distribution.manifest.list.v2+json", type.Subtype);
        Assert.Equal("json", type.Suffix);
        Assert.Equal(string.Empty, MediaType.OciLayerTar.Suffix);
        Assert.Equal(string.Empty, default(MediaType).Type);
    }

    [Fact]
    public void Well_known_media_types_are_the_published_strings()
    {
        Assert.Equal("application/vnd.oci.image.index.v1+json", MediaType.OciImageIndex.Value);
        Assert.Equal("application/vnd.oci.empty.v1+json", MediaType.OciEmpty.Value);
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", MediaType.DockerManifestV2.Value);
        Assert.Equal("application/vnd.docker.container.image.v1+json", MediaType.DockerImageConfig.Value);
    }

    [Fact]
    public void Parameters_get_their_own_explanation()
    {
        InvalidMediaTypeException error = Assert.Throws<InvalidMediaTypeException>(() => MediaType.Parse("application/json; charset=utf-8"));
        Assert.Contains("parameters", error.Message, StringComparison.Ordinal);
        Assert.Equal(16, error.Index);
    }

    [Property]
    public Property Media_types_round_trip() =>
        Prop.ForAll(Arbitraries.MediaTypeText.ToArbitrary(), text => ParsingContract.RoundTrips(MediaType.Parse(text)));

    [Property]
    public Property Overloads_agree_on_any_text() =>
        Prop.ForAll(Arbitraries.AnyText.ToArbitrary(), ParsingContract.Agrees<MediaType, InvalidMediaTypeException>);

    [Property]
    public Property Equality_contract_holds() =>
        Prop.ForAll(
            Arbitraries.MediaTypeText.ToArbitrary(),
            Arbitraries.MediaTypeText.ToArbitrary(),
            (x, y) =>
            {
                MediaType a = MediaType.Parse(x), b = MediaType.Parse(y);
                return ParsingContract.KeepsEqualityContract(a, b)
                    && (a == b) == string.Equals(x, y, StringComparison.OrdinalIgnoreCase)
                    && (a != b) != (a == b);
            });
}
