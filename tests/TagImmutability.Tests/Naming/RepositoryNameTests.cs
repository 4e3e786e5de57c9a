using TagImmutability.Tests.Generators;

namespace TagImmutability.Tests.Naming;

public sealed class RepositoryNameTests
{
    [Fact]
    public void Components_split_the_path()
    {
        Assert.Equal(["team", "app", "api"], RepositoryName.Parse("team/app/api").Components.AsEnumerable());
        Assert.Empty(default(RepositoryName).Components);
    }

    [Fact]
    public void Uppercase_error_says_names_are_lowercase()
    {
        InvalidRepositoryNameException error = Assert.Throws<InvalidRepositoryNameException>(() => RepositoryName.Parse("team/App"));
        Assert.Equal(5, error.Index);
        Assert.Contains("repository names are lowercase", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("repository name 'team/App' is invalid at index 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ecr_profile_gives_lengths_in_its_error()
    {
        InvalidRepositoryNameException error = Assert.Throws<InvalidRepositoryNameException>(() => RepositoryName.Parse("a", GrammarProfile.Ecr));
        Assert.Contains("shortest ECR repository name is 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 to 256 characters (Amazon ECR repositoryName)", error.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Undefined_profile_is_an_argument_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RepositoryName.Parse("ab", (GrammarProfile)(-1)));

    [Property]
    public Property Names_round_trip() =>
        Prop.ForAll(Arbitraries.RepositoryNameText.ToArbitrary(), text => ParsingContract.RoundTrips(RepositoryName.Parse(text)) && RepositoryName.Parse(text).Value == text);

    [Property]
    public Property Ecr_names_of_two_or_more_characters_are_valid_in_both_profiles() =>
        Prop.ForAll(
            Arbitraries.EcrRepositoryNameText.ToArbitrary(),
            text => RepositoryName.IsValid(text, GrammarProfile.Ecr) && RepositoryName.IsValid(text, GrammarProfile.Oci));

    [Property]
    public Property Overloads_agree_on_any_text() =>
        Prop.ForAll(Arbitraries.AnyText.ToArbitrary(), ParsingContract.Agrees<RepositoryName, InvalidRepositoryNameException>);

    [Property]
    public Property Any_non_ascii_character_is_rejected() =>
        Prop.ForAll(
            Arbitraries.RepositoryNameText.ToArbitrary(),
            ArbMap.Default.ArbFor<int>(),
            Gen.Elements(Arbitraries.NonAscii).ToArbitrary(),
            (text, seed, c) => !RepositoryName.IsValid(Arbitraries.InsertAt(text, seed, c), GrammarProfile.Oci)
                && !RepositoryName.IsValid(Arbitraries.InsertAt(text, seed, c), GrammarProfile.Ecr));

    [Property]
    public Property Uppercasing_any_letter_makes_the_name_invalid() =>
        Prop.ForAll(
            Arbitraries.RepositoryNameText.ToArbitrary(),
            text => text == text.ToUpperInvariant() || !RepositoryName.TryParse(text.ToUpperInvariant(), out _));

    [Property]
    public Property Equality_and_order_are_ordinal() =>
        Prop.ForAll(
            Arbitraries.RepositoryNameText.ToArbitrary(),
            Arbitraries.RepositoryNameText.ToArbitrary(),
            (x, y) =>
            {
                RepositoryName a = RepositoryName.Parse(x), b = RepositoryName.Parse(y);
                return ParsingContract.KeepsEqualityContract(a, b)
                    && (a == b) == (x == y)
                    && Math.Sign(a.CompareTo(b)) == Math.Sign(string.CompareOrdinal(x, y))
                    && (a <= b) == (string.CompareOrdinal(x, y) <= 0)
                    && (a > b) == (string.CompareOrdinal(x, y) > 0);
            });
}
