using System.Collections.Immutable;
using System.Text;
using TagImmutability.Internal;

namespace TagImmutability.Tests.Internal;

/// <summary>
/// The persistent tag index against a dictionary model: after any history of writes every version still answers exactly
/// as its model does, by string, UTF-16 and UTF-8 alike.
/// </summary>
public sealed class AsciiMapProperties
{
    // Few distinct keys, so histories overwrite and remove what they added; lengths around the 8- and 16-character
    // boundaries of the inline prefix, and long keys that only differ after it.
    private static readonly Gen<string> Keys = Gen.OneOf(
        Gen.Elements("a", "b", "latest", "v1.2.3", "sha-1a2b3c4", "sha-1a2b3c4d", "12345678", "123456789",
            "0123456789abcdef", "0123456789abcdef0", "0123456789abcdef1", "0123456789abcdef-long-tail-x",
            "0123456789abcdef-long-tail-y", new string('z', 128), new string('z', 127) + "y"),
        Gen.Choose(0, 400).Select(i => $"t{i}"));

    private static readonly Gen<(bool Set, string Key, int Value)> Steps =
        from set in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        from key in Keys
        from value in Gen.Choose(0, 5)
        select (set, key, value);

    private static readonly string[] Values = ["v0", "v1", "v2", "v3", "v4", "v5"];

    [Property(MaxTest = 300)]
    public Property Every_version_answers_as_its_model_does() =>
        Prop.ForAll(
            Gen.ListOf(Steps).Select(l => l.ToArray()).ToArbitrary(),
            steps =>
            {
                var versions = new List<(AsciiMap<string> Map, ImmutableDictionary<string, string> Model)>
                {
                    (AsciiMap<string>.Empty, ImmutableDictionary.Create<string, string>(StringComparer.Ordinal)),
                };
                foreach ((bool set, string key, int value) in steps)
                {
                    (AsciiMap<string> map, ImmutableDictionary<string, string> model) = versions[^1];
                    versions.Add(set
                        ? (map.SetItem(key, Values[value]), model.SetItem(key, Values[value]))
                        : (map.Remove(key), model.Remove(key)));
                }

                return versions.All(v => Agrees(v.Map, v.Model));
            });

    [Fact]
    public void Two_hundred_thousand_keys_split_buckets_and_every_one_is_found()
    {
        AsciiMap<string> map = AsciiMap<string>.Empty;
        for (int i = 0; i < 200_000; i++)
        {
            map = map.SetItem($"sha-{i:x8}", Values[i % Values.Length]);
        }

        Assert.Equal(200_000, map.Count);
        for (int i = 0; i < 200_000; i++)
        {
            Assert.True(map.TryGetValue($"sha-{i:x8}", out string? value));
            Assert.Same(Values[i % Values.Length], value);
        }

        Assert.False(map.TryGetValue("sha-ffffffff", out _));
        (int depth, int buckets) = map.Shape();
        Assert.InRange(buckets, 200_000 / AsciiMap<string>.BucketCapacity, 200_000);
        Assert.InRange(depth, 15, 20);
    }

    [Fact]
    public void Non_ascii_text_is_refused_as_a_key_and_found_nowhere()
    {
        AsciiMap<string> map = AsciiMap<string>.Empty.SetItem("latest", "x");
        Assert.Throws<ArgumentException>(() => map.SetItem("lätest", "y"));
        Assert.False(map.TryGetValue("lätest", out _));
        Assert.False(map.TryGetValue("l\u0161test-with-more-than-16-characters", out _));
        Assert.False(map.TryGetValue("lat\u0165st"u8.ToArray().AsSpan(), out _));
        Assert.False(map.TryGetValue(Encoding.UTF8.GetBytes("lätest"), out _));
        // A UTF-16 character whose low byte is ASCII must not pass for that ASCII character.
        Assert.False(map.TryGetValue("l\u0161test".Replace('\u0161', (char)('a' + 0x100)), out _));
    }

    [Fact]
    public void Writes_leave_the_map_they_start_from_unchanged()
    {
        AsciiMap<string> before = AsciiMap<string>.Empty;
        for (int i = 0; i < 1000; i++)
        {
            before = before.SetItem($"k{i}", "old");
        }

        AsciiMap<string> after = before;
        for (int i = 0; i < 3000; i++)
        {
            after = after.SetItem($"k{i}", "new").Remove($"k{i / 2}");
        }

        Assert.Equal(1000, before.Count);
        Assert.All(Enumerable.Range(0, 1000), i => Assert.True(before.TryGetValue($"k{i}", out string? v) && v == "old"));
    }

    private static bool Agrees(AsciiMap<string> map, ImmutableDictionary<string, string> model)
    {
        if (map.Count != model.Count || !map.Pairs().OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(model.OrderBy(p => p.Key, StringComparer.Ordinal)))
        {
            return false;
        }

        foreach (string key in Probe(model.Keys))
        {
            bool expected = model.TryGetValue(key, out string? value);
            if (map.TryGetValue(key, out string? byString) != expected || byString != value
                || map.TryGetValue(key.AsSpan(), out string? bySpan) != expected || bySpan != value
                || map.TryGetValue(Encoding.ASCII.GetBytes(key), out string? byUtf8) != expected || byUtf8 != value)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> Probe(IEnumerable<string> present) =>
        present.Concat(["", "a", "latest", "latest ", "0123456789abcdef-long-tail-z", "0123456789abcdef-long-tail-", "t401"]);
}
