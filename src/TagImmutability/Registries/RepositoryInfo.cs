namespace TagImmutability;

/// <summary>
/// ECR's <c>Repository</c>: a repository's identity and its tag mutability policy, as <c>CreateRepository</c>,
/// <c>DescribeRepositories</c> and <c>DeleteRepository</c> return it (ECR API reference, <c>Repository</c> shape).
/// </summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class RepositoryInfo
{
    private readonly string _region;

    internal RepositoryInfo(string registryId, string region, RepositoryName name, DateTimeOffset createdAt, TagMutabilityPolicy policy)
    {
        _region = region;
        RegistryId = registryId;
        Name = name;
        CreatedAt = createdAt;
        Policy = policy;
        Arn = $"arn:aws:ecr:{region}:{registryId}:repository/{name}";
        Uri = $"{registryId}.dkr.ecr.{region}.amazonaws.com/{name}";
    }

    /// <summary>The registry's id (12 digits), ECR's <c>registryId</c>.</summary>
    public string RegistryId { get; }

    /// <summary>The repository's name, ECR's <c>repositoryName</c>.</summary>
    public RepositoryName Name { get; }

    /// <summary>ECR's <c>repositoryArn</c>: <c>arn:aws:ecr:{region}:{registryId}:repository/{name}</c>.</summary>
    public string Arn { get; }

    /// <summary>ECR's <c>repositoryUri</c>: <c>{registryId}.dkr.ecr.{region}.amazonaws.com/{name}</c>.</summary>
    public string Uri { get; }

    /// <summary>When the repository was created (UTC, from the registry's clock), ECR's <c>createdAt</c>.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The tag mutability policy: ECR's <c>imageTagMutability</c> and <c>imageTagMutabilityExclusionFilters</c>.</summary>
    public TagMutabilityPolicy Policy { get; }

    /// <summary>The repository's URI and policy.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Uri} ({Policy})";

    internal RepositoryInfo WithPolicy(TagMutabilityPolicy policy) => new(RegistryId, _region, Name, CreatedAt, policy);
}
