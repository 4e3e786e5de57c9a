using TagImmutability.Tests.Generators;

namespace TagImmutability.Tests.Naming;

public sealed class ImageReferenceTests
{
    private const string Hex = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

    [Theory]
    // Docker Hub defaults (distribution/reference normalize.go): docker.io, library/, latest
    [InlineData("alpine", "docker.io/library/alpine:latest")]
    [InlineData("alpine:3.20", "docker.io/library/alpine:3.20")]
    [InlineData("bitnami/redis", "docker.io/bitnami/redis:latest")]
    [InlineData("docker.io/alpine", "docker.io/library/alpine:latest")]
    // the legacy host is the same registry
    [InlineData("index.docker.io/alpine", "docker.io/library/alpine:latest")]
    // a digest alone gains no tag
    [InlineData("alpine@sha256:" + Hex, "docker.io/library/alpine@sha256:" + Hex)]
    // other registries keep their one-component paths
    [InlineData("ghcr.io/app", "ghcr.io/app:latest")]
    [InlineData("localhost:5000/app:dev", "localhost:5000/app:dev")]
    public void NormalizeDockerHub_applies_docker_hub_defaults(string text, string expected) =>
        Assert.Equal(expected, ImageReference.Parse(text).NormalizeDockerHub().ToString());

    [Fact]
    public void Normalizing_is_idempotent_and_explicit()
    {
        ImageReference reference = ImageReference.Parse("alpine");
        Assert.Null(reference.Registry);
        Assert.Null(reference.Tag);
        ImageReference normal = reference.NormalizeDockerHub();
        Assert.Equal(normal, normal.NormalizeDockerHub());
        Assert.NotEqual(reference, normal);
    }

    [Fact]
    public void Normalizing_a_255_character_name_on_docker_hub_is_an_error()
    {
        ImageReference reference = ImageReference.Parse(new string('a', 255));
        InvalidReferenceException error = Assert.Throws<InvalidReferenceException>(() => reference.NormalizeDockerHub());
        Assert.Contains("longest repository name is 255", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_validates_its_parts()
    {
        RepositoryName name = RepositoryName.Parse("app");
        Assert.Throws<InvalidReferenceException>(() => new ImageReference("bad host", name, null, null));
        Assert.Throws<ArgumentException>(() => new ImageReference(null, default, null, null));
        Assert.Throws<ArgumentException>(() => new ImageReference(null, name, default(Tag), null));
        Assert.Throws<ArgumentException>(() => new ImageReference(null, name, null, default(Digest)));
        // "example.com/app" without a registry would read back as registry example.com
        ArgumentException ambiguous = Assert.Throws<ArgumentException>(() => new ImageReference(null, RepositoryName.Parse("example.com/app"), null, null));
        Assert.Contains("would read back as registry 'example.com'", ambiguous.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_is_not_a_reference()
    {
        ImageReference reference = default;
        Assert.True(reference.IsDefault);
        Assert.Equal(string.Empty, reference.ToString());
        Assert.Throws<InvalidOperationException>(() => reference.NormalizeDockerHub());
    }

    [Fact]
    public void Error_in_a_part_gives_the_index_in_the_whole_reference()
    {
        InvalidReferenceException error = Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse("registry.example/team/app:v1!"));
        Assert.Equal(28, error.Index);
        Assert.Contains("in the tag, character '!' is not allowed", error.Message, StringComparison.Ordinal);
    }

    [Property]
    public Property References_round_trip() => Prop.ForAll(Arbitraries.References.ToArbitrary(), ParsingContract.RoundTrips);

    [Property]
    public Property Overloads_agree_on_any_text() =>
        Prop.ForAll(Arbitraries.AnyText.ToArbitrary(), ParsingContract.Agrees<ImageReference, InvalidReferenceException>);

    [Property]
    public Property Equality_contract_holds() =>
        Prop.ForAll(
            Arbitraries.References.ToArbitrary(),
            Arbitraries.References.ToArbitrary(),
            (a, b) => ParsingContract.KeepsEqualityContract(a, b)
                && ParsingContract.KeepsEqualityContract(a, ImageReference.Parse(a.ToString()))
                && (a == b) == (a.ToString() == b.ToString())
                && (a != b) == !a.Equals(b));

    [Property]
    public Property Any_non_ascii_character_is_rejected() =>
        Prop.ForAll(
            Arbitraries.References.ToArbitrary(),
            ArbMap.Default.ArbFor<int>(),
            Gen.Elements(Arbitraries.NonAscii).ToArbitrary(),
            (reference, seed, c) => !ImageReference.TryParse(Arbitraries.InsertAt(reference.ToString(), seed, c), out _));
}
