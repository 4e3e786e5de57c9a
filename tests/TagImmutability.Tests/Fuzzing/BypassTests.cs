using System.Text;
using TagImmutability.Tests.Registries;
using TagImmutability.Tests.Registries.Model;
using TestManifests = TagImmutability.Tests.Registries.Manifests;

namespace TagImmutability.Tests.Fuzzing;

/// <summary>
/// No look-alike gets around an immutable tag or into an exclusion: case variants, Unicode look-alikes (fullwidth
/// letters, Kelvin sign, dotless i, long s, combining marks), invisible characters (zero-width space, NUL, control
/// characters), padding and JSON escapes, through the registry and through the ECR JSON API. Every attempt is either
/// refused as an invalid tag, refused as immutable, or creates a different, new tag; the protected tag keeps its digest.
/// </summary>
public sealed class BypassTests
{
    private static readonly RepositoryName App = RepositoryName.Parse("team/app");
    private static readonly ParsedManifest Original = TestManifests.Image("original", 1), Attacker = TestManifests.Image("attacker", 2);

    // team/app is IMMUTABLE_WITH_EXCLUSION [latest]: v1 is immutable, latest is not.
    private static Registry Protected()
    {
        var registry = new Registry();
        registry.CreateRepository(App, TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest")]));
        registry.Push("team/app", Original, "v1");
        return registry;
    }

    public static TheoryData<string> LookAlikesOfV1 =>
    [
        "V1", "v1 ", " v1", "v1\t", "v1\n", "v1\0", "v1\u200B", "\u200Bv1", "\uFF56\uFF11", "v\uFF11", "v\u0661", "v1\u0301",
        "v1.", "v1-", "v01", "\u2174", "v\u00B9", "v1\uFEFF", "v1\u00A0", "\u0475" + "1",
    ];

    [Theory]
    [MemberData(nameof(LookAlikesOfV1))]
    public void A_look_alike_of_an_immutable_tag_never_moves_it(string text)
    {
        Registry registry = Protected();

        if (Tag.TryParse(text, GrammarProfile.Ecr, out Tag tag))
        {
            // Valid: then it is another tag, created beside v1.
            Assert.NotEqual("v1", tag.Value);
            registry.PutImage(App, Attacker.Content, tag);
            Assert.Equal(Attacker.Digest, registry.Resolve("team/app", tag.Value));
        }
        else
        {
            Assert.Throws<InvalidTagException>(() => Tag.Parse(text, GrammarProfile.Ecr));
        }

        Assert.Equal(Original.Digest, registry.Resolve("team/app", "v1"));
        Assert.DoesNotContain(registry.GetHistory(App), e => e.Tag.Value == "v1" && e.Kind == TagEventKind.Moved);
    }

    public static TheoryData<string> LookAlikesOfLatest =>
    [
        "LATEST", "Latest", "latesT", "latest-", "-latest", "latest.", "latest_", "latest1", "xlatest", "lates", "latestlatest",
    ];

    [Theory]
    [MemberData(nameof(LookAlikesOfLatest))]
    public void A_look_alike_of_an_excluded_tag_is_not_excluded(string text)
    {
        // Exclusion filters match whole tags, case-sensitively: only 'latest' itself escapes immutability.
        TagMutabilityPolicy policy = TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest")]);
        Assert.Equal(TagMutabilityReason.ImmutableNotExcluded, policy.Rule(text).Reason);
        Assert.Equal(TagMutabilityReason.ImmutableExcludedByFilter, policy.Rule("latest").Reason);

        Registry registry = Protected();
        Tag tag = Tag.Parse(text, GrammarProfile.Ecr);
        registry.PutImage(App, Original.Content, tag);
        Assert.Throws<ImageTagAlreadyExistsException>(() => registry.PutImage(App, Attacker.Content, tag));
        Assert.Equal(Original.Digest, registry.Resolve("team/app", text));
    }

    [Theory]
    [InlineData("lateſt")] // long s, which upper-cases to S
    [InlineData("l\u0430test")] // Cyrillic a
    [InlineData("LATEST\u0131")]
    [InlineData("latest\u0000")]
    public void Non_ASCII_and_control_look_alikes_of_an_excluded_tag_are_not_tags(string text) =>
        Assert.False(Tag.TryParse(text, GrammarProfile.Ecr, out _));

    [Fact]
    public void Filters_are_case_sensitive_both_ways()
    {
        Assert.False(TagFilter.Parse("LATEST").IsMatch("latest"));
        Assert.False(TagFilter.Parse("latest").IsMatch("LATEST"));
        Assert.False(TagFilter.Parse("v*").IsMatch("V1"));
        Assert.False(TagFilter.TryParse("lateſt", out _));
        Assert.False(TagFilter.TryParse("\u212Aey*", out _)); // Kelvin sign, which lower-cases to k
    }

    [Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property No_case_variant_other_than_the_filter_itself_is_excluded() =>
        Prop.ForAll(
            Gen.ArrayOf(Gen.Elements(false, true), 6).ToArbitrary(),
            upper =>
            {
                string variant = new([.. "latest".Select((c, i) => upper[i] ? char.ToUpperInvariant(c) : c)]);
                TagMutabilityPolicy policy = TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest")]);
                return policy.IsImmutable(variant) == (variant != "latest");
            });

    public static TheoryData<string, string> EcrTagsForV1 => new()
    {
        // A JSON escape of the same text is the same tag: refused as immutable, not a way around it.
        { "v\\u0031", "ImageTagAlreadyExistsException" },
        { "\\u0076\\u0031", "ImageTagAlreadyExistsException" },
        { "v1", "ImageTagAlreadyExistsException" },
        // Anything else is another tag, or no tag at all.
        { "v1\\u0000", "InvalidParameterException" },
        { "v1\\u200b", "InvalidParameterException" },
        { "\\uff56\\uff11", "InvalidParameterException" },
        { "v1\\ud800", "SerializationException" },
        { "v1 ", "InvalidParameterException" },
        { "V1", "ok" },
    };

    [Theory]
    [MemberData(nameof(EcrTagsForV1))]
    public void Through_the_ECR_API_an_escaped_or_look_alike_tag_never_moves_an_immutable_one(string jsonTag, string expected)
    {
        Registry registry = Protected();
        string manifest = System.Text.Json.JsonSerializer.Serialize(Encoding.UTF8.GetString(Attacker.Content.Span));
        EcrResponse response = new EcrApi(registry).Invoke("PutImage", Encoding.UTF8.GetBytes($"{{\"repositoryName\":\"team/app\",\"imageTag\":\"{jsonTag}\",\"imageManifest\":{manifest}}}"));

        Assert.Equal(expected, response.IsSuccess ? "ok" : response.ErrorType);
        Assert.Equal(Original.Digest, registry.Resolve("team/app", "v1"));
    }

    [Theory]
    [InlineData("Team/App")]
    [InlineData("team/app ")]
    [InlineData("team\\u2215app")]
    [InlineData("team//app")]
    [InlineData("team/app/")]
    public void A_look_alike_repository_name_is_not_another_repository_with_another_policy(string name)
    {
        Registry registry = Protected();
        EcrResponse response = new EcrApi(registry).Invoke("CreateRepository", Encoding.UTF8.GetBytes($"{{\"repositoryName\":\"{name}\",\"imageTagMutability\":\"MUTABLE\"}}"));
        Assert.Equal("InvalidParameterException", response.ErrorType);
        Assert.Single(registry.DescribeRepositories());
    }
}
