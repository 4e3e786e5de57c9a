using System.Globalization;
using System.Text;

namespace TagImmutability.Benchmarks.Shared;

/// <summary>
/// Seeded sets of realistic, distinct tags: the shapes registries hold in the wild, mixed the way a busy CI repository
/// mixes them: semantic versions (<c>1.24.3</c>, <c>v2.0.0-rc.1</c>), commit tags (<c>sha-</c> and 7..12 hex digits),
/// dated build tags (<c>20261207-1532-build.4812</c>), and <c>latest</c>.
/// </summary>
/// <remarks>
/// The same seed gives the same tags in the same order on every run and machine (<see cref="Random"/> with a seed is
/// deterministic). Lengths run from 5 to 25 characters, so both sides of the tag index's 16-character inline prefix are
/// exercised. Thread safety: a generator is not thread-safe; the returned arrays are not shared.
/// </remarks>
public sealed class TagSets
{
    private static readonly string[] PreReleases = ["rc", "beta", "alpha"];
    private readonly Random _random;

    /// <summary>Creates a generator.</summary>
    /// <param name="seed">The seed; the same seed gives the same sequence.</param>
    public TagSets(int seed) => _random = new Random(seed);

    /// <summary>
    /// <paramref name="count"/> distinct tags, <c>latest</c> first, then about 35% semantic versions, 35% commit tags
    /// and 30% dated build tags in random order.
    /// </summary>
    /// <param name="count">How many tags; at least 1.</param>
    /// <returns>The tags; every one valid in the OCI and ECR tag grammars.</returns>
    public static string[] Create(int count, int seed = 20261207)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var generator = new TagSets(seed);
        var seen = new HashSet<string>(count, StringComparer.Ordinal) { "latest" };
        var tags = new string[count];
        tags[0] = "latest";
        int filled = 1;
        while (filled < count)
        {
            string tag = generator.Next();
            if (seen.Add(tag))
            {
                tags[filled++] = tag;
            }
        }

        return tags;
    }

    /// <summary>
    /// <paramref name="count"/> distinct tags of the same shapes that are not in <paramref name="present"/>: lookups
    /// that miss, without being obviously foreign to the index.
    /// </summary>
    /// <param name="present">The tags a structure holds.</param>
    /// <param name="count">How many missing tags.</param>
    /// <param name="seed">The seed, different from the one that made <paramref name="present"/>.</param>
    /// <returns>The missing tags.</returns>
    public static string[] CreateMissing(IReadOnlyCollection<string> present, int count, int seed = 4812)
    {
        var generator = new TagSets(seed);
        var excluded = new HashSet<string>(present, StringComparer.Ordinal);
        var tags = new string[count];
        int filled = 0;
        while (filled < count)
        {
            string tag = generator.Next();
            if (excluded.Add(tag))
            {
                tags[filled++] = tag;
            }
        }

        return tags;
    }

    /// <summary>One tag, of a shape chosen at random; may repeat an earlier one.</summary>
    /// <returns>The tag.</returns>
    public string Next()
    {
        int shape = _random.Next(100);
        return shape < 35 ? SemanticVersion() : shape < 70 ? CommitTag() : BuildTag();
    }

    private string SemanticVersion()
    {
        var text = new StringBuilder(16);
        if (_random.Next(2) == 0)
        {
            text.Append('v');
        }

        // Majors are few and small, minors and patches many, as real release histories are.
        text.Append(CultureInfo.InvariantCulture, $"{_random.Next(40)}.{_random.Next(100)}.{_random.Next(200)}");
        if (_random.Next(4) == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"-{PreReleases[_random.Next(PreReleases.Length)]}.{_random.Next(1, 10)}");
        }

        return text.ToString();
    }

    private string CommitTag()
    {
        int length = _random.Next(7, 13);
        Span<char> hex = stackalloc char[length];
        for (int i = 0; i < length; i++)
        {
            hex[i] = "0123456789abcdef"[_random.Next(16)];
        }

        return string.Concat("sha-", hex);
    }

    private string BuildTag()
    {
        var day = new DateOnly(2020, 1, 1).AddDays(_random.Next(7 * 365));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{day:yyyyMMdd}-{_random.Next(24):00}{_random.Next(60):00}-build.{_random.Next(1, 100_000)}");
    }
}
