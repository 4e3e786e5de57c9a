namespace TagImmutability.Tests.Registries.Model;

/// <summary>What a push says about the digest: nothing, the right digest, or a wrong one.</summary>
public enum DigestArgument
{
    None,
    Right,
    Wrong,
}

/// <summary>
/// An image id as a step names it: a pool manifest (or <see cref="Ghost"/>, a digest never pushed), a tag, both, or
/// neither.
/// </summary>
public readonly record struct IdSpec(int? Manifest, string? Tag)
{
    public const int Ghost = -1;

    public string? DigestText => Manifest switch
    {
        null => null,
        Ghost => ManifestPool.GhostDigestText,
        int i => ManifestPool.Entries[i].DigestText,
    };

    public override string ToString() =>
        $"{{{(Manifest is null ? "-" : Manifest == Ghost ? "ghost" : ManifestPool.Entries[Manifest.Value].Label)}:{Tag ?? "-"}}}";
}

/// <summary>One operation of a generated sequence. Every step has a readable <see cref="object.ToString"/>, which FsCheck prints on a failure.</summary>
public abstract record Step
{
    /// <summary>Whether the step only reads: it never changes the registry, whatever it returns.</summary>
    public virtual bool IsRead => false;

    protected static string FiltersText(string[] filters) => filters.Length == 0 ? string.Empty : $" [{string.Join(", ", filters)}]";

    protected static string IdsText(IdSpec[] ids) => string.Join(" ", ids);
}

public sealed record CreateRepo(string Repo, ImageTagMutability Mode, string[] Filters) : Step
{
    public override string ToString() => $"CreateRepository({Repo}, {Mode}{FiltersText(Filters)})";
}

public sealed record DeleteRepo(string Repo, bool Force) : Step
{
    public override string ToString() => $"DeleteRepository({Repo}, force: {Force})";
}

public sealed record SetPolicy(string Repo, ImageTagMutability Mode, string[] Filters) : Step
{
    public override string ToString() => $"PutImageTagMutability({Repo}, {Mode}{FiltersText(Filters)})";
}

public sealed record Push(string Repo, int Manifest, string? Tag, DigestArgument Digest) : Step
{
    public PoolEntry Entry => ManifestPool.Entries[Manifest];

    public override string ToString() =>
        $"PutImage({Repo}, {Entry.Label}, tag: {Tag ?? "none"}{(Digest == DigestArgument.None ? string.Empty : $", imageDigest: {Digest}")})";
}

public sealed record DeleteImages(string Repo, IdSpec[] Ids) : Step
{
    public override string ToString() => $"BatchDeleteImage({Repo}, {IdsText(Ids)})";
}

public sealed record GetImages(string Repo, IdSpec[] Ids) : Step
{
    public override bool IsRead => true;

    public override string ToString() => $"BatchGetImage({Repo}, {IdsText(Ids)})";
}

public sealed record DescribeByIds(string Repo, IdSpec[] Ids) : Step
{
    public override bool IsRead => true;

    public override string ToString() => $"DescribeImages({Repo}, {IdsText(Ids)})";
}

public sealed record DescribeAll(string Repo, TagStatus Status) : Step
{
    public override bool IsRead => true;

    public override string ToString() => $"DescribeImages({Repo}, {Status})";
}

public sealed record ListAll(string Repo, TagStatus Status) : Step
{
    public override bool IsRead => true;

    public override string ToString() => $"ListImages({Repo}, {Status})";
}

public sealed record Resolve(string Repo, string Tag) : Step
{
    public override bool IsRead => true;

    public override string ToString() => $"TryResolveTag({Repo}, {Tag})";
}

public sealed record GetImage(string Repo, int Manifest) : Step
{
    public override bool IsRead => true;

    public override string ToString() => $"TryGetImage({Repo}, {ManifestPool.Entries[Manifest].Label})";
}

public sealed record GetRepo(string Repo) : Step
{
    public override bool IsRead => true;

    public override string ToString() => $"GetRepository({Repo})";
}

public sealed record DescribeRepos(string[]? Names) : Step
{
    public override bool IsRead => true;

    public override string ToString() => $"DescribeRepositories({(Names is null ? "all" : string.Join(", ", Names))})";
}

/// <summary>The whole observable state, as one read; the concurrency tests end every history with it.</summary>
public sealed record Snapshot : Step
{
    public override bool IsRead => true;

    public override string ToString() => "Snapshot";
}

/// <summary>The limits a generated sequence runs under: ECR's, or small ones so that LimitExceededException happens.</summary>
public sealed record Limits(int MaxTagsPerImage, int MaxImagesPerRepository)
{
    public static readonly Limits Ecr = new(RegistryOptions.DefaultMaxTagsPerImage, RegistryOptions.DefaultMaxImagesPerRepository);

    public override string ToString() => this == Ecr ? "ECR limits" : $"MaxTagsPerImage={MaxTagsPerImage}, MaxImagesPerRepository={MaxImagesPerRepository}";
}

/// <summary>A generated test case: limits and a sequence of steps, printed one step a line.</summary>
public sealed record Scenario(Limits Limits, Step[] Steps)
{
    public override string ToString() =>
        $"{Limits}, {Steps.Length} steps:{Environment.NewLine}" + string.Join(Environment.NewLine, Steps.Select((s, i) => $"  {i + 1,2}. {s}"));
}
