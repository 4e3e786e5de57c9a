using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// One tag or repository pattern of an <see cref="ImmutabilityRule"/>: ECR's wildcard, Harbor's doublestar glob, or
/// an RE2-compatible regular expression with a product's anchoring. Every pattern is validated when it is created: a
/// broken pattern throws <see cref="InvalidTagPatternException"/> here, never at push time.
/// </summary>
/// <remarks>
/// <para>
/// Matching is bounded whatever the pattern: wildcards in linear time (<see cref="TagFilter"/>), globs by an automaton
/// over pattern positions without backtracking (patterns ≤ 1024 characters, brace expansion ≤ 4096 tokens), regular
/// expressions by <see cref="RegexOptions.NonBacktracking"/> with a per-product length limit and a match timeout.
/// </para>
/// <para>
/// Regular expressions are the RE2-compatible subset: constructs .NET's non-backtracking engine does not support
/// (backreferences, lookarounds, atomic groups, conditionals) are rejected at creation. <c>\w</c> and <c>\d</c> are
/// Unicode-aware in .NET but ASCII in RE2; tags are ASCII (<see cref="Tag"/>'s grammar), so the difference cannot
/// change a tag's match.
/// </para>
/// <para><b>Thread safety:</b> immutable; safe to share and to match from any thread.</para>
/// </remarks>
public sealed class TagPattern : IEquatable<TagPattern>
{
    /// <summary>GitLab's longest immutable-tag pattern: 100 characters (GitLab docs, "Immutable container tags").</summary>
    public const int GitLabMaxLength = 100;

    /// <summary>Quay's longest immutability-policy pattern: 256 characters (quay/quay <c>data/model/immutability.py</c>).</summary>
    public const int QuayMaxLength = 256;

    /// <summary>The longest regular expression accepted when a product documents no limit (Docker Hub): 1024 characters.</summary>
    public const int DefaultRegexMaxLength = 1024;

    /// <summary>The match timeout given to every regular expression: 1 s, as Quay uses (the non-backtracking engine is linear; the timeout is a safety net, and a short one would deny spuriously on a loaded machine).</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private const string RegexRule = "an RE2-compatible regular expression (no backreferences, lookarounds, atomic groups or conditionals)";

    private readonly TagFilter _filter;
    private readonly DoublestarGlob? _glob;
    private readonly Regex? _regex;
    private readonly bool _failsToEvaluate;

    private TagPattern(TagPatternKind kind, string text, RegexAnchoring anchoring = RegexAnchoring.FullMatch, TagFilter filter = default, DoublestarGlob? glob = null, Regex? regex = null, bool failsToEvaluate = false)
    {
        _failsToEvaluate = failsToEvaluate;
        Kind = kind;
        Text = text;
        Anchoring = anchoring;
        _filter = filter;
        _glob = glob;
        _regex = regex;
    }

    /// <summary>The pattern that matches every name; Harbor's empty pattern.</summary>
    public static TagPattern Any { get; } = new(TagPatternKind.Any, string.Empty);

    /// <summary>The syntax.</summary>
    public TagPatternKind Kind { get; }

    /// <summary>The pattern as written; empty for <see cref="Any"/>.</summary>
    public string Text { get; }

    /// <summary>For <see cref="TagPatternKind.Regex"/>, how it must match; <see cref="RegexAnchoring.FullMatch"/> for the other kinds, which always match whole names.</summary>
    public RegexAnchoring Anchoring { get; }

    /// <summary>An ECR WILDCARD filter as a pattern.</summary>
    /// <param name="filter">The filter; not the default value.</param>
    /// <returns>The pattern.</returns>
    /// <exception cref="ArgumentException"><paramref name="filter"/> is <c>default(TagFilter)</c>.</exception>
    public static TagPattern Wildcard(TagFilter filter)
    {
        if (filter.IsDefault)
        {
            throw new ArgumentException("filter is default(TagFilter), which is not a filter", nameof(filter));
        }

        return new TagPattern(TagPatternKind.EcrWildcard, filter.Pattern, filter: filter);
    }

    /// <summary>
    /// A doublestar glob (Harbor's selector syntax, bmatcuk/doublestar): <c>*</c> any run without <c>/</c>, <c>**</c>
    /// any run including <c>/</c> (and <c>**/</c> also nothing), <c>?</c> one character except <c>/</c>, <c>[abc]</c>,
    /// <c>[a-z]</c>, <c>[!x]</c> or <c>[^x]</c>, <c>{a,b}</c> alternatives (nested allowed), <c>\</c> escapes. The whole
    /// name must match; an empty pattern matches everything (Harbor). Commas split alternatives only inside braces;
    /// for Harbor's comma lists use <see cref="DoublestarList"/>.
    /// </summary>
    /// <param name="pattern">The glob, at most 1024 characters.</param>
    /// <param name="ruleId">The rule the pattern belongs to, named in the error; optional.</param>
    /// <returns>The pattern.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidTagPatternException">An unclosed <c>[</c> or <c>{</c>, a stray <c>}</c>, an empty class, a backwards range, a trailing <c>\</c>, or too long or too many alternatives.</exception>
    public static TagPattern Doublestar(string pattern, string? ruleId = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0)
        {
            return Any;
        }

        DoublestarGlob glob = DoublestarGlob.Compile(pattern, out ParseFailure failure);
        if (failure.Failed)
        {
            throw new InvalidTagPatternException(InvalidTagPatternException.FieldFor(ruleId, "pattern"), pattern, failure, DoublestarGlob.Rule);
        }

        return new TagPattern(TagPatternKind.Doublestar, pattern, glob: glob);
    }

    /// <summary>
    /// Splits a Harbor comma list (<c>v1.*,release-{a,b}</c>) at the commas outside braces and brackets into
    /// independent doublestar patterns, each with exactly the semantics it has alone. An empty list gives
    /// <see cref="Any"/> alone.
    /// </summary>
    /// <param name="commaList">The list.</param>
    /// <param name="ruleId">The rule the patterns belong to, named in the error; optional.</param>
    /// <returns>The patterns, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="commaList"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidTagPatternException">A pattern of the list is invalid (see <see cref="Doublestar"/>), or an item between commas is empty.</exception>
    public static ImmutableArray<TagPattern> DoublestarList(string commaList, string? ruleId = null)
    {
        ArgumentNullException.ThrowIfNull(commaList);
        if (commaList.Length == 0)
        {
            return [Any];
        }

        var result = ImmutableArray.CreateBuilder<TagPattern>();
        int depth = 0, start = 0;
        bool inClass = false;
        for (int i = 0; i <= commaList.Length; i++)
        {
            char c = i < commaList.Length ? commaList[i] : ',';
            if (c == '\\' && i + 1 < commaList.Length)
            {
                i++;
                continue;
            }

            if (inClass && i < commaList.Length)
            {
                inClass = c != ']';
                continue;
            }

            if (c == '[')
            {
                inClass = true;
            }
            else if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (c == ',' && (depth == 0 || i == commaList.Length))
            {
                if (i == start)
                {
                    throw new InvalidTagPatternException(
                        InvalidTagPatternException.FieldFor(ruleId, "pattern list"), commaList, ParseFailure.At(Math.Min(i, commaList.Length - 1), "an item of the comma list is empty at this index"), DoublestarGlob.Rule);
                }

                try
                {
                    result.Add(Doublestar(commaList[start..i], ruleId));
                }
                catch (InvalidTagPatternException error) when (error.Index >= 0 || start > 0)
                {
                    throw new InvalidTagPatternException(
                        InvalidTagPatternException.FieldFor(ruleId, "pattern list"), commaList, ParseFailure.At(error.Index < 0 ? start : start + error.Index, "the item starting at index " + start.ToString(System.Globalization.CultureInfo.InvariantCulture) + " is an invalid glob"), DoublestarGlob.Rule);
                }

                start = i + 1;
            }
        }

        return result.ToImmutable();
    }

    /// <summary>A regular expression run with <see cref="RegexOptions.NonBacktracking"/>, validated now.</summary>
    /// <param name="pattern">The expression, 1..<paramref name="maxLength"/> characters.</param>
    /// <param name="anchoring">Whether the whole tag must match.</param>
    /// <param name="maxLength">The product's length limit (<see cref="GitLabMaxLength"/>, <see cref="QuayMaxLength"/>, <see cref="DefaultRegexMaxLength"/>); 1..1024.</param>
    /// <param name="ruleId">The rule the pattern belongs to, named in the error; optional.</param>
    /// <returns>The pattern.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is outside 1..1024 or <paramref name="anchoring"/> is undefined.</exception>
    /// <exception cref="InvalidTagPatternException">The pattern is empty, too long, does not parse, or uses a construct the non-backtracking engine (and RE2) does not support.</exception>
    public static TagPattern Regex(string pattern, RegexAnchoring anchoring, int maxLength = DefaultRegexMaxLength, string? ruleId = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLength, DefaultRegexMaxLength);
        if (anchoring is not (RegexAnchoring.FullMatch or RegexAnchoring.Unanchored))
        {
            throw new ArgumentOutOfRangeException(nameof(anchoring), anchoring, "anchoring must be a defined RegexAnchoring");
        }

        string field = InvalidTagPatternException.FieldFor(ruleId, "regular expression");
        string rule = $"{RegexRule}, 1..{maxLength.ToString(System.Globalization.CultureInfo.InvariantCulture)} characters";
        if (pattern.Length == 0 || pattern.Length > maxLength)
        {
            throw new InvalidTagPatternException(field, pattern, ParseFailure.Whole("it is {length} characters long"), rule);
        }

        const RegexOptions options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;
        string dotnet = TranslateRe2NamedGroups(pattern);
        Regex regex;
        try
        {
            // Compiled alone first, so that a pattern like "a)|(b" cannot escape the anchoring group below.
            regex = new Regex(dotnet, options, RegexTimeout);
            if (anchoring == RegexAnchoring.FullMatch)
            {
                regex = new Regex(@"\A(?:" + dotnet + @")\z", options, RegexTimeout);
            }
        }
        catch (RegexParseException error)
        {
            int index = Math.Clamp(error.Offset - 1, 0, pattern.Length - 1);
            throw new InvalidTagPatternException(field, pattern, ParseFailure.At(index, "it does not parse (" + error.Error.ToString() + ")"), rule);
        }
        catch (NotSupportedException)
        {
            throw new InvalidTagPatternException(field, pattern, ParseFailure.Whole("it uses a construct the non-backtracking engine does not support (backreference, lookaround, atomic group or conditional)"), rule);
        }

        return new TagPattern(TagPatternKind.Regex, pattern, anchoring, regex: regex);
    }

    /// <summary>
    /// RE2 spells a named group <c>(?P&lt;name&gt;re)</c>, which .NET does not parse: rewrite it to <c>(?&lt;name&gt;re)</c>
    /// where it is a group opener (not escaped, not inside a character class).
    /// </summary>
    private static string TranslateRe2NamedGroups(string pattern)
    {
        if (!pattern.Contains("(?P<", StringComparison.Ordinal))
        {
            return pattern;
        }

        var builder = new System.Text.StringBuilder(pattern.Length);
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            builder.Append(c);
            if (c == '\\' && i + 1 < pattern.Length)
            {
                builder.Append(pattern[++i]);
            }
            else if (inClass)
            {
                inClass = c != ']';
            }
            else if (c == '[')
            {
                inClass = true;
            }
            else if (c == '(' && pattern.AsSpan(i + 1).StartsWith("?P<", StringComparison.Ordinal))
            {
                builder.Append("?<");
                i += 3;
            }
        }

        return builder.ToString();
    }

    /// <summary>A GitLab immutable-tag pattern: RE2, unanchored (Go <c>MatchString</c>), at most 100 characters.</summary>
    /// <param name="pattern">The expression.</param>
    /// <param name="ruleId">The rule, named in the error; optional.</param>
    /// <returns>The pattern.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidTagPatternException">See <see cref="Regex"/>.</exception>
    public static TagPattern GitLab(string pattern, string? ruleId = null) => Regex(pattern, RegexAnchoring.Unanchored, GitLabMaxLength, ruleId);

    /// <summary>A Quay immutability-policy pattern: full match, at most 256 characters.</summary>
    /// <param name="pattern">The expression.</param>
    /// <param name="ruleId">The rule, named in the error; optional.</param>
    /// <returns>The pattern.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidTagPatternException">See <see cref="Regex"/>.</exception>
    public static TagPattern Quay(string pattern, string? ruleId = null) => Regex(pattern, RegexAnchoring.FullMatch, QuayMaxLength, ruleId);

    /// <summary>
    /// A Docker Hub "specific tags" rule: Go RE2 syntax. Docker Hub does not document anchoring; the library takes
    /// Go's default, unanchored <c>MatchString</c> (anchor with <c>^…$</c> to match whole tags). At most 1024 characters.
    /// </summary>
    /// <param name="pattern">The expression.</param>
    /// <param name="ruleId">The rule, named in the error; optional.</param>
    /// <returns>The pattern.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidTagPatternException">See <see cref="Regex"/>.</exception>
    public static TagPattern DockerHub(string pattern, string? ruleId = null) => Regex(pattern, RegexAnchoring.Unanchored, DefaultRegexMaxLength, ruleId);

    /// <summary>Whether the pattern matches <paramref name="name"/> (a tag, or a repository name for repository selectors).</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    /// <exception cref="RegexMatchTimeoutException">A regular expression exceeded <see cref="RegexTimeout"/>; the policy engine turns this into a fail-closed denial.</exception>
    public bool IsMatch(ReadOnlySpan<char> name) => Kind switch
    {
        _ when _failsToEvaluate => throw new RegexMatchTimeoutException(Text, name.ToString(), RegexTimeout),
        TagPatternKind.Any => true,
        TagPatternKind.EcrWildcard => _filter.IsMatch(name),
        TagPatternKind.Doublestar => _glob!.IsMatch(name),
        _ => _regex!.IsMatch(name),
    };

    /// <summary>A pattern whose every match throws, as a regular expression that times out would: lets tests show that the engine fails closed.</summary>
    internal static TagPattern FailingForTests(string text) =>
        new(TagPatternKind.Regex, text, RegexAnchoring.FullMatch, regex: null, failsToEvaluate: true);

    /// <summary>Whether both patterns have the same kind, text and anchoring.</summary>
    /// <param name="other">The other pattern.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals([NotNullWhen(true)] TagPattern? other) =>
        other is not null && Kind == other.Kind && Anchoring == other.Anchoring && string.Equals(Text, other.Text, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="TagPattern"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => Equals(obj as TagPattern);

    /// <summary>A hash code over kind, text and anchoring.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Kind, Anchoring, StringComparer.Ordinal.GetHashCode(Text));

    /// <summary>The pattern as written; <c>*</c>-free empty text for <see cref="Any"/> is shown as <c>(any)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind == TagPatternKind.Any ? "(any)" : Text;

    /// <summary>Whether two patterns are equal.</summary>
    /// <param name="left">The first pattern.</param>
    /// <param name="right">The second pattern.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(TagPattern? left, TagPattern? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether two patterns differ.</summary>
    /// <param name="left">The first pattern.</param>
    /// <param name="right">The second pattern.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(TagPattern? left, TagPattern? right) => !(left == right);
}
