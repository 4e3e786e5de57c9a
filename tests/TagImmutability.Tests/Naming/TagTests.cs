using TagImmutability.Tests.Generators;

namespace TagImmutability.Tests.Naming;

public sealed class TagTests
{
    [Fact]
    public void Parse_keeps_the_string_instance()
    {
        string text = "v1.2.3";
        Assert.Same(text, Tag.Parse(text).Value);
        Assert.True(Tag.TryParse(text, out Tag tag));
        Assert.Same(text, tag.Value);
    }

    [Fact]
    public void Tags_are_case_sensitive()
    {
        Assert.NotEqual(Tag.Parse("Latest"), Tag.Parse("latest"));
        Assert.True(Tag.Parse("Latest") < Tag.Parse("latest"));
    }

    [Fact]
    public void Default_is_not_a_tag()
    {
        Tag tag = default;
        Assert.True(tag.IsDefault);
        Assert.Equal(string.Empty, tag.Value);
        Assert.Equal(0, tag.Length);
        Assert.True(tag < Tag.Parse("a"));
        Assert.Equal(0, tag.GetHashCode());
    }

    [Fact]
    public void Error_names_the_field_the_input_the_index_and_the_rule()
    {
        InvalidTagException error = Assert.Throws<InvalidTagException>(() => Tag.Parse("Latest!"));
        Assert.Equal("tag 'Latest!' is invalid at index 6: character '!' is not allowed; it must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127} (OCI distribution-spec, tag grammar)", error.Message);
        Assert.Equal("tag", error.Field);
        Assert.Equal(6, error.Index);
    }

    [Fact]
    public void Ecr_error_gives_the_ecr_rule()
    {
        InvalidTagException error = Assert.Throws<InvalidTagException>(() => Tag.Parse("a b", GrammarProfile.Ecr));
        Assert.Contains("[a-zA-Z0-9_.-]{1,300} (Amazon ECR imageTag)", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Index);
    }

    [Fact]
    public void An_undefined_profile_is_an_argument_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tag.Parse("a", (GrammarProfile)7));
        Assert.False(Tag.TryParse("a", (GrammarProfile)7, out _));
        Assert.False(Tag.IsValid("a", (GrammarProfile)7));
    }

    [Fact]
    public void Null_input()
    {
        Assert.Throws<ArgumentNullException>(() => Tag.Parse((string)null!));
        Assert.False(Tag.TryParse((string?)null, out _));
        Assert.False(Tag.TryParse((string?)null, GrammarProfile.Ecr, out _));
    }

    [Property]
    public Property Oci_tags_round_trip() =>
        Prop.ForAll(Arbitraries.OciTagText.ToArbitrary(), text => ParsingContract.RoundTrips(Tag.Parse(text)) && Tag.Parse(text).Value == text);

    [Property]
    public Property Ecr_tags_are_valid_in_the_ecr_profile() =>
        Prop.ForAll(Arbitraries.EcrTagText.ToArbitrary(), text => Tag.IsValid(text, GrammarProfile.Ecr) && Tag.Parse(text, GrammarProfile.Ecr).Value == text);

    [Property]
    public Property Every_oci_tag_is_an_ecr_tag() =>
        Prop.ForAll(Arbitraries.OciTagText.ToArbitrary(), text => Tag.IsValid(text, GrammarProfile.Ecr));

    [Property]
    public Property Overloads_agree_on_any_text() =>
        Prop.ForAll(Arbitraries.AnyText.ToArbitrary(), ParsingContract.Agrees<Tag, InvalidTagException>);

    [Property]
    public Property Ecr_profile_overloads_agree_on_any_text() =>
        Prop.ForAll(
            Arbitraries.AnyText.ToArbitrary(),
            text =>
            {
                bool valid = Tag.TryParse(text, GrammarProfile.Ecr, out _);
                Assert.Equal(valid, Tag.TryParse(text.AsSpan(), GrammarProfile.Ecr, out _));
                Assert.Equal(valid, Tag.TryParse(System.Text.Encoding.UTF8.GetBytes(text), GrammarProfile.Ecr, out _));
                Assert.Equal(valid, Tag.IsValid(text, GrammarProfile.Ecr));
                Exception? error = Record.Exception(() => Tag.Parse(text, GrammarProfile.Ecr));
                return valid ? error is null : error is InvalidTagException;
            });

    [Property]
    public Property Any_non_ascii_character_is_rejected_in_both_profiles() =>
        Prop.ForAll(
            Arbitraries.OciTagText.ToArbitrary(),
            ArbMap.Default.ArbFor<int>(),
            Gen.Elements(Arbitraries.NonAscii).ToArbitrary(),
            (text, seed, c) =>
            {
                string bad = Arbitraries.InsertAt(text, seed, c);
                return !Tag.IsValid(bad, GrammarProfile.Oci) && !Tag.IsValid(bad, GrammarProfile.Ecr);
            });

    [Property]
    public Property Equality_and_order_are_ordinal() =>
        Prop.ForAll(
            Arbitraries.OciTagText.ToArbitrary(),
            Arbitraries.OciTagText.ToArbitrary(),
            (x, y) =>
            {
                Tag a = Tag.Parse(x), b = Tag.Parse(y);
                return ParsingContract.KeepsEqualityContract(a, b)
                    && (a == b) == (x == y)
                    && (a != b) == (x != y)
                    && Math.Sign(a.CompareTo(b)) == Math.Sign(string.CompareOrdinal(x, y))
                    && (a < b) == (string.CompareOrdinal(x, y) < 0)
                    && (a >= b) == (string.CompareOrdinal(x, y) >= 0);
            });
}

public sealed class QuotingTests
{
    [Fact]
    public void Quote_and_backslash_are_escaped_so_the_quoted_input_is_unambiguous()
    {
        Assert.Equal("a\\u000A", Assert.Throws<InvalidTagException>(() => Tag.Parse("a\n")).Input);
        Assert.Equal("a\\u005Cu000A", Assert.Throws<InvalidTagException>(() => Tag.Parse("a\\u000A")).Input);
        InvalidTagException quote = Assert.Throws<InvalidTagException>(() => Tag.Parse("a'b c"));
        Assert.Equal("a\\u0027b c", quote.Input);
        Assert.Contains("character '\\u0027' is not allowed", quote.Message, StringComparison.Ordinal);
    }
}
