using System.Collections.Immutable;

namespace TagImmutability.Storage;

/// <summary>A repository's retained tag history, as <see cref="RegistryStore.ReadHistoryAsync"/> returns it.</summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class StoredHistory
{
    /// <summary>Creates the history.</summary>
    /// <param name="events">The retained events, oldest first, with consecutive sequence numbers.</param>
    /// <param name="dropped">How many older events were dropped: the first retained event's sequence number (or the next one when none is retained).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dropped"/> is negative.</exception>
    public StoredHistory(ImmutableArray<TagEvent> events, long dropped)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dropped);
        Events = events.IsDefault ? [] : events;
        Dropped = dropped;
    }

    /// <summary>The retained events, oldest first.</summary>
    public ImmutableArray<TagEvent> Events { get; }

    /// <summary>How many older events were dropped to keep the bound.</summary>
    public long Dropped { get; }
}
