namespace TagImmutability;

/// <summary>Why <see cref="Registry.PlanUntaggedExpiry(RepositoryName, TimeSpan)"/> keeps an image.</summary>
public enum ExpiryKeepReason
{
    /// <summary>The image has tags: only untagged images expire.</summary>
    Tagged = 0,

    /// <summary>Untagged, but pushed at or after the cutoff: not old enough.</summary>
    TooYoung = 1,

    /// <summary>Untagged and old enough, but an index that is kept references it: expiring it would break that index.</summary>
    ReferencedByKeptIndex = 2,
}
