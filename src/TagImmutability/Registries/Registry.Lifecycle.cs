using System.Collections.Immutable;
using TagImmutability.Registries;
using TagImmutability.Storage;

namespace TagImmutability;

/// <summary>Lifecycle: expiry of old untagged images, as a dry run and applied.</summary>
public sealed partial class Registry
{
    /// <summary>
    /// A dry run of <see cref="ExpireUntagged(RepositoryName, TimeSpan)"/>: the untagged images pushed more than
    /// <paramref name="olderThan"/> ago (by the registry's clock) expire, except those a kept index references (tagged,
    /// too young, or itself kept for that reason). Reads one snapshot; writes nothing.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="olderThan">The minimum age; zero or more.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="olderThan"/> is negative.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public UntaggedExpiryPlan PlanUntaggedExpiry(RepositoryName repository, TimeSpan olderThan) =>
        Sync(PlanUntaggedExpiryCoreAsync(repository, olderThan, CancellationToken.None));

    /// <summary>
    /// Deletes the old untagged images: computes <see cref="PlanUntaggedExpiry(RepositoryName, TimeSpan)"/> under the
    /// repository's lock and applies exactly that plan, atomically (readers see all of it or none). No tag changes, so
    /// no history events.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="olderThan">The minimum age; zero or more.</param>
    /// <returns>The plan applied.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="olderThan"/> is negative.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public UntaggedExpiryPlan ExpireUntagged(RepositoryName repository, TimeSpan olderThan) =>
        Sync(ExpireUntaggedCoreAsync(repository, olderThan, CancellationToken.None));

    private async ValueTask<UntaggedExpiryPlan> PlanUntaggedExpiryCoreAsync(RepositoryName repository, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(olderThan, TimeSpan.Zero);
        return Plan(await ReadAsync(repository, RepositoryQuery.All, cancellationToken).ConfigureAwait(false), olderThan);
    }

    private async ValueTask<UntaggedExpiryPlan> ExpireUntaggedCoreAsync(RepositoryName repository, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(olderThan, TimeSpan.Zero);
        ValidateName(repository);
        return await WriteAsync(repository, RepositoryQuery.All, state =>
        {
            UntaggedExpiryPlan plan = Plan(state, olderThan);
            foreach (ImageDetail image in plan.Expired)
            {
                state = Remove(state, state.Images[image.Digest]);
            }

            return (state, plan);
        }, null, cancellationToken).ConfigureAwait(false);
    }

    private UntaggedExpiryPlan Plan(RepositoryState state, TimeSpan olderThan)
    {
        DateTimeOffset cutoff = Now.ToUniversalTime() - olderThan;
        var reasons = new Dictionary<Digest, (ExpiryKeepReason Reason, Digest? By)>();
        var candidates = new HashSet<Digest>();
        foreach (ImageDetail image in state.Images.Values)
        {
            if (!image.Tags.IsEmpty)
            {
                reasons[image.Digest] = (ExpiryKeepReason.Tagged, null);
            }
            else if (image.PushedAt >= cutoff)
            {
                reasons[image.Digest] = (ExpiryKeepReason.TooYoung, null);
            }
            else
            {
                candidates.Add(image.Digest);
            }
        }

        // Keep every candidate a kept index references, until nothing changes: a kept index keeps its whole tree.
        var work = new Queue<Digest>(reasons.Keys);
        while (work.TryDequeue(out Digest kept))
        {
            foreach (Digest child in state.Images[kept].ReferencedDigests)
            {
                if (candidates.Remove(child))
                {
                    reasons[child] = (ExpiryKeepReason.ReferencedByKeptIndex, kept);
                    work.Enqueue(child);
                }
            }
        }

        // The smallest referencing kept index, so the plan does not depend on the order of the work queue.
        ImmutableArray<ExpiryKeptImage> keptImages = [.. state.ImagesInPushOrder()
            .Where(i => reasons.ContainsKey(i.Digest))
            .Select(i => reasons[i.Digest] is { Reason: ExpiryKeepReason.ReferencedByKeptIndex }
                ? new ExpiryKeptImage(i, ExpiryKeepReason.ReferencedByKeptIndex, state.ReferencedBy[i.Digest].Where(reasons.ContainsKey).Min())
                : new ExpiryKeptImage(i, reasons[i.Digest].Reason, null))];
        return new UntaggedExpiryPlan(
            state.Info.Name,
            cutoff,
            [.. state.ImagesInPushOrder().Where(i => candidates.Contains(i.Digest))],
            keptImages);
    }
}
