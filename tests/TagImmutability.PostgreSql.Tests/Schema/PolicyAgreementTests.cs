using TagImmutability.PostgreSql.Tests.Infrastructure;

namespace TagImmutability.PostgreSql.Tests.Schema;

/// <summary>
/// The database's mutability rule (<c>tag_is_immutable</c>, which the triggers use) and the library's
/// (<see cref="TagMutabilityPolicy.IsImmutable"/>) agree on every policy and tag: a disagreement would let the database
/// refuse a legal write or allow an illegal one.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PolicyAgreementTests(PostgreSqlCluster cluster) : IAsyncLifetime
{
    private const string TagCharacters = "abcAB01_.-";
    private static readonly ImageTagMutability[] Modes =
        [ImageTagMutability.Mutable, ImageTagMutability.Immutable, ImageTagMutability.ImmutableWithExclusion, ImageTagMutability.MutableWithExclusion];

    private Sql _sql = null!;

    public async Task InitializeAsync() => _sql = await Sql.MigratedAsync(cluster, "agree");

    public async Task DisposeAsync() => await _sql.DisposeAsync();

    // Tags over a small alphabet (so filters often match), including '_' and '.', which LIKE and regexes treat specially.
    private static Gen<string> Tags =>
        Gen.Elements(TagCharacters.ToCharArray()).ArrayOf().Where(a => a.Length is >= 1 and <= 8).Select(a => new string(a));

    // Filters derived from a tag by replacing runs with '*' (so they match often), or mutated (so they often almost match).
    private static Gen<Func<string, string>> Derivations =>
        from stars in Gen.Choose(0, 8).ArrayOf()
        from mutate in Gen.Elements(false, false, true)
        from position in Gen.Choose(0, 7)
        from replacement in Gen.Elements("abcAB01_.-*".ToCharArray())
        select (Func<string, string>)(tag => Filter(tag, stars, mutate, position % tag.Length, replacement));

    private static string Filter(string tag, int[] stars, bool mutate, int position, char replacement)
    {
        char[] chars = tag.ToCharArray();
        if (mutate)
        {
            chars[position] = replacement;
        }

        foreach (int star in stars.Where(s => s < chars.Length))
        {
            chars[star] = '*';
        }

        return new string(chars);
    }

    private static Gen<(ImageTagMutability Mode, string[] Filters, string[] Tags)> Cases =>
        from mode in Gen.Elements(Modes)
        from seeds in Tags.ArrayOf().Where(a => a.Length is >= 1 and <= 5)
        from derivations in Derivations.ArrayOf().Where(a => a.Length == 5)
        from others in Tags.ArrayOf().Where(a => a.Length <= 10)
        select (mode, mode is ImageTagMutability.Mutable or ImageTagMutability.Immutable ? [] : seeds.Select((t, i) => derivations[i](t)).Distinct().ToArray(), seeds.Concat(others).Distinct().ToArray());

    [Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property The_database_and_the_library_agree_on_which_tags_are_immutable() =>
        Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var policy = TagMutabilityPolicy.Create(c.Mode, c.Filters.Select(TagFilter.Parse));
            List<object?[]> rows = _sql.RowsAsync(
                "SELECT t, tag_is_immutable($1, $2, t) FROM unnest($3::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n",
                TagMutabilityPolicy.EcrName(c.Mode),
                c.Filters,
                c.Tags).GetAwaiter().GetResult();
            string[] disagreements = [.. rows.Where(r => (bool)r[1]! != policy.IsImmutable((string)r[0]!)).Select(r => $"{r[0]}: database says {r[1]}")];
            return disagreements.Length == 0 ? true.ToProperty() : false.Label($"{policy}: {string.Join("; ", disagreements)}");
        });

    [Fact]
    public async Task The_property_sees_both_answers_under_every_exclusion_mode()
    {
        // Guards the generator: with filters derived from the tags, both outcomes occur often.
        var seen = new HashSet<(ImageTagMutability, bool)>();
        foreach ((ImageTagMutability mode, string[] filters, string[] tags) in Cases.Sample(300))
        {
            foreach (string tag in tags)
            {
                seen.Add((mode, TagMutabilityPolicy.Create(mode, filters.Select(TagFilter.Parse)).IsImmutable(tag)));
            }
        }

        Assert.Equal(6, seen.Count);
        Assert.True(await _sql.ScalarAsync<bool>("SELECT tag_is_immutable('IMMUTABLE_WITH_EXCLUSION', ARRAY['a_b*'], 'a_bcd') = false"));
    }
}
