using System.Collections.Immutable;

namespace TagImmutability.Registries;

/// <summary>
/// A repository's retained tag events, oldest first, at most <see cref="RegistryOptions.MaxHistoryEventsPerRepository"/>
/// of them, and how many older ones were dropped. Immutable: appending returns a new history.
/// </summary>
internal sealed class TagHistory
{
    public static readonly TagHistory Empty = new(ImmutableList<TagEvent>.Empty, 0);

    private TagHistory(ImmutableList<TagEvent> events, long dropped)
    {
        Events = events;
        Dropped = dropped;
    }

    public ImmutableList<TagEvent> Events { get; }

    /// <summary>
    /// A history as a snapshot recorded it (docs/snapshot-format.md) or a store read it back: the retained events and
    /// how many were dropped before them.
    /// </summary>
    public static TagHistory Restore(ImmutableList<TagEvent> events, long dropped) => events.IsEmpty && dropped == 0 ? Empty : new(events, dropped);

    /// <summary>How many of the oldest events were dropped to keep the bound.</summary>
    public long Dropped { get; }

    /// <summary>The sequence number the next event gets.</summary>
    public long NextSequence => Dropped + Events.Count;

    public TagHistory Append(TagEvent item, int maximum)
    {
        ImmutableList<TagEvent> events = Events.Add(item);
        long dropped = Dropped;
        if (events.Count > maximum)
        {
            int excess = events.Count - maximum;
            events = events.RemoveRange(0, excess);
            dropped += excess;
        }

        return new TagHistory(events, dropped);
    }
}
