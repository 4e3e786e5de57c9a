using TagImmutability.Registries;

namespace TagImmutability.Tests.Registries.History;

/// <summary>
/// The history's shared event array against a list model: every version, including versions appended to after a newer
/// one was made from them, keeps exactly its own events, its bound and its count of dropped events.
/// </summary>
public sealed class TagHistoryWindowProperties
{
    private static readonly RepositoryName Repository = RepositoryName.Parse("team/app");
    private static readonly Digest Image = Digest.Compute("history window"u8);

    private static TagEvent Event(long sequence, int id) =>
        new(sequence, DateTimeOffset.UnixEpoch, Repository, Tag.Parse($"t{id}"), TagEventKind.Created, null, Image, null);

    [Property(MaxTest = 500)]
    public Property Every_version_keeps_its_own_events_when_any_version_is_appended_to() =>
        Prop.ForAll(
            Gen.Choose(1, 6).ToArbitrary(),
            Gen.ListOf(Gen.Frequency((4, Gen.Constant(-1)), (1, Gen.Choose(0, 1_000)))).Select(l => l.ToArray()).ToArbitrary(),
            (maximum, steps) =>
            {
                // -1 appends to the newest version (the common case: in place); another number to an older one (a branch).
                var versions = new List<(TagHistory History, List<TagEvent> Model, long Dropped)> { (TagHistory.Empty, [], 0) };
                for (int id = 0; id < steps.Length; id++)
                {
                    (TagHistory history, List<TagEvent> model, long dropped) = versions[steps[id] < 0 ? versions.Count - 1 : steps[id] % versions.Count];
                    TagEvent item = Event(history.NextSequence, id);
                    List<TagEvent> next = [.. model, item];
                    int excess = Math.Max(0, next.Count - maximum);
                    versions.Add((history.Append(item, maximum), [.. next.Skip(excess)], dropped + excess));
                }

                return versions.All(v =>
                    v.History.Events.SequenceEqual(v.Model)
                    && v.History.Count == v.Model.Count
                    && v.History.Events.Count == v.Model.Count
                    && v.History.Dropped == v.Dropped
                    && v.History.NextSequence == v.Dropped + v.Model.Count
                    && Enumerable.Range(0, v.Model.Count).All(i => ReferenceEquals(v.History.Events[i], v.Model[i])));
            });

    [Property(MaxTest = 100)]
    public Property A_restored_history_appends_as_the_one_it_was_read_from() =>
        Prop.ForAll(
            Gen.Choose(0, 20).ToArbitrary(),
            Gen.Choose(0, 5).ToArbitrary(),
            (count, dropped) =>
            {
                TagEvent[] events = [.. Enumerable.Range(0, count).Select(i => Event(dropped + i, i))];
                TagEvent appended = Event(dropped + count, count);
                TagHistory restored = TagHistory.Restore(events, dropped).Append(appended, 8);
                TagEvent[] expected = [.. events.Append(appended).TakeLast(8)];
                return restored.Events.SequenceEqual(expected) && restored.Dropped == dropped + count + 1 - expected.Length;
            });

    [Property(MaxTest = 200)]
    public Property The_shared_array_keeps_at_most_a_quarter_of_the_bound_beyond_it() =>
        Prop.ForAll(
            Gen.Choose(1, 40).ToArbitrary(),
            Gen.Choose(0, 200).ToArbitrary(),
            (maximum, appends) =>
            {
                TagHistory history = TagHistory.Empty;
                int longest = 0;
                for (int i = 0; i < appends; i++)
                {
                    history = history.Append(Event(history.NextSequence, i), maximum);
                    longest = Math.Max(longest, history.Events.ArrayLength);
                }

                return longest <= TagHistory.CapacityFor(maximum) && TagHistory.CapacityFor(maximum) - maximum <= Math.Max(maximum / 4, 4);
            });

    [Fact]
    public void Appends_racing_on_one_version_each_get_that_version_plus_their_own_event()
    {
        TagHistory start = TagHistory.Empty;
        for (int i = 0; i < 5; i++)
        {
            start = start.Append(Event(i, i), 1_000);
        }

        for (int round = 0; round < 200; round++)
        {
            var results = new TagHistory[8];
            var items = new TagEvent[results.Length];
            Parallel.For(0, results.Length, i =>
            {
                items[i] = Event(start.NextSequence, 1_000 + i);
                results[i] = start.Append(items[i], 1_000);
            });

            for (int i = 0; i < results.Length; i++)
            {
                TagEvent[] expected = [.. start.Events, items[i]];
                Assert.Equal(expected, results[i].Events.ToArray());
            }

            start = results[round % results.Length];
        }
    }

    [Fact]
    public void Indexing_outside_the_window_is_refused()
    {
        TagHistory history = TagHistory.Empty.Append(Event(0, 0), 4).Append(Event(1, 1), 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => history.Events[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => history.Events[-1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => history.Append(Event(2, 2), 0));
    }
}
