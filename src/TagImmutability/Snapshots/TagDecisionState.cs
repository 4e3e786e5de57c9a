using System.Collections.Immutable;
using System.Text.Json;
using TagImmutability.Snapshots;

namespace TagImmutability;

/// <summary>
/// The part of a repository's state that decides tag writes: its name, its tag mutability policy and the digest each
/// tag names. No manifests: this is what is known about a real ECR repository from the AWS CLI's
/// <c>describe-repositories</c> and <c>describe-images</c> output (<see cref="ReadEcrDescribeOutput"/>), and it is all
/// a decision needs (docs/decisions/0008-state-files-and-decisions.md).
/// </summary>
/// <remarks>
/// <see cref="CheckPushPlan"/> decides as <see cref="Registry.CheckPushPlan(RepositoryName, IEnumerable{ValueTuple{Tag, Digest}}, TagMutabilityPolicy?)"/>
/// does on a registry with the same policy and tags: both are <see cref="TagMutabilityPolicy.Evaluate"/> applied in
/// order. Images known only by their digest cannot be stored in a <see cref="Registry"/> (it keeps every image's exact
/// manifest bytes, and their sha256 is the digest), so they live here instead.
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
public sealed class TagDecisionState
{
    private TagDecisionState(string registryId, RepositoryName repository, TagMutabilityPolicy policy, ImmutableSortedDictionary<string, Digest> tags)
    {
        RegistryId = registryId;
        Repository = repository;
        Policy = policy;
        Tags = tags;
    }

    /// <summary>The registry's id (12 digits), ECR's <c>registryId</c>.</summary>
    public string RegistryId { get; }

    /// <summary>The repository's name.</summary>
    public RepositoryName Repository { get; }

    /// <summary>The repository's policy: ECR's <c>imageTagMutability</c> and <c>imageTagMutabilityExclusionFilters</c>.</summary>
    public TagMutabilityPolicy Policy { get; }

    /// <summary>Every tag, by its text, to the digest it names, in ordinal order of tag.</summary>
    public ImmutableSortedDictionary<string, Digest> Tags { get; }

    /// <summary>Creates a state from its parts.</summary>
    /// <param name="registryId">The registry's id, 12 digits.</param>
    /// <param name="repository">The repository's name.</param>
    /// <param name="policy">The repository's policy.</param>
    /// <param name="tags">The tags and the digests they name; each tag once.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="registryId"/>, <paramref name="policy"/> or <paramref name="tags"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The registry id is not 12 digits, a value is the default, or a tag is given twice.</exception>
    public static TagDecisionState Create(string registryId, RepositoryName repository, TagMutabilityPolicy policy, IEnumerable<KeyValuePair<Tag, Digest>> tags)
    {
        ArgumentNullException.ThrowIfNull(registryId);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(tags);
        if (registryId.Length != 12 || registryId.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            throw new ArgumentException($"registry id '{StateJson.Shorten(registryId)}' is invalid: it must match [0-9]{{12}}", nameof(registryId));
        }

        if (repository.IsDefault)
        {
            throw new ArgumentException("repository is default(RepositoryName), which is not a repository name", nameof(repository));
        }

        var builder = ImmutableSortedDictionary.CreateBuilder<string, Digest>(StringComparer.Ordinal);
        foreach (KeyValuePair<Tag, Digest> pair in tags)
        {
            if (pair.Key.IsDefault || pair.Value.IsDefault)
            {
                throw new ArgumentException("tags holds default(Tag) or default(Digest)", nameof(tags));
            }

            if (!builder.TryAdd(pair.Key.Value, pair.Value))
            {
                throw new ArgumentException($"tag '{pair.Key}' is given twice: a tag names one digest", nameof(tags));
            }
        }

        return new TagDecisionState(registryId, repository, policy, builder.ToImmutable());
    }

    /// <summary>The policy and tags of one repository of <paramref name="registry"/>, from one snapshot of its state.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="repository">The repository's name.</param>
    /// <returns>The state.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="registry"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public static TagDecisionState FromRegistry(Registry registry, RepositoryName repository)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registries.RepositoryState state = registry.ReadRepositoryState(repository);
        var tags = ImmutableSortedDictionary.CreateBuilder<string, Digest>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, Digest> pair in state.Tags.Pairs())
        {
            tags.Add(pair.Key, pair.Value);
        }

        return new TagDecisionState(state.Info.RegistryId, state.Info.Name, state.Info.Policy, tags.ToImmutable());
    }

    /// <summary>
    /// The decision each push of a plan would get, evaluated in order as if each allowed one had been applied before
    /// the next, without applying any: what <see cref="Registry.CheckPushPlan(RepositoryName, IEnumerable{ValueTuple{Tag, Digest}}, TagMutabilityPolicy?)"/>
    /// answers for a registry in this state. Only tags are considered; digests need not be known.
    /// </summary>
    /// <param name="plan">The pushes, in order: a tag and the digest it would be pushed to.</param>
    /// <param name="policy">The policy to decide with; <see langword="null"/> for <see cref="Policy"/>.</param>
    /// <returns>One decision per push, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A tag or digest of the plan is the default value.</exception>
    public ImmutableArray<TagWriteDecision> CheckPushPlan(IEnumerable<(Tag Tag, Digest Digest)> plan, TagMutabilityPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ImmutableArray<(Tag Tag, Digest Digest)> pushes = [.. plan];
        foreach ((Tag tag, Digest digest) in pushes)
        {
            if (tag.IsDefault)
            {
                throw new ArgumentException("a tag of the plan is default(Tag), which is not a tag", nameof(plan));
            }

            if (digest.IsDefault)
            {
                throw new ArgumentException("a digest of the plan is default(Digest), which names no content", nameof(plan));
            }
        }

        policy ??= Policy;
        ImmutableSortedDictionary<string, Digest> tags = Tags;
        var decisions = ImmutableArray.CreateBuilder<TagWriteDecision>(pushes.Length);
        foreach ((Tag tag, Digest digest) in pushes)
        {
            TagWriteDecision decision = policy.Evaluate(tag, tags.TryGetValue(tag.Value, out Digest bound) ? bound : null, digest);
            if (decision.Outcome is TagWriteOutcome.Created or TagWriteOutcome.Moved)
            {
                tags = tags.SetItem(tag.Value, digest);
            }

            decisions.Add(decision);
        }

        return decisions.MoveToImmutable();
    }

    /// <summary>
    /// Reads the JSON the AWS CLI prints for <c>aws ecr describe-repositories</c> and <c>aws ecr describe-images</c>
    /// (ECR's <c>DescribeRepositories</c> and <c>DescribeImages</c> output shapes) into one state per repository.
    /// </summary>
    /// <param name="describeRepositoriesJson">
    /// <c>{"repositories": [{"repositoryName", "registryId", "imageTagMutability", "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter"}], ...}]}</c>.
    /// <c>repositoryName</c> and <c>imageTagMutability</c> are required; <c>registryId</c> is optional (the default registry id when absent); other members (ARN, URI, <c>createdAt</c>, scanning and encryption settings) are ignored.
    /// </param>
    /// <param name="describeImagesJson">
    /// Zero or more documents <c>{"imageDetails": [{"repositoryName", "imageDigest", "imageTags": [...], ...}]}</c>, one
    /// per repository or page, as the CLI prints them. <c>repositoryName</c> and <c>imageDigest</c> are required;
    /// <c>imageTags</c> is absent for an untagged image; <c>registryId</c> is optional; other members
    /// (<c>imageSizeInBytes</c>, <c>imagePushedAt</c> as epoch seconds or an ISO 8601 string, media types, scan
    /// results) are ignored: a decision does not need them.
    /// </param>
    /// <returns>One state per repository, in the order of <paramref name="describeRepositoriesJson"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="describeImagesJson"/> is <see langword="null"/>.</exception>
    /// <exception cref="SnapshotInvalidException">
    /// A document is not valid JSON or not the shape; a value is invalid (a tag or repository name that breaks ECR's
    /// grammar, a malformed digest, an unknown <c>imageTagMutability</c>, a filter ECR refuses); or the documents
    /// disagree (an image of a repository that is not described, a repository described twice, a tag on two images, an
    /// image listed twice). The message names the document (for describe-images, by its position, from 1) and the
    /// JSON path. Nothing is returned.
    /// </exception>
    public static ImmutableArray<TagDecisionState> ReadEcrDescribeOutput(ReadOnlyMemory<byte> describeRepositoriesJson, IEnumerable<ReadOnlyMemory<byte>> describeImagesJson)
    {
        ArgumentNullException.ThrowIfNull(describeImagesJson);
        return EcrDescribeReader.Read(describeRepositoriesJson, describeImagesJson);
    }

    /// <summary>The repository, its policy and how many tags it has.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Repository} ({Policy}, {Tags.Count} tags)";
}
