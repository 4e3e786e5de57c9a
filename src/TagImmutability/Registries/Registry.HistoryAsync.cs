using System.Collections.Immutable;

namespace TagImmutability;

// The ValueTask forms of the explanations, dry runs, history and expiry: for stores that do I/O. In memory they
// complete synchronously; an error is carried by the returned task rather than thrown from the call.
public sealed partial class Registry
{
    /// <summary>The <c>ValueTask</c> form of <see cref="Explain(RepositoryName, Tag)"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The explanation.</returns>
    public ValueTask<TagExplanation> ExplainAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default) =>
        Run(() => ExplainCoreAsync(repository, tag, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="PreviewPolicyChange(RepositoryName, TagMutabilityPolicy)"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="proposedPolicy">The policy to try.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The changes, in ordinal order of tag.</returns>
    public ValueTask<ImmutableArray<TagProtectionChange>> PreviewPolicyChangeAsync(RepositoryName repository, TagMutabilityPolicy proposedPolicy, CancellationToken cancellationToken = default) =>
        Run(() => PreviewPolicyChangeCoreAsync(repository, proposedPolicy, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="VerifyPattern(RepositoryName, TagFilter)"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="filter">The filter.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The matching ids, in ordinal order of tag.</returns>
    public ValueTask<ImmutableArray<ImageId>> VerifyPatternAsync(RepositoryName repository, TagFilter filter, CancellationToken cancellationToken = default) =>
        Run(() => VerifyPatternCoreAsync(repository, filter, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="CheckPushPlan(RepositoryName, IEnumerable{ValueTuple{Tag, Digest}}, TagMutabilityPolicy?)"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="plan">The pushes, in order.</param>
    /// <param name="policy">The policy to decide with; <see langword="null"/> for the repository's own.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>One decision per push, in order.</returns>
    public ValueTask<ImmutableArray<TagWriteDecision>> CheckPushPlanAsync(
        RepositoryName repository,
        IEnumerable<(Tag Tag, Digest Digest)> plan,
        TagMutabilityPolicy? policy = null,
        CancellationToken cancellationToken = default) =>
        Run(() => CheckPushPlanCoreAsync(repository, plan, policy, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="GetHistory(RepositoryName)"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The retained events, oldest first.</returns>
    public ValueTask<ImmutableArray<TagEvent>> GetHistoryAsync(RepositoryName repository, CancellationToken cancellationToken = default) =>
        Run(() => GetHistoryCoreAsync(repository, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="ResolveAt(RepositoryName, Tag, DateTimeOffset)"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="instant">The instant.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>What the tag named then, or unknown.</returns>
    public ValueTask<TagResolution> ResolveAtAsync(RepositoryName repository, Tag tag, DateTimeOffset instant, CancellationToken cancellationToken = default) =>
        Run(() => ResolveAtCoreAsync(repository, tag, instant, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="PlanUntaggedExpiry(RepositoryName, TimeSpan)"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="olderThan">The minimum age.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The plan.</returns>
    public ValueTask<UntaggedExpiryPlan> PlanUntaggedExpiryAsync(RepositoryName repository, TimeSpan olderThan, CancellationToken cancellationToken = default) =>
        Run(() => PlanUntaggedExpiryCoreAsync(repository, olderThan, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="ExpireUntagged(RepositoryName, TimeSpan)"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="olderThan">The minimum age.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The plan applied.</returns>
    public ValueTask<UntaggedExpiryPlan> ExpireUntaggedAsync(RepositoryName repository, TimeSpan olderThan, CancellationToken cancellationToken = default) =>
        Run(() => ExpireUntaggedCoreAsync(repository, olderThan, cancellationToken), cancellationToken);
}
