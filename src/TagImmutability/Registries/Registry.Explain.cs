using System.Collections.Immutable;
using TagImmutability.Registries;
using TagImmutability.Storage;

namespace TagImmutability;

/// <summary>Explanations and dry runs: they read one snapshot, never lock and never write anything (no history either).</summary>
public sealed partial class Registry
{
    /// <summary>Explains one tag: its ruling, the digest it names, and what pushes to it would do.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tag">The tag; it need not exist.</param>
    /// <returns>The explanation, from one snapshot.</returns>
    /// <exception cref="ArgumentException"><paramref name="tag"/> is the default value.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> or <paramref name="tag"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public TagExplanation Explain(RepositoryName repository, Tag tag) => Sync(ExplainCoreAsync(repository, tag, CancellationToken.None));

    private async ValueTask<TagExplanation> ExplainCoreAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken)
    {
        ValidateName(repository);
        if (tag.IsDefault)
        {
            throw new ArgumentException("tag is default(Tag), which is not a tag", nameof(tag));
        }

        ValidateTag(tag);
        RepositoryState state = await ReadAsync(repository, _memory is not null ? RepositoryQuery.None : RepositoryQuery.For([tag], []), cancellationToken).ConfigureAwait(false);
        return new TagExplanation(repository, tag, state.Info.Policy, state.Tags.TryGetValue(tag.Value, out Digest d) ? d : null);
    }

    /// <summary>
    /// Every existing tag whose protection (<see cref="TagMutabilityRuling.IsImmutable"/>) would change if
    /// <paramref name="proposedPolicy"/> replaced the repository's policy, with both rulings. Tags whose protection stays
    /// the same are left out, even when the rule that decides changes.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="proposedPolicy">The policy to try.</param>
    /// <returns>The changes, in ordinal order of tag.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="proposedPolicy"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public ImmutableArray<TagProtectionChange> PreviewPolicyChange(RepositoryName repository, TagMutabilityPolicy proposedPolicy) =>
        Sync(PreviewPolicyChangeCoreAsync(repository, proposedPolicy, CancellationToken.None));

    private async ValueTask<ImmutableArray<TagProtectionChange>> PreviewPolicyChangeCoreAsync(RepositoryName repository, TagMutabilityPolicy proposedPolicy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(proposedPolicy);
        RepositoryState state = await ReadAsync(repository, RepositoryQuery.All, cancellationToken).ConfigureAwait(false);
        TagMutabilityPolicy current = state.Info.Policy;
        var changes = ImmutableArray.CreateBuilder<TagProtectionChange>();
        foreach (KeyValuePair<string, Digest> binding in state.Tags.Pairs().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            TagMutabilityRuling before = current.Rule(binding.Key);
            TagMutabilityRuling after = proposedPolicy.Rule(binding.Key);
            if (before.IsImmutable != after.IsImmutable)
            {
                changes.Add(new TagProtectionChange(ExistingTag(binding.Key), binding.Value, before, after));
            }
        }

        return changes.ToImmutable();
    }

    /// <summary>The existing tags <paramref name="filter"/> matches, with the digests they name: Docker Hub's "verify" of a pattern.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="filter">The filter.</param>
    /// <returns>One id (digest and tag) per matching tag, in ordinal order of tag.</returns>
    /// <exception cref="ArgumentException"><paramref name="filter"/> is the default value.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public ImmutableArray<ImageId> VerifyPattern(RepositoryName repository, TagFilter filter) =>
        Sync(VerifyPatternCoreAsync(repository, filter, CancellationToken.None));

    private async ValueTask<ImmutableArray<ImageId>> VerifyPatternCoreAsync(RepositoryName repository, TagFilter filter, CancellationToken cancellationToken)
    {
        if (filter.IsDefault)
        {
            throw new ArgumentException("filter is default(TagFilter), which is not a filter", nameof(filter));
        }

        RepositoryState state = await ReadAsync(repository, RepositoryQuery.All, cancellationToken).ConfigureAwait(false);
        return [.. state.Tags.Pairs()
            .Where(p => filter.IsMatch(p.Key.AsSpan()))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new ImageId(p.Value, ExistingTag(p.Key)))];
    }

    /// <summary>
    /// The decision each push of a plan would get, evaluated in order as if each allowed one had been applied before the
    /// next, without applying any. Only tags are considered: digests need not name stored images, and failures a real
    /// push could still meet for other reasons (missing referenced manifests, limits) are not predicted.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="plan">The pushes, in order: a tag and the digest it would be pushed to.</param>
    /// <returns>One decision per push, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A tag or digest of the plan is the default value.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> or a tag breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public ImmutableArray<TagWriteDecision> CheckPushPlan(RepositoryName repository, IEnumerable<(Tag Tag, Digest Digest)> plan) =>
        CheckPushPlan(repository, plan, null);

    /// <summary>
    /// <see cref="CheckPushPlan(RepositoryName, IEnumerable{ValueTuple{Tag, Digest}})"/> under a proposed policy instead
    /// of the repository's: what the plan would get after <see cref="PutImageTagMutability(RepositoryName, TagMutabilityPolicy)"/>
    /// with <paramref name="policy"/>, on today's tags.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="plan">The pushes, in order: a tag and the digest it would be pushed to.</param>
    /// <param name="policy">The policy to decide with; <see langword="null"/> for the repository's own.</param>
    /// <returns>One decision per push, in order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A tag or digest of the plan is the default value.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> or a tag breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public ImmutableArray<TagWriteDecision> CheckPushPlan(RepositoryName repository, IEnumerable<(Tag Tag, Digest Digest)> plan, TagMutabilityPolicy? policy) =>
        Sync(CheckPushPlanCoreAsync(repository, plan, policy, CancellationToken.None));

    private async ValueTask<ImmutableArray<TagWriteDecision>> CheckPushPlanCoreAsync(RepositoryName repository, IEnumerable<(Tag Tag, Digest Digest)> plan, TagMutabilityPolicy? policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ImmutableArray<(Tag Tag, Digest Digest)> pushes = [.. plan];
        foreach ((Tag tag, Digest digest) in pushes)
        {
            if (tag.IsDefault)
            {
                throw new ArgumentException("a tag of the plan is default(Tag), which is not a tag", nameof(plan));
            }

            ValidateTag(tag);
            if (digest.IsDefault)
            {
                throw new ArgumentException("a digest of the plan is default(Digest), which names no content", nameof(plan));
            }
        }

        RepositoryState state = await ReadAsync(
            repository,
            _memory is not null ? RepositoryQuery.None : RepositoryQuery.For(pushes.Select(p => p.Tag), []),
            cancellationToken).ConfigureAwait(false);
        policy ??= state.Info.Policy;
        TagIndex tags = state.Tags;
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

    // A stored tag's text was validated when it was written.
    private Tag ExistingTag(string text) => Tag.Parse(text, Options.Grammar);
}
