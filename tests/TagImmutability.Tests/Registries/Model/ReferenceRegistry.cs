using System.Text.RegularExpressions;

namespace TagImmutability.Tests.Registries.Model;

/// <summary>
/// A deliberately simple reference model of the registry, written straight from the specification
/// (../shared/spec/ecr-tag-mutability.md, sections (a) and (b) and decisions Q1..Q12) with plain dictionaries and
/// lists. It shares no code with the library: digests come from <see cref="PoolEntry.DigestText"/> (BCL SHA-256),
/// wildcard matching and name checks are its own, and it knows an index's children from the pool definition, not by
/// parsing. Each operation returns its outcome as text in the format of <see cref="Outcomes"/>; a failing operation
/// changes nothing.
/// </summary>
public sealed partial class ReferenceRegistry
{
    private readonly Dictionary<string, Repo> _repos = new(StringComparer.Ordinal);

    public ReferenceRegistry(Limits limits) => Limits = limits;

    public Limits Limits { get; }

    /// <summary>The clock, in seconds after the test's epoch; the driver moves it and the real registry's clock together.</summary>
    public long Now { get; set; }

    /// <summary>The tags the generators draw from.</summary>
    public static readonly string[] TagAlphabet = ["a", "b", "ab", "a-1", "latest", "v1", "A"];

    /// <summary>The tags a snapshot resolves: the alphabet, then any other tag seen, in ordinal order.</summary>
    public static IEnumerable<string> TagsToResolve(IEnumerable<string> seen) =>
        TagAlphabet.Concat(seen.Except(TagAlphabet, StringComparer.Ordinal).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    private sealed class Image
    {
        public required PoolEntry Entry { get; init; }

        public required List<string> Tags { get; init; }

        public required long PushedAt { get; init; }

        public string Digest => Entry.DigestText;

        public Image Clone() => new() { Entry = Entry, Tags = [.. Tags], PushedAt = PushedAt };
    }

    private sealed class Repo
    {
        public required string Name { get; init; }

        public required string Mode { get; set; }

        public required List<string> Filters { get; set; }

        public required long CreatedAt { get; init; }

        /// <summary>Every image, in the order it was first pushed (ListImages and DescribeImages order).</summary>
        public List<Image> Images { get; } = [];

        /// <summary>Tag to digest.</summary>
        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

        public Image? Find(string digest) => Images.Find(i => i.Digest == digest);

        public Repo Clone()
        {
            var copy = new Repo { Name = Name, Mode = Mode, Filters = [.. Filters], CreatedAt = CreatedAt };
            copy.Images.AddRange(Images.Select(i => i.Clone()));
            foreach (KeyValuePair<string, string> pair in Tags)
            {
                copy.Tags.Add(pair.Key, pair.Value);
            }

            return copy;
        }
    }

    public ReferenceRegistry Clone()
    {
        var copy = new ReferenceRegistry(Limits) { Now = Now };
        foreach (KeyValuePair<string, Repo> pair in _repos)
        {
            copy._repos.Add(pair.Key, pair.Value.Clone());
        }

        return copy;
    }

    // --- the rules ------------------------------------------------------------------------------------------------

    /// <summary>Spec (a), "Mutability decision": whole-tag wildcard match, '*' any run, everything else literal, case-sensitive (Q5).</summary>
    public static bool WildcardMatch(string filter, string tag)
    {
        // Plain recursive glob: tags and filters are a few characters long.
        static bool Match(string f, int fi, string t, int ti)
        {
            if (fi == f.Length)
            {
                return ti == t.Length;
            }

            if (f[fi] == '*')
            {
                for (int k = ti; k <= t.Length; k++)
                {
                    if (Match(f, fi + 1, t, k))
                    {
                        return true;
                    }
                }

                return false;
            }

            return ti < t.Length && f[fi] == t[ti] && Match(f, fi + 1, t, ti + 1);
        }

        return Match(filter, 0, tag, 0);
    }

    /// <summary>Spec (a): IsTagImmutable(repo, tag).</summary>
    public static bool IsTagImmutable(string mode, IReadOnlyList<string> filters, string tag)
    {
        bool matches = filters.Any(f => WildcardMatch(f, tag));
        return mode switch
        {
            "MUTABLE" => false,
            "IMMUTABLE" => true,
            "IMMUTABLE_WITH_EXCLUSION" => !matches,
            "MUTABLE_WITH_EXCLUSION" => matches,
            _ => throw new InvalidOperationException(mode),
        };
    }

    public static string ModeName(ImageTagMutability mode) => mode switch
    {
        ImageTagMutability.Mutable => "MUTABLE",
        ImageTagMutability.Immutable => "IMMUTABLE",
        ImageTagMutability.ImmutableWithExclusion => "IMMUTABLE_WITH_EXCLUSION",
        ImageTagMutability.MutableWithExclusion => "MUTABLE_WITH_EXCLUSION",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    // Spec (a): RepositoryName 2..256 and the 2026 pattern.
    [GeneratedRegex(@"^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryNamePattern();

    public static bool IsValidRepositoryName(string name) => name.Length is >= 2 and <= 256 && RepositoryNamePattern().IsMatch(name);

    // Spec (a) and Q6: a *_WITH_EXCLUSION mode needs 1..5 filters of [0-9a-zA-Z._*-]{1,128}; MUTABLE and IMMUTABLE take none.
    private static bool IsValidPolicy(string mode, string[] filters)
    {
        bool needsFilters = mode is "IMMUTABLE_WITH_EXCLUSION" or "MUTABLE_WITH_EXCLUSION";
        return needsFilters
            ? filters.Length is >= 1 and <= 5 && filters.All(f => f.Length is >= 1 and <= 128 && f.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '*' or '-'))
            : filters.Length == 0;
    }

    private static bool IsReferenced(Repo repo, Image image) =>
        repo.Images.Any(i => i.Entry.Children.Contains(image.Entry.Label, StringComparer.Ordinal));

    // --- operations -----------------------------------------------------------------------------------------------

    /// <summary>Applies one step and returns its outcome text.</summary>
    public string Apply(Step step) => step switch
    {
        CreateRepo s => CreateRepository(s.Repo, ModeName(s.Mode), s.Filters),
        DeleteRepo s => DeleteRepository(s.Repo, s.Force),
        SetPolicy s => PutImageTagMutability(s.Repo, ModeName(s.Mode), s.Filters),
        Push s => PutImage(s.Repo, s.Entry, s.Tag, s.Digest),
        DeleteImages s => BatchDeleteImage(s.Repo, s.Ids),
        GetImages s => BatchGetImage(s.Repo, s.Ids),
        DescribeByIds s => DescribeImages(s.Repo, s.Ids),
        DescribeAll s => DescribeImages(s.Repo, s.Status),
        ListAll s => ListImages(s.Repo, s.Status),
        Resolve s => TryResolveTag(s.Repo, s.Tag),
        GetImage s => TryGetImage(s.Repo, ManifestPool.Entries[s.Manifest]),
        GetRepo s => GetRepository(s.Repo),
        DescribeRepos s => DescribeRepositories(s.Names),
        Snapshot => Outcomes.Render(View()),
        _ => throw new InvalidOperationException(step.ToString()),
    };

    private string CreateRepository(string name, string mode, string[] filters)
    {
        // Q11: parameters first (the policy, Q6, and the name), then existence.
        if (!IsValidPolicy(mode, filters) || !IsValidRepositoryName(name))
        {
            return Outcomes.Throws("InvalidParameterException");
        }

        if (_repos.ContainsKey(name))
        {
            return Outcomes.Throws("RepositoryAlreadyExistsException");
        }

        var repo = new Repo { Name = name, Mode = mode, Filters = [.. filters], CreatedAt = Now };
        _repos.Add(name, repo);
        return Outcomes.Ok(RepoText(repo));
    }

    private string DeleteRepository(string name, bool force)
    {
        if (!IsValidRepositoryName(name))
        {
            return Outcomes.Throws("InvalidParameterException");
        }

        if (!_repos.TryGetValue(name, out Repo? repo))
        {
            return Outcomes.Throws("RepositoryNotFoundException");
        }

        // (b) DeleteRepository: a non-empty repository needs force, whatever its mode.
        if (!force && repo.Images.Count > 0)
        {
            return Outcomes.Throws("RepositoryNotEmptyException");
        }

        _repos.Remove(name);
        return Outcomes.Ok(RepoText(repo));
    }

    private string PutImageTagMutability(string name, string mode, string[] filters)
    {
        if (!IsValidPolicy(mode, filters) || !IsValidRepositoryName(name))
        {
            return Outcomes.Throws("InvalidParameterException");
        }

        if (!_repos.TryGetValue(name, out Repo? repo))
        {
            return Outcomes.Throws("RepositoryNotFoundException");
        }

        // Replaces mode and filters; images and tags untouched.
        repo.Mode = mode;
        repo.Filters = [.. filters];
        return Outcomes.Ok(RepoText(repo));
    }

    private string PutImage(string name, PoolEntry entry, string? tag, DigestArgument digestArgument)
    {
        // Step 1: parameters. Q4: a tag is 1..300 of [A-Za-z0-9_.-].
        if (!IsValidRepositoryName(name) || (tag is not null && (tag.Length is < 1 or > 300 || !tag.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))))
        {
            return Outcomes.Throws("InvalidParameterException");
        }

        // Step 2: the repository.
        if (!_repos.TryGetValue(name, out Repo? repo))
        {
            return Outcomes.Throws("RepositoryNotFoundException");
        }

        // Step 3: the digest of the exact bytes; a given imageDigest must equal it.
        string digest = entry.DigestText;
        if (digestArgument == DigestArgument.Wrong)
        {
            return Outcomes.Throws("ImageDigestDoesNotMatchException");
        }

        // Step 4: an index's children must be in the repository.
        if (entry.Children.Any(child => repo.Find(ManifestPool.Entries.Single(e => e.Label == child).DigestText) is null))
        {
            return Outcomes.Throws("ReferencedImagesNotFoundException");
        }

        Image? existing = repo.Find(digest);

        // Step 6: no tag.
        if (tag is null)
        {
            if (existing is not null)
            {
                return Outcomes.Throws("ImageAlreadyExistsException"); // Q2
            }

            if (repo.Images.Count >= Limits.MaxImagesPerRepository)
            {
                return Outcomes.Throws("LimitExceededException");
            }

            var untagged = new Image { Entry = entry, Tags = [], PushedAt = Now };
            repo.Images.Add(untagged);
            return Outcomes.Ok(ImageText(untagged));
        }

        // Step 5: with a tag.
        string? current = repo.Tags.GetValueOrDefault(tag);
        if (current is not null)
        {
            if (IsTagImmutable(repo.Mode, repo.Filters, tag))
            {
                return Outcomes.Throws("ImageTagAlreadyExistsException"); // same digest or not (Q1)
            }

            if (current == digest)
            {
                return Outcomes.Throws("ImageAlreadyExistsException"); // Q1, mutable tag
            }
        }

        // Limits (Q12 and images per repository) before anything changes.
        if (existing is not null ? existing.Tags.Count >= Limits.MaxTagsPerImage : repo.Images.Count >= Limits.MaxImagesPerRepository)
        {
            return Outcomes.Throws("LimitExceededException");
        }

        if (current is not null)
        {
            // A move: the old image loses the tag and stays, even untagged (Q10).
            repo.Find(current)!.Tags.Remove(tag);
        }

        if (existing is null)
        {
            existing = new Image { Entry = entry, Tags = [], PushedAt = Now };
            repo.Images.Add(existing);
        }

        existing.Tags.Add(tag); // insertion order (Q8)
        repo.Tags[tag] = digest;
        return Outcomes.Ok(ImageText(existing));
    }

    // Finds one id (Q7): neither -> MissingDigestAndTag; a missing tag or digest -> ImageNotFound; both present but
    // naming different images -> ImageTagDoesNotMatchDigest.
    private static Image? Find(Repo repo, IdSpec id, out string? failureCode)
    {
        failureCode = null;
        if (id.DigestText is null && id.Tag is null)
        {
            failureCode = "MissingDigestAndTag";
            return null;
        }

        string? tagged = id.Tag is null ? null : repo.Tags.GetValueOrDefault(id.Tag);
        if ((id.Tag is not null && tagged is null) || (id.DigestText is not null && repo.Find(id.DigestText) is null))
        {
            failureCode = "ImageNotFound";
            return null;
        }

        if (id.DigestText is not null && tagged is not null && id.DigestText != tagged)
        {
            failureCode = "ImageTagDoesNotMatchDigest";
            return null;
        }

        return repo.Find(id.DigestText ?? tagged!);
    }

    private string BatchDeleteImage(string name, IdSpec[] ids)
    {
        if (ids.Length is < 1 or > 100 || !IsValidRepositoryName(name))
        {
            return Outcomes.Throws("InvalidParameterException");
        }

        if (!_repos.TryGetValue(name, out Repo? repo))
        {
            return Outcomes.Throws("RepositoryNotFoundException");
        }

        var deleted = new List<string>();
        var failures = new List<string>();
        foreach (IdSpec id in ids)
        {
            Image? image = Find(repo, id, out string? code);
            if (image is null)
            {
                failures.Add(Outcomes.Failure(code!, id));
                continue;
            }

            if (id.Tag is not null && image.Tags.Count > 1)
            {
                // By tag: only that tag goes.
                image.Tags.Remove(id.Tag);
                repo.Tags.Remove(id.Tag);
                deleted.Add(Outcomes.Id(image.Digest, id.Tag));
                continue;
            }

            // By digest, or the image's last tag: the image goes, unless an index references it.
            if (IsReferenced(repo, image))
            {
                failures.Add(Outcomes.Failure("ImageReferencedByManifestList", id));
                continue;
            }

            repo.Images.Remove(image);
            foreach (string t in image.Tags)
            {
                repo.Tags.Remove(t);
            }

            deleted.AddRange(image.Tags.Count == 0 ? [Outcomes.Id(image.Digest, null)] : image.Tags.Select(t => Outcomes.Id(image.Digest, t)));
        }

        return Outcomes.Ok($"deleted=[{string.Join(" ", deleted)}] failures=[{string.Join(" ", failures)}]");
    }

    private string BatchGetImage(string name, IdSpec[] ids)
    {
        if (ids.Length is < 1 or > 100 || !IsValidRepositoryName(name))
        {
            return Outcomes.Throws("InvalidParameterException");
        }

        if (!_repos.TryGetValue(name, out Repo? repo))
        {
            return Outcomes.Throws("RepositoryNotFoundException");
        }

        var images = new List<string>();
        var failures = new List<string>();
        foreach (IdSpec id in ids)
        {
            Image? image = Find(repo, id, out string? code);
            if (image is null)
            {
                failures.Add(Outcomes.Failure(code!, id));
            }
            else
            {
                // The id echoes the tag asked for; asked by digest alone, no tag (Q9).
                images.Add(Outcomes.Id(image.Digest, id.Tag));
            }
        }

        return Outcomes.Ok($"images=[{string.Join(" ", images)}] failures=[{string.Join(" ", failures)}]");
    }

    private string DescribeImages(string name, IdSpec[] ids)
    {
        // Q11: an id with neither digest nor tag is a parameter error, found before the repository and the images.
        if (ids.Length is < 1 or > 100 || !IsValidRepositoryName(name) || ids.Any(id => id.DigestText is null && id.Tag is null))
        {
            return Outcomes.Throws("InvalidParameterException");
        }

        if (!_repos.TryGetValue(name, out Repo? repo))
        {
            return Outcomes.Throws("RepositoryNotFoundException");
        }

        var found = new List<Image>();
        foreach (IdSpec id in ids)
        {
            Image? image = Find(repo, id, out _);
            if (image is null)
            {
                return Outcomes.Throws("ImageNotFoundException");
            }

            if (!found.Contains(image))
            {
                found.Add(image);
            }
        }

        return Outcomes.Ok(string.Join(" ", found.Select(ImageText)));
    }

    private static bool Passes(Image image, TagStatus status) => status switch
    {
        TagStatus.Tagged => image.Tags.Count > 0,
        TagStatus.Untagged => image.Tags.Count == 0,
        _ => true,
    };

    private string DescribeImages(string name, TagStatus status)
    {
        if (!IsValidRepositoryName(name))
        {
            return Outcomes.Throws("InvalidParameterException");
        }

        return _repos.TryGetValue(name, out Repo? repo)
            ? Outcomes.Ok(string.Join(" ", repo.Images.Where(i => Passes(i, status)).Select(ImageText)))
            : Outcomes.Throws("RepositoryNotFoundException");
    }

    private string ListImages(string name, TagStatus status)
    {
        if (!IsValidRepositoryName(name))
        {
            return Outcomes.Throws("InvalidParameterException");
        }

        return _repos.TryGetValue(name, out Repo? repo)
            ? Outcomes.Ok(string.Join(" ", Listed(repo, status)))
            : Outcomes.Throws("RepositoryNotFoundException");
    }

    // One id per (digest, tag) pair, {digest} alone for an untagged image; push order, then tag order.
    private static IEnumerable<string> Listed(Repo repo, TagStatus status) =>
        repo.Images.Where(i => Passes(i, status))
            .SelectMany(i => i.Tags.Count == 0 ? [Outcomes.Id(i.Digest, null)] : i.Tags.Select(t => Outcomes.Id(i.Digest, t)));

    private string TryResolveTag(string name, string tag) =>
        _repos.TryGetValue(name, out Repo? repo) && repo.Tags.TryGetValue(tag, out string? digest)
            ? Outcomes.Ok(ManifestPool.Label(digest))
            : Outcomes.Ok("none");

    private string TryGetImage(string name, PoolEntry entry) =>
        _repos.TryGetValue(name, out Repo? repo) && repo.Find(entry.DigestText) is { } image
            ? Outcomes.Ok(ImageText(image))
            : Outcomes.Ok("none");

    private string GetRepository(string name)
    {
        if (!IsValidRepositoryName(name))
        {
            return Outcomes.Throws("InvalidParameterException");
        }

        return _repos.TryGetValue(name, out Repo? repo) ? Outcomes.Ok(RepoText(repo)) : Outcomes.Throws("RepositoryNotFoundException");
    }

    private string DescribeRepositories(string[]? names)
    {
        if (names is null)
        {
            return Outcomes.Ok(string.Join(" ", _repos.Values.OrderBy(r => r.Name, StringComparer.Ordinal).Select(RepoText)));
        }

        // Q11: every name is a parameter, checked before any lookup.
        if (names.Length is < 1 or > 100 || !names.All(IsValidRepositoryName))
        {
            return Outcomes.Throws("InvalidParameterException");
        }

        if (names.Any(n => !_repos.ContainsKey(n)))
        {
            return Outcomes.Throws("RepositoryNotFoundException");
        }

        return Outcomes.Ok(string.Join(" ", names.Select(n => RepoText(_repos[n]))));
    }

    // --- views ----------------------------------------------------------------------------------------------------

    private static string RepoText(Repo repo) => Outcomes.Repo(repo.Name, Outcomes.Policy(repo.Mode, repo.Filters), repo.CreatedAt);

    private static string ImageText(Image image) => Outcomes.Image(image.Digest, image.Tags);

    /// <summary>The whole state in the neutral form the real registry's state is also read into.</summary>
    public RegistryView View() => new(
        [.. _repos.Values.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new RepoView(
            r.Name,
            r.Mode,
            [.. r.Filters],
            r.CreatedAt,
            [.. r.Images.Select(i => new ImageView(i.Digest, [.. i.Tags], i.Entry.Size, i.PushedAt, i.Entry.MediaType))],
            [.. TagsToResolve(r.Tags.Keys.Concat(r.Images.SelectMany(i => i.Tags))).Where(r.Tags.ContainsKey).Select(t => (t, r.Tags[t]))],
            [.. Listed(r, TagStatus.Any)]))]);

    /// <summary>The mode and filters of a repository, or null when it does not exist.</summary>
    public (string Mode, string[] Filters)? PolicyOf(string name) =>
        _repos.TryGetValue(name, out Repo? repo) ? (repo.Mode, [.. repo.Filters]) : null;
}
