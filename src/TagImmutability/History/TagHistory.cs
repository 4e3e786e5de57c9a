using System.Collections;

namespace TagImmutability.Registries;

/// <summary>
/// A repository's retained tag events, oldest first, at most <see cref="RegistryOptions.MaxHistoryEventsPerRepository"/>
/// of them, and how many older ones were dropped. Immutable: appending returns a new history.
/// </summary>
/// <remarks>
/// The events of a repository's successive histories live in one shared array: a history is a window of it, and
/// appending to the newest history writes the next slot in place, so an append costs O(1) time and no copy (an
/// <c>ImmutableList</c>, used before, copied about 2·log2(n) nodes per append and as many again to drop the oldest
/// event at the bound). Slots are written once and only past every published window, so older histories, which
/// readers may hold, never see a change. A computation that appended and was then discarded (a write that failed
/// afterwards) leaves its slot claimed; the next append to the published history finds it taken and copies its window
/// instead. When the array is full, the newest events move to a new one of at most <see cref="CapacityFor"/> slots, so
/// copies cost O(1) per append amortized, and an array keeps at most a quarter of the bound of events that its newest
/// window has dropped. Thread safety: immutable to readers; appends may race and stay correct (the slot is claimed
/// atomically).
/// </remarks>
internal sealed class TagHistory
{
    public static readonly TagHistory Empty = new(new EventBuffer(0, 0), 0, 0, 0);

    private readonly EventBuffer _buffer;
    private readonly int _start;

    private TagHistory(EventBuffer buffer, int start, int count, long dropped)
    {
        _buffer = buffer;
        _start = start;
        Count = count;
        Dropped = dropped;
    }

    /// <summary>The retained events, oldest first.</summary>
    public EventWindow Events => new(_buffer.Items, _start, Count);

    /// <summary>How many events are retained.</summary>
    public int Count { get; }

    /// <summary>How many of the oldest events were dropped to keep the bound.</summary>
    public long Dropped { get; }

    /// <summary>The sequence number the next event gets.</summary>
    public long NextSequence => Dropped + Count;

    /// <summary>
    /// A history as a snapshot recorded it (docs/snapshot-format.md) or a store read it back: the retained events and
    /// how many were dropped before them.
    /// </summary>
    public static TagHistory Restore(IReadOnlyCollection<TagEvent> events, long dropped)
    {
        if (events.Count == 0 && dropped == 0)
        {
            return Empty;
        }

        var buffer = new EventBuffer(Math.Max(events.Count, 4), events.Count);
        int at = 0;
        foreach (TagEvent item in events)
        {
            buffer.Items[at++] = item;
        }

        return new TagHistory(buffer, 0, events.Count, dropped);
    }

    /// <summary>This history with <paramref name="item"/> appended, keeping at most <paramref name="maximum"/> events.</summary>
    /// <param name="item">The event; its sequence number is the caller's business (<see cref="NextSequence"/>).</param>
    /// <param name="maximum">The bound, at least 1 (<see cref="RegistryOptions.MaxHistoryEventsPerRepository"/>).</param>
    public TagHistory Append(TagEvent item, int maximum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maximum, 1);
        EventBuffer buffer = _buffer;
        int end = _start + Count;
        int start;
        int count;
        if (end < buffer.Items.Length && Interlocked.CompareExchange(ref buffer.Claimed, end + 1, end) == end)
        {
            buffer.Items[end] = item;
            (start, count) = (_start, Count + 1);
        }
        else
        {
            // Full, or a newer history owns the next slot: the newest events move to an array of their own.
            int keep = Math.Min(Count, maximum - 1);
            int capacity = Math.Clamp(2 * (keep + 1), 4, CapacityFor(maximum));
            var fresh = new EventBuffer(capacity, keep + 1);
            Array.Copy(buffer.Items, end - keep, fresh.Items, 0, keep);
            fresh.Items[keep] = item;
            (buffer, start, count) = (fresh, 0, keep + 1);
        }

        if (count > maximum)
        {
            start += count - maximum;
            count = maximum;
        }

        return new TagHistory(buffer, start, count, Dropped + Count + 1 - count);
    }

    /// <summary>
    /// The largest array for a bound: a quarter more than the bound (at least 4 more), so that events dropped from the
    /// newest window but still in its array, which older snapshots may read, are at most a quarter of the bound, and a
    /// full array's copy (the bound's worth of references) comes at most once per quarter of the bound's appends.
    /// </summary>
    internal static int CapacityFor(int maximum) => maximum + Math.Max(maximum / 4, 4);

    // The shared array and how many of its slots are claimed; Claimed only grows.
    private sealed class EventBuffer(int capacity, int claimed)
    {
        public readonly TagEvent[] Items = capacity == 0 ? [] : new TagEvent[capacity];
        public int Claimed = claimed;
    }
}

/// <summary>A history's events, oldest first: a read-only window of its shared array.</summary>
internal readonly struct EventWindow : IReadOnlyList<TagEvent>
{
    private readonly TagEvent[] _items;
    private readonly int _start;

    public EventWindow(TagEvent[] items, int start, int count)
    {
        _items = items;
        _start = start;
        Count = count;
    }

    public int Count { get; }

    public TagEvent this[int index] => (uint)index < (uint)Count ? _items[_start + index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The length of the shared array behind the window, for tests of its bound.</summary>
    public int ArrayLength => _items.Length;

    private ArraySegment<TagEvent> Segment => new(_items, _start, Count);

    public ArraySegment<TagEvent>.Enumerator GetEnumerator() => Segment.GetEnumerator();

    IEnumerator<TagEvent> IEnumerable<TagEvent>.GetEnumerator() => ((IEnumerable<TagEvent>)Segment).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<TagEvent>)this).GetEnumerator();
}
