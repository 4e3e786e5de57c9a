using System.Text;
using System.Text.RegularExpressions;
using TagImmutability.Tests.Generators;
using TagImmutability.Tests.Manifests;

namespace TagImmutability.Tests.Fuzzing;

/// <summary>
/// Mutation fuzzing of the value-type parsers, the tag patterns and the manifest parser: valid inputs damaged by one to
/// four hostile mutations (<see cref="Mutations"/>), fed to the UTF-8 overloads as raw bytes (invalid UTF-8 included)
/// and to the string overloads as leniently decoded text. Only the documented exception comes out, the overloads
/// agree, and nothing hangs. The grammar tests elsewhere cover arbitrary text; these start from near-valid inputs,
/// which reach deeper into each parser.
/// </summary>
public sealed class ParserFuzzTests
{
    private const string Sha256 = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    private static Arbitrary<(int Seed, Mutation[] Mutations)> Damaged(int seeds) =>
        Gen.Zip(Gen.Choose(0, seeds - 1), Mutations.Mutations1To4).ToArbitrary();

    private static Property Fuzz<T, TException>(string[] seeds)
        where T : ISpanParsable<T>, IUtf8SpanParsable<T>, ISpanFormattable, IUtf8SpanFormattable, IEquatable<T>
        where TException : GrammarException =>
        Prop.ForAll(Damaged(seeds.Length), input =>
        {
            byte[] bytes = Mutations.Apply(Encoding.UTF8.GetBytes(seeds[input.Seed]), input.Mutations);
            HostileInput.Survives(() => T.Parse(bytes, null), typeof(TException));
            Assert.Equal(HostileInput.Survives(() => T.Parse(bytes, null), typeof(TException)), T.TryParse(bytes, null, out _));
            return ParsingContract.Agrees<T, TException>(Mutations.Lenient(bytes));
        });

    [Property(MaxTest = 500, QuietOnSuccess = true)]
    public Property Digests() => Fuzz<Digest, InvalidDigestException>([Sha256, "sha512:" + new string('a', 128), "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564"]);

    [Property(MaxTest = 500, QuietOnSuccess = true)]
    public Property Tags() => Fuzz<Tag, InvalidTagException>(["latest", "v1.2.3", "_x", new string('a', 128)]);

    [Property(MaxTest = 500, QuietOnSuccess = true)]
    public Property Ecr_tags() =>
        Prop.ForAll(Damaged(3), input =>
        {
            string[] seeds = [".hidden", new string('a', 300), "v1"];
            byte[] bytes = Mutations.Apply(Encoding.UTF8.GetBytes(seeds[input.Seed]), input.Mutations);
            bool parsed = HostileInput.Survives(() => Tag.Parse(bytes, GrammarProfile.Ecr), typeof(InvalidTagException));
            Assert.Equal(parsed, Tag.TryParse(bytes, GrammarProfile.Ecr, out _));
            Assert.Equal(parsed, HostileInput.Survives(() => Tag.Parse(Mutations.Lenient(bytes), GrammarProfile.Ecr), typeof(InvalidTagException)));
        });

    [Property(MaxTest = 500, QuietOnSuccess = true)]
    public Property Repository_names() => Fuzz<RepositoryName, InvalidRepositoryNameException>(["team/app", "a/b/c", "library/alpine", "x__y.z--w"]);

    [Property(MaxTest = 500, QuietOnSuccess = true)]
    public Property References() => Fuzz<ImageReference, InvalidReferenceException>(
        ["docker.io/library/alpine:3.20@" + Sha256, "localhost:5000/a/b:tag", "[::1]:5000/x@" + Sha256, "alpine", "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1"]);

    [Property(MaxTest = 500, QuietOnSuccess = true)]
    public Property Media_types() => Fuzz<MediaType, InvalidMediaTypeException>(["application/vnd.oci.image.manifest.v1+json", "text/plain; charset=utf-8", "application/vnd.docker.distribution.manifest.list.v2+json"]);

    [Property(MaxTest = 500, QuietOnSuccess = true)]
    public Property Tag_filters() => Fuzz<TagFilter, InvalidTagFilterException>(["latest", "dev-*", "*a*b*", "*"]);

    private static readonly string[] MatchedNames = ["latest", "v1.2.3", "release/1.0", "a/b/c", string.Empty, new string('a', 5000) + "b"];

    [Property(MaxTest = 500, QuietOnSuccess = true)]
    public Property Tag_patterns_of_every_kind() =>
        Prop.ForAll(
            (from seed in Gen.Choose(0, 7) from kind in Gen.Choose(0, 5) from mutations in Mutations.Mutations1To4 select (seed, kind, mutations)).ToArbitrary(),
            input =>
            {
                string[] seeds = ["release/**", "v{1,2}.*", "[a-z]*[!0-9]", "\\*lit", "^v[0-9]+$", "(a|b)*c", "v(?P<m>[0-9]+)\\.x", "[[:alpha:]]+"];
                string text = Mutations.Lenient(Mutations.Apply(Encoding.UTF8.GetBytes(seeds[input.Item1]), input.Item3));
                Func<string, TagPattern> create = input.Item2 switch
                {
                    0 => t => TagPattern.Doublestar(t),
                    1 => t => TagPattern.GitLab(t),
                    2 => t => TagPattern.Quay(t),
                    3 => t => TagPattern.DockerHub(t),
                    4 => t => TagPattern.Regex(t, RegexAnchoring.FullMatch),
                    _ => t => TagPattern.DoublestarList(t).FirstOrDefault() ?? TagPattern.Any,
                };
                TagPattern? pattern = null;
                HostileInput.Survives(() => pattern = create(text), typeof(InvalidTagPatternException));
                foreach (string name in MatchedNames)
                {
                    // The only documented failure of a match is the regex timeout, which the engine turns into a denial.
                    HostileInput.Survives(() => pattern?.IsMatch(name), typeof(RegexMatchTimeoutException));
                }
            });

    [Property(MaxTest = 800, QuietOnSuccess = true)]
    public Property Manifests() =>
        Prop.ForAll(
            Gen.Zip(Gen.Choose(0, ManifestCorpus.Valid.Count - 1), Mutations.Mutations1To4).ToArbitrary(),
            input =>
            {
                (string file, string? hint) = ManifestCorpus.Valid[input.Item1];
                byte[] bytes = Mutations.Apply(ManifestCorpus.Read(file), input.Item2);
                ParsedManifest? parsed = null;
                HostileInput.Survives(() => parsed = ManifestParser.Parse(bytes, hint), typeof(ManifestInvalidException));
                Assert.Equal(parsed is not null, ManifestParser.TryParse(bytes, hint, null, out _, out _));
                if (parsed is not null)
                {
                    // Whatever is accepted is hashed over exactly the bytes given.
                    Assert.Equal(Digest.Compute(bytes), parsed.Digest);
                    Assert.Equal(bytes.Length, parsed.SizeInBytes);
                }
            });

    [Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property Manifests_pushed_to_a_registry_get_only_registry_errors() =>
        Prop.ForAll(
            (from seed in Gen.Choose(0, ManifestCorpus.Valid.Count - 1) from mutations in Mutations.Mutations1To4 from tag in Gen.Elements<string?>(null, "latest", "v1") select (seed, mutations, tag)).ToArbitrary(),
            input =>
            {
                (string file, string? hint) = ManifestCorpus.Valid[input.Item1];
                byte[] bytes = Mutations.Apply(ManifestCorpus.Read(file), input.Item2);
                var registry = new Registry();
                RepositoryName app = RepositoryName.Parse("team/app");
                registry.CreateRepository(app, TagMutabilityPolicy.Immutable);
                MediaType? mediaType = hint is null ? null : MediaType.Parse(hint);
                Tag? tag = input.Item3 is null ? null : Tag.Parse(input.Item3);
                HostileInput.Survives(() => registry.PutImage(app, bytes, tag, mediaType), typeof(RegistryException));
                foreach (ImageDetail image in registry.DescribeImages(app))
                {
                    Assert.Equal(Digest.Compute(image.Manifest.Span), image.Digest);
                }
            });
}
