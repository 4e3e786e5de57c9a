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

public sealed class ImageReferenceRoundTripGuards
{
    [Fact]
    public void A_registry_that_does_not_look_like_a_host_is_refused()
    {
        // "myregistry/team/app:v1" would read back as a Docker Hub path
        ArgumentException error = Assert.Throws<ArgumentException>(() => new ImageReference("myregistry", RepositoryName.Parse("team/app"), Tag.Parse("v1"), null));
        Assert.Equal("registry", error.ParamName);
        Assert.Equal("myregistry:5000/team/app", new ImageReference("myregistry:5000", RepositoryName.Parse("team/app"), null, null).ToString());
    }

    [Fact]
    public void Ecr_only_tags_and_names_are_refused_because_references_use_the_oci_grammar()
    {
        RepositoryName app = RepositoryName.Parse("app");
        Assert.Equal("tag", Assert.Throws<ArgumentException>(() => new ImageReference(null, app, Tag.Parse("-rc1", GrammarProfile.Ecr), null)).ParamName);
        Assert.Equal("tag", Assert.Throws<ArgumentException>(() => new ImageReference(null, app, Tag.Parse(new string('a', 200), GrammarProfile.Ecr), null)).ParamName);
        Assert.Equal("repository", Assert.Throws<ArgumentException>(() => new ImageReference("a.com", RepositoryName.Parse(new string('r', 256), GrammarProfile.Ecr), null, null)).ParamName);
    }

    [Theory]
    // the length in the message is the part's, not the whole reference's
    [InlineData("repo@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "in the digest, it is 70 characters long")]
    [InlineData("a.com/b:t@sha256:zz", "in the digest, it is 9 characters long")]
    public void Errors_in_a_part_measure_the_part(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void Errors_in_a_part_give_the_part_s_rule()
    {
        InvalidReferenceException tag = Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse("repo:" + new string('t', 129)));
        Assert.Contains("in the tag, it is 129 characters long", tag.Message, StringComparison.Ordinal);
        Assert.EndsWith("it must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127} (OCI distribution-spec, tag grammar)", tag.Message, StringComparison.Ordinal);
        Assert.Contains("OCI distribution-spec, tag grammar", tag.Rule, StringComparison.Ordinal);

        InvalidReferenceException path = Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse("registry.example.org:5000/" + new string('a', 256)));
        Assert.Contains("it is 256 characters long", path.Message, StringComparison.Ordinal);
        Assert.Contains("repository name grammar", path.Rule, StringComparison.Ordinal);

        InvalidReferenceException host = Assert.Throws<InvalidReferenceException>(() => ImageReference.Parse("foo-.com/repo"));
        Assert.Contains("distribution/reference domain grammar", host.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void A_64_hex_name_is_an_image_id_to_docker_hub()
    {
        ImageReference reference = ImageReference.Parse(new string('0', 64));
        InvalidReferenceException error = Assert.Throws<InvalidReferenceException>(() => reference.NormalizeDockerHub());
        Assert.Contains("image id", error.Message, StringComparison.Ordinal);
        Assert.Equal("ghcr.io/" + new string('0', 64) + ":latest", ImageReference.Parse("ghcr.io/" + new string('0', 64)).NormalizeDockerHub().ToString());
    }
}
