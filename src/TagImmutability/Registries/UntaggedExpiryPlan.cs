using System.Collections.Immutable;

namespace TagImmutability;

/// <summary>
/// Which images of a repository expire because they are untagged and old, and which are kept and why
/// (<see cref="Registry.PlanUntaggedExpiry(RepositoryName, TimeSpan)"/>, <see cref="Registry.ExpireUntagged(RepositoryName, TimeSpan)"/>).
/// Every image of the repository is in exactly one of the two lists.
/// </summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class UntaggedExpiryPlan
{
    internal UntaggedExpiryPlan(RepositoryName repository, DateTimeOffset cutoff, ImmutableArray<ImageDetail> expired, ImmutableArray<ExpiryKeptImage> kept)
    {
        Repository = repository;
        Cutoff = cutoff;
        Expired = expired;
        Kept = kept;
    }

    /// <summary>The repository.</summary>
    public RepositoryName Repository { get; }

    /// <summary>The cutoff, UTC: the registry's clock minus <c>olderThan</c>. Images pushed strictly before it are old enough.</summary>
    public DateTimeOffset Cutoff { get; }

    /// <summary>The images that expire (untagged, pushed before <see cref="Cutoff"/>, referenced by no kept index), in push order.</summary>
    public ImmutableArray<ImageDetail> Expired { get; }

    /// <summary>Every other image with the reason it is kept, in push order.</summary>
    public ImmutableArray<ExpiryKeptImage> Kept { get; }
}
