using System.Collections.Immutable;

namespace TagImmutability;

/// <summary>
/// One rule of an <see cref="ImmutabilityPolicy"/>: a repository selector and a tag selector, each a list of
/// patterns that is either "matching" (any pattern matches) or "excluding" (no pattern matches), and the
/// <see cref="TagProtection"/> switches it sets on the tags it selects. Every pattern is validated at creation.
/// </summary>
/// <remarks>
/// An excluding selector is "everything not matching"; it does not subtract from other rules (Harbor, API test
/// <c>test_priority_of_rules</c>). A rule selects a tag when both selectors match.
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
public sealed class ImmutabilityRule
{
    private ImmutabilityRule(string id, TagProtection protection, ImmutableArray<TagPattern> tags, bool excludeTags, ImmutableArray<TagPattern> repositories, bool excludeRepositories)
    {
        Id = id;
        Protection = protection;
        TagPatterns = tags;
        ExcludesTags = excludeTags;
        RepositoryPatterns = repositories;
        ExcludesRepositories = excludeRepositories;
    }

    /// <summary>The rule's id, reported by every decision it takes.</summary>
    public string Id { get; }

    /// <summary>The switches the rule sets on the tags it selects.</summary>
    public TagProtection Protection { get; }

    /// <summary>The tag selector's patterns; never empty.</summary>
    public ImmutableArray<TagPattern> TagPatterns { get; }

    /// <summary>Whether the tag selector is excluding: it selects the tags that match none of <see cref="TagPatterns"/>.</summary>
    public bool ExcludesTags { get; }

    /// <summary>The repository selector's patterns; never empty (<see cref="TagPattern.Any"/> selects every repository).</summary>
    public ImmutableArray<TagPattern> RepositoryPatterns { get; }

    /// <summary>Whether the repository selector is excluding.</summary>
    public bool ExcludesRepositories { get; }

    /// <summary>Creates a rule.</summary>
    /// <param name="id">The id, 1..128 characters.</param>
    /// <param name="protection">The switches; at least one.</param>
    /// <param name="tagPatterns">The tag patterns; empty means <see cref="TagPattern.Any"/>.</param>
    /// <param name="excludeTags">Whether the tag selector is excluding.</param>
    /// <param name="repositoryPatterns">The repository patterns; <see langword="null"/> or empty means every repository.</param>
    /// <param name="excludeRepositories">Whether the repository selector is excluding.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> or <paramref name="tagPatterns"/> is <see langword="null"/>, or a pattern is.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty or longer than 128, or <paramref name="protection"/> is <see cref="TagProtection.None"/> or has undefined bits.</exception>
    public static ImmutabilityRule Create(
        string id,
        TagProtection protection,
        IEnumerable<TagPattern> tagPatterns,
        bool excludeTags = false,
        IEnumerable<TagPattern>? repositoryPatterns = null,
        bool excludeRepositories = false)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(tagPatterns);
        if (id.Length is 0 or > 128)
        {
            throw new ArgumentException("id must be 1..128 characters", nameof(id));
        }

        if (protection == TagProtection.None || (protection & ~TagProtection.All) != 0)
        {
            throw new ArgumentException("protection must set at least one defined switch", nameof(protection));
        }

        ImmutableArray<TagPattern> tags = [.. tagPatterns];
        ImmutableArray<TagPattern> repositories = repositoryPatterns is null ? [] : [.. repositoryPatterns];
        if (tags.Any(p => p is null) || repositories.Any(p => p is null))
        {
            throw new ArgumentNullException(nameof(tagPatterns), "a pattern is null");
        }

        return new ImmutabilityRule(
            id,
            protection,
            tags.IsEmpty ? [TagPattern.Any] : tags,
            excludeTags,
            repositories.IsEmpty ? [TagPattern.Any] : repositories,
            excludeRepositories);
    }

    /// <summary>
    /// A Harbor immutability rule (Harbor docs, "Create Tag Immutability Rules"; <c>immutabletagrules</c> API): a
    /// repository selector matched against the repository name without the project prefix, and a tag selector, each
    /// a comma list of doublestar patterns (<see cref="TagPattern.DoublestarList"/>), each "matching" or "excluding";
    /// the rule sets <see cref="TagProtection.Harbor"/>.
    /// </summary>
    /// <param name="id">The id.</param>
    /// <param name="repositories">The repository selector, such as <c>**</c> or <c>team-a/*</c>; empty matches every repository.</param>
    /// <param name="tags">The tag selector, such as <c>v*,release-{a,b}</c>; empty matches every tag.</param>
    /// <param name="repositoriesExcluding">Harbor's <c>repoExcludes</c> decoration.</param>
    /// <param name="tagsExcluding">Harbor's <c>excludes</c> decoration.</param>
    /// <returns>The rule.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty or longer than 128.</exception>
    /// <exception cref="InvalidTagPatternException">A selector holds an invalid glob; the message names the rule.</exception>
    public static ImmutabilityRule Harbor(string id, string repositories, string tags, bool repositoriesExcluding = false, bool tagsExcluding = false)
    {
        ArgumentNullException.ThrowIfNull(repositories);
        ArgumentNullException.ThrowIfNull(tags);
        return Create(
            id,
            TagProtection.Harbor,
            TagPattern.DoublestarList(tags, id),
            tagsExcluding,
            TagPattern.DoublestarList(repositories, id),
            repositoriesExcluding);
    }

    /// <summary>Whether the repository selector selects <paramref name="repository"/>.</summary>
    /// <param name="repository">The repository name as the product matches it (Harbor: without the project).</param>
    /// <returns><see langword="true"/> when selected.</returns>
    /// <exception cref="System.Text.RegularExpressions.RegexMatchTimeoutException">A regular expression timed out.</exception>
    public bool SelectsRepository(ReadOnlySpan<char> repository) => Select(RepositoryPatterns, ExcludesRepositories, repository, out _);

    /// <summary>Whether the tag selector selects <paramref name="tag"/>.</summary>
    /// <param name="tag">The tag.</param>
    /// <returns><see langword="true"/> when selected.</returns>
    /// <exception cref="System.Text.RegularExpressions.RegexMatchTimeoutException">A regular expression timed out.</exception>
    public bool SelectsTag(ReadOnlySpan<char> tag) => Select(TagPatterns, ExcludesTags, tag, out _);

    /// <summary>The rule as text, such as <c>harbor-1: repositories matching **, tags excluding latest</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"{Id}: repositories {(ExcludesRepositories ? "excluding" : "matching")} {string.Join(",", RepositoryPatterns)}, tags {(ExcludesTags ? "excluding" : "matching")} {string.Join(",", TagPatterns)} → {Protection}";

    internal string TagSelectorText(TagPattern? matched) =>
        ExcludesTags ? "excluding " + string.Join(",", TagPatterns) : matched?.ToString() ?? string.Empty;

    internal static bool Select(ImmutableArray<TagPattern> patterns, bool excluding, ReadOnlySpan<char> name, out TagPattern? matched)
    {
        matched = null;
        foreach (TagPattern pattern in patterns)
        {
            if (pattern.IsMatch(name))
            {
                matched = pattern;
                break;
            }
        }

        return (matched is not null) != excluding;
    }
}
