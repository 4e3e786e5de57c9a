using System.Diagnostics;

namespace TagImmutability.Tests.Policies.Engine;

/// <summary>Patterns: Harbor's doublestar globs, regular expressions with each product's anchoring and limits, creation-time validation.</summary>
public sealed class TagPatternTests
{
    [Theory]
    [InlineData("v*", "v1.2.3", true)]
    [InlineData("v*", "release", false)]
    [InlineData("v?.0", "v1.0", true)]
    [InlineData("v?.0", "v10.0", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("[a-c]x", "dx", false)]
    [InlineData("[!a-c]x", "dx", true)]
    [InlineData("[^a-c]x", "ax", false)]
    [InlineData("{latest,stable}", "stable", true)]
    [InlineData("{latest,stable}", "stable2", false)]
    [InlineData("release-{a,b{1,2}}", "release-b2", true)]
    [InlineData("release-{a,b{1,2}}", "release-b3", false)]
    [InlineData("v\\*", "v*", true)]
    [InlineData("v\\*", "v1", false)]
    [InlineData("*-rc*", "1.0-rc2", true)]
    [InlineData("{,dev-}x", "x", true)]
    public void Harbor_doublestar_tag_patterns_match_whole_tags(string pattern, string tag, bool expected) =>
        Assert.Equal(expected, TagPattern.Doublestar(pattern).IsMatch(tag));

    [Theory]
    [InlineData("*", "app", true)]
    [InlineData("*", "team/app", false)]
    [InlineData("**", "team/sub/app", true)]
    [InlineData("team/*", "team/app", true)]
    [InlineData("team/*", "team/sub/app", false)]
    [InlineData("team/**", "team/sub/app", true)]
    [InlineData("**/app", "app", true)]
    [InlineData("**/app", "a/b/app", true)]
    [InlineData("**/app", "a/bapp", false)]
    [InlineData("a?c", "a/c", false)]
    [InlineData("a[/]c", "a/c", false)]
    public void Harbor_doublestar_star_stays_within_a_path_segment_and_double_star_crosses_it(string pattern, string repository, bool expected) =>
        Assert.Equal(expected, TagPattern.Doublestar(pattern).IsMatch(repository));

    [Fact]
    public void Harbor_empty_pattern_matches_everything() =>
        Assert.Same(TagPattern.Any, TagPattern.Doublestar(string.Empty));

    [Fact]
    public void Harbor_comma_lists_split_into_independent_patterns_outside_braces()
    {
        var list = TagPattern.DoublestarList("v*,{latest,stable},[,]x");
        Assert.Equal(["v*", "{latest,stable}", "[,]x"], list.Select(p => p.Text));
        Assert.True(list[1].IsMatch("stable"));
        Assert.True(list[2].IsMatch(",x"));
        // Each item alone: "v*" does not swallow "latest" and vice versa
        Assert.False(list[0].IsMatch("latest"));
        Assert.False(list[1].IsMatch("v1"));
    }

    [Theory]
    [InlineData("v[1-", 1)]
    [InlineData("{a,b", 0)]
    [InlineData("a}", 1)]
    [InlineData("x[]", 1)]
    [InlineData("[z-a]", 1)]
    [InlineData("abc\\", 3)]
    public void Broken_globs_are_rejected_at_creation_naming_rule_pattern_and_index(string pattern, int index)
    {
        var error = Assert.Throws<InvalidTagPatternException>(() => TagPattern.Doublestar(pattern, "release"));
        Assert.Equal(index, error.Index);
        Assert.Equal("rule 'release' pattern", error.Field);
        Assert.Contains("doublestar", error.Rule, StringComparison.Ordinal);
        Assert.Contains("rule 'release'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_item_of_a_comma_list_is_reported_at_its_index_in_the_list()
    {
        var error = Assert.Throws<InvalidTagPatternException>(() => ImmutabilityRule.Harbor("h1", "**", "v*,[x"));
        Assert.Equal(3, error.Index);
        Assert.Contains("rule 'h1'", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidTagPatternException>(() => TagPattern.DoublestarList("a,,b"));
    }

    [Fact]
    public void Brace_expansion_is_bounded()
    {
        string bomb = string.Concat(Enumerable.Repeat("{a,b}", 20));
        Assert.Throws<InvalidTagPatternException>(() => TagPattern.Doublestar(bomb));
        Assert.Throws<InvalidTagPatternException>(() => TagPattern.Doublestar(new string('a', 1025)));
        Assert.Throws<InvalidTagPatternException>(() => TagPattern.Doublestar(string.Concat(Enumerable.Repeat("{,}", 40))));
        Assert.Throws<InvalidTagPatternException>(() => TagPattern.Doublestar(string.Concat(Enumerable.Repeat("**/", 40))));
        Assert.True(TagPattern.Doublestar("**/**/x").IsMatch("x"));
    }

    [Fact]
    public void Hostile_globs_match_in_bounded_time()
    {
        TagPattern pattern = TagPattern.Doublestar(string.Concat(Enumerable.Repeat("*a", 60)) + "b");
        string tag = new('a', 300);
        var watch = Stopwatch.StartNew();
        Assert.False(pattern.IsMatch(tag));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
    }

    [Theory]
    [InlineData("^v[0-9]+$", "v12", true)]
    [InlineData("^v[0-9]+$", "xv12", false)]
    [InlineData("v[0-9]+", "xv12-dev", true)]
    [InlineData("stable", "unstable", true)]
    public void GitLab_patterns_are_unanchored(string pattern, string tag, bool expected) =>
        Assert.Equal(expected, TagPattern.GitLab(pattern).IsMatch(tag));

    [Theory]
    [InlineData("v[0-9]+", "v12", true)]
    [InlineData("v[0-9]+", "xv12", false)]
    [InlineData("v[0-9]+", "v12-dev", false)]
    [InlineData("a|b", "ab", false)]
    [InlineData("a|b", "b", true)]
    public void Quay_patterns_must_match_the_whole_tag(string pattern, string tag, bool expected) =>
        Assert.Equal(expected, TagPattern.Quay(pattern).IsMatch(tag));

    [Fact]
    public void Quay_full_match_cannot_be_escaped_by_unbalanced_groups() =>
        Assert.Throws<InvalidTagPatternException>(() => TagPattern.Quay("a)|(b"));

    [Fact]
    public void GitLab_patterns_are_limited_to_100_characters_and_Quay_to_256()
    {
        Assert.Equal("x", TagPattern.GitLab(new string('x', 100)).Text[..1]);
        Assert.Throws<InvalidTagPatternException>(() => TagPattern.GitLab(new string('x', 101)));
        _ = TagPattern.Quay(new string('x', 256));
        Assert.Throws<InvalidTagPatternException>(() => TagPattern.Quay(new string('x', 257)));
    }

    [Theory]
    [InlineData("(a)\\1")]
    [InlineData("v(?=1)")]
    [InlineData("(?<!x)v")]
    [InlineData("(?>a+)")]
    public void Constructs_outside_RE2_and_the_non_backtracking_engine_are_rejected_at_creation(string pattern)
    {
        var error = Assert.Throws<InvalidTagPatternException>(() => TagPattern.Regex(pattern, RegexAnchoring.FullMatch, ruleId: "q"));
        Assert.Equal("rule 'q' regular expression", error.Field);
    }

    [Fact]
    public void RE2_named_groups_are_accepted()
    {
        Assert.True(TagPattern.Quay(@"v(?P<major>[0-9]+)\.[0-9]+").IsMatch("v1.2"));
        Assert.False(TagPattern.Quay(@"v(?P<major>[0-9]+)\.[0-9]+").IsMatch("v1.x"));
        // Escaped or inside a class, "(?P<" is not a group and stays literal.
        Assert.True(TagPattern.GitLab(@"\(?P<").IsMatch("P<"));
        Assert.True(TagPattern.Quay(@"[(?P<]+").IsMatch("P<?("));
    }

    [Fact]
    public void A_regex_syntax_error_names_its_index()
    {
        var error = Assert.Throws<InvalidTagPatternException>(() => TagPattern.GitLab("v[0-9"));
        Assert.InRange(error.Index, 0, 4);
        Assert.Contains("v[0-9", error.Input, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_regular_expressions_run_in_linear_time()
    {
        TagPattern pattern = TagPattern.Quay("(a+)+$");
        var watch = Stopwatch.StartNew();
        Assert.False(pattern.IsMatch(new string('a', 120) + "!"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
    }

    [Fact]
    public void Ecr_wildcards_keep_their_semantics()
    {
        TagPattern pattern = TagPattern.Wildcard(TagFilter.Parse("dev-*"));
        Assert.True(pattern.IsMatch("dev-1"));
        Assert.False(pattern.IsMatch("xdev-1"));
        Assert.Throws<ArgumentException>(() => TagPattern.Wildcard(default));
    }

    [Fact]
    public void Patterns_have_value_equality()
    {
        Assert.Equal(TagPattern.Quay("a"), TagPattern.Quay("a"));
        Assert.NotEqual(TagPattern.Quay("a"), TagPattern.GitLab("a"));
        Assert.True(TagPattern.Doublestar("a") == TagPattern.Doublestar("a"));
        Assert.True(TagPattern.Doublestar("a") != TagPattern.Doublestar("b"));
    }
}
