using TagImmutability.Tests.Generators;

namespace TagImmutability.Tests.Policies;

/// <summary>ECR's WILDCARD exclusion filters: the grammar (ECR API reference) and whole-tag matching (decision Q5).</summary>
public sealed class TagFilterTests
{
    [Theory]
    // '*' matches any run of characters, including none
    [InlineData("dev-*", "dev-", true)]
    [InlineData("dev-*", "dev-123", true)]
    [InlineData("*", "anything", true)]
    [InlineData("**", "x", true)]
    [InlineData("*.dev", "feature.dev", true)]
    [InlineData("*.dev", ".dev", true)]
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "aXbYc", true)]
    [InlineData("a*b*c", "aXcYb", false)]
    [InlineData("a*a*a*a", "aaaa", true)]
    [InlineData("a*a*a*a", "aaa", false)]
    [InlineData("*ab*ab*", "abab", true)]
    [InlineData("*aab*", "aaab", true)]
    // the whole tag must match: no prefix or substring matching (moto's regex re.match deviates here)
    [InlineData("dev-*", "dev", false)]
    [InlineData("latest", "latest-2", false)]
    [InlineData("latest", "my-latest", false)]
    [InlineData("cache", "cache", true)]
    // '.' is literal, not a regex wildcard
    [InlineData("tagME.*", "tagME1", false)]
    [InlineData("tagME.*", "tagME.1", true)]
    [InlineData("v1.0", "v1x0", false)]
    // case-sensitive
    [InlineData("Latest", "latest", false)]
    [InlineData("release-*", "RELEASE-1", false)]
    public void Whole_tag_wildcard_matching(string filter, string tag, bool expected) =>
        Assert.Equal(expected, TagFilter.Parse(filter).IsMatch(tag));

    [Theory]
    [InlineData("a/b", 1)]
    [InlineData("bad tag", 3)]
    [InlineData("a?", 1)]
    [InlineData("[ab]", 0)]
    [InlineData("caf\u00E9", 3)]
    public void Characters_outside_the_filter_class_are_rejected(string text, int index)
    {
        InvalidTagFilterException error = Assert.Throws<InvalidTagFilterException>(() => TagFilter.Parse(text));
        Assert.Equal(index, error.Index);
        Assert.Contains("[0-9a-zA-Z._*-]{1,128}", error.Message, StringComparison.Ordinal);
        Assert.Equal("imageTagMutabilityExclusionFilters.filter", error.Field);
    }

    [Fact]
    public void Length_is_1_to_128()
    {
        Assert.True(TagFilter.TryParse(new string('*', 128), out _));
        Assert.False(TagFilter.TryParse(new string('a', 129), out _));
        Assert.False(TagFilter.TryParse(string.Empty, out _));
    }

    [Fact]
    public void Default_filter_matches_nothing() => Assert.False(default(TagFilter).IsMatch("x"));

    [Fact]
    public void Hostile_patterns_stay_fast_on_long_tags()
    {
        // Classic backtracking killers: many stars against a long near-miss. Each match is linear; 10,000 of them
        // would take minutes with exponential backtracking, and take milliseconds here.
        TagFilter filter = TagFilter.Parse(string.Concat(Enumerable.Repeat("*a", 63)) + "*b");
        string tag = new string('a', 300);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.False(filter.IsMatch(tag));
        }
    }

    [Property]
    public Property Matching_agrees_with_a_reference_regular_expression() =>
        Prop.ForAll(
            Arbitraries.StringOf("ab*", 1, 8).ToArbitrary(),
            Arbitraries.StringOf("ab", 0, 10).ToArbitrary(),
            (pattern, tag) =>
            {
                string regex = "^" + string.Concat(pattern.Select(c => c == '*' ? ".*" : c.ToString())) + "$";
                bool expected = System.Text.RegularExpressions.Regex.IsMatch(tag, regex, System.Text.RegularExpressions.RegexOptions.NonBacktracking);
                return TagFilter.Parse(pattern).IsMatch(tag) == expected;
            });

    [Property]
    public Property A_filter_without_stars_matches_exactly_itself() =>
        Prop.ForAll(
            Arbitraries.OciTagText.ToArbitrary(),
            Arbitraries.OciTagText.ToArbitrary(),
            (a, b) => TagFilter.Parse(a).IsMatch(b) == (a == b));

    [Property]
    public Property Overloads_agree_on_any_text() =>
        Prop.ForAll(Arbitraries.AnyText.ToArbitrary(), ParsingContract.Agrees<TagFilter, InvalidTagFilterException>);

    [Property]
    public Property Filters_round_trip() =>
        Prop.ForAll(Arbitraries.StringOf("abAZ09._*-", 1, 128).ToArbitrary(), text => ParsingContract.RoundTrips(TagFilter.Parse(text)));
}
