namespace TagImmutability.Tests.Registries.Model;

/// <summary>
/// Runs steps against the real <see cref="Registry"/> and reports outcomes and snapshots in the model's text format
/// (<see cref="Outcomes"/>). Any exception becomes <c>throws TypeName</c>, so an unexpected type shows as a mismatch.
/// </summary>
public sealed class RegistryDriver
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public RegistryDriver(Registry registry) => Registry = registry;

    public Registry Registry { get; }

    public static RepositoryName Name(string text) => RepositoryName.Parse(text);

    public static Tag TagOf(string text) => Tag.Parse(text, GrammarProfile.Ecr);

    public static ImageId IdOf(IdSpec spec) => new(spec.DigestText is null ? null : Digest.Parse(spec.DigestText), spec.Tag is null ? null : TagOf(spec.Tag));

    public string Apply(Step step)
    {
        try
        {
            return Run(step);
        }
        catch (Exception error)
        {
            return Outcomes.Throws(error.GetType().Name);
        }
    }

    private string Run(Step step)
    {
        switch (step)
        {
            case CreateRepo s:
                return Outcomes.Ok(RepoText(Registry.CreateRepository(Name(s.Repo), TagMutabilityPolicy.Create(s.Mode, s.Filters.Select(TagFilter.Parse)))));
            case DeleteRepo s:
                return Outcomes.Ok(RepoText(Registry.DeleteRepository(Name(s.Repo), s.Force)));
            case SetPolicy s:
                return Outcomes.Ok(RepoText(Registry.PutImageTagMutability(Name(s.Repo), TagMutabilityPolicy.Create(s.Mode, s.Filters.Select(TagFilter.Parse)))));
            case Push s:
                ImageDetail pushed = Registry.PutImage(
                    Name(s.Repo),
                    s.Entry.Manifest.Content,
                    s.Tag is null ? null : TagOf(s.Tag),
                    imageDigest: s.Digest switch
                    {
                        DigestArgument.Right => s.Entry.Manifest.Digest,
                        DigestArgument.Wrong => ManifestPool.GhostDigest,
                        _ => null,
                    });
                return Outcomes.Ok(ImageText(pushed, s.Entry.Bytes));
            case DeleteImages s:
                BatchDeleteImageResult deleted = Registry.BatchDeleteImage(Name(s.Repo), s.Ids.Select(IdOf));
                return Outcomes.Ok($"deleted=[{string.Join(" ", deleted.ImageIds.Select(IdText))}] failures=[{string.Join(" ", deleted.Failures.Select(FailureText))}]");
            case GetImages s:
                BatchGetImageResult got = Registry.BatchGetImage(Name(s.Repo), s.Ids.Select(IdOf));
                return Outcomes.Ok($"images=[{string.Join(" ", got.Images.Select(i => IdText(i.ImageId) + BytesCheck(i.Image)))}] failures=[{string.Join(" ", got.Failures.Select(FailureText))}]");
            case DescribeByIds s:
                return Outcomes.Ok(string.Join(" ", Registry.DescribeImages(Name(s.Repo), s.Ids.Select(IdOf)).Select(i => ImageText(i))));
            case DescribeAll s:
                return Outcomes.Ok(string.Join(" ", Registry.DescribeImages(Name(s.Repo), s.Status).Select(i => ImageText(i))));
            case ListAll s:
                return Outcomes.Ok(string.Join(" ", Registry.ListImages(Name(s.Repo), s.Status).Select(IdText)));
            case Resolve s:
                return Outcomes.Ok(Registry.TryResolveTag(Name(s.Repo), TagOf(s.Tag), out Digest digest) ? ManifestPool.Label(digest) : "none");
            case GetImage s:
                return Outcomes.Ok(Registry.TryGetImage(Name(s.Repo), ManifestPool.Entries[s.Manifest].Manifest.Digest, out ImageDetail? image) ? ImageText(image) : "none");
            case GetRepo s:
                return Outcomes.Ok(RepoText(Registry.GetRepository(Name(s.Repo))));
            case DescribeRepos s:
                return Outcomes.Ok(string.Join(" ", (s.Names is null ? Registry.DescribeRepositories() : Registry.DescribeRepositories(s.Names.Select(Name))).Select(RepoText)));
            case Snapshot:
                return Outcomes.Render(View());
            default:
                throw new InvalidOperationException(step.ToString());
        }
    }

    /// <summary>Reads the registry's whole observable state through its public API.</summary>
    /// <remarks>Not atomic across repositories or calls: take it when no one writes, or compare it only with care.</remarks>
    public RegistryView View() => new(
        [.. Registry.DescribeRepositories().Select(info =>
        {
            RepositoryName name = info.Name;
            ImageDetail[] details = [.. Registry.DescribeImages(name)];
            ImageView[] images = [.. details.Select(i => new ImageView(
                i.Digest.ToString(),
                [.. i.Tags.Select(t => t.Value)],
                i.SizeInBytes,
                (long)(i.PushedAt - Epoch).TotalSeconds,
                i.ManifestMediaType.ToString()))];
            (string, string)[] resolved = [.. ReferenceRegistry.TagsToResolve(details.SelectMany(i => i.Tags.Select(t => t.Value)))
                .Select(t => (Tag: t, Found: Registry.TryResolveTag(name, TagOf(t), out Digest d), Digest: d))
                .Where(r => r.Found)
                .Select(r => (r.Tag, r.Digest.ToString()))];
            return new RepoView(name.Value, ReferenceRegistry.ModeName(info.Policy.Mode), [.. info.Policy.Filters.Select(f => f.ToString())], (long)(info.CreatedAt - Epoch).TotalSeconds, images, resolved, [.. Registry.ListImages(name).Select(IdText)]);
        })]);

    public static string PolicyText(TagMutabilityPolicy policy) =>
        Outcomes.Policy(ReferenceRegistry.ModeName(policy.Mode), policy.Filters.Select(f => f.ToString()));

    private static string RepoText(RepositoryInfo info) =>
        Outcomes.Repo(info.Name.Value, PolicyText(info.Policy), (long)(info.CreatedAt - Epoch).TotalSeconds);

    // The bytes must be the pool's, byte for byte; a mismatch shows in the outcome.
    private static string ImageText(ImageDetail image, byte[]? expected = null) =>
        Outcomes.Image(image.Digest.ToString(), image.Tags.Select(t => t.Value)) + BytesCheck(image, expected);

    private static string BytesCheck(ImageDetail image, byte[]? expected = null)
    {
        expected ??= ManifestPool.Entries.FirstOrDefault(e => e.DigestText == image.Digest.ToString())?.Bytes;
        return expected is not null && image.Manifest.Span.SequenceEqual(expected) ? string.Empty : "!BYTES-DIFFER";
    }

    private static string IdText(ImageId id) =>
        Outcomes.Id(id.Digest?.ToString() ?? "null", id.Tag?.Value);

    private static string FailureText(ImageFailure failure) =>
        Outcomes.Failure(failure.FailureCode.ToString(), SpecOf(failure.ImageId));

    private static IdSpec SpecOf(ImageId id)
    {
        int? manifest = id.Digest is not { } digest ? null
            : digest.ToString() == ManifestPool.GhostDigestText ? IdSpec.Ghost
            : Array.FindIndex(ManifestPool.Entries, e => e.DigestText == digest.ToString());
        return new IdSpec(manifest, id.Tag?.Value);
    }
}
