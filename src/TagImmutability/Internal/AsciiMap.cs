using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TagImmutability.Internal;

/// <summary>
/// A persistent hash map from ASCII strings (tags, repository names) to values: every write returns a new map and leaves
/// this one unchanged, sharing all but a few small arrays with it, so a reader holding a map needs no lock and never
/// sees half a write (docs/decisions/0007-tag-index.md).
/// </summary>
/// <remarks>
/// <para>
/// Extendible hashing: the top <c>depth</c> bits of a key's hash index a directory of buckets, each an array of at most
/// <see cref="BucketCapacity"/> entries; a bucket that overflows splits in two, and the directory doubles when a bucket
/// already uses all its bits. The directory is two levels (a root of chunks of bucket references) so a write copies one
/// bucket, one chunk and the root, each about the square root of the directory's size, never the whole directory.
/// </para>
/// <para>
/// A lookup is: hash the key (<see cref="AsciiKey"/>), two array reads to the bucket, and a scan comparing 64-bit
/// fingerprints and the 16-byte prefix stored in each entry. A key of at most 16 characters is decided inside the
/// bucket without reading the stored string, so a lookup touches three arrays, the fewest dependent memory loads of any
/// structure we measured (docs/benchmarks.md).
/// </para>
/// <para>Keys must be ASCII; lookups of other text find nothing. Thread safety: immutable; safe to share.</para>
/// </remarks>
/// <typeparam name="TValue">The values: a reference type, so that an entry is 40 bytes.</typeparam>
[DebuggerDisplay("Count = {Count}")]
internal sealed class AsciiMap<TValue>
    where TValue : class
{
    /// <summary>The most entries a bucket holds before it splits: 8.</summary>
    public const int BucketCapacity = 8;

    /// <summary>
    /// The deepest directory: 2^22 buckets. Past it a full bucket grows instead of splitting, which only a flood of
    /// colliding hashes could cause, since the hash is seeded per process.
    /// </summary>
    private const int MaxDepth = 22;

    private readonly Entry[][][] _root;
    private readonly int _chunkBits;
    private readonly int _depth;

    private AsciiMap(Entry[][][] root, int depth, int count)
    {
        _root = root;
        _depth = depth;
        _chunkBits = ChunkBitsFor(depth);
        Count = count;
    }

    /// <summary>The empty map.</summary>
    public static AsciiMap<TValue> Empty { get; } = new([[NewBucket(0)]], 0, 0);

    /// <summary>How many keys the map holds.</summary>
    public int Count { get; }

    /// <summary>Whether the map is empty.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Every key, in no particular order.</summary>
    public IEnumerable<string> Keys => Pairs().Select(p => p.Key);

    /// <summary>Every value, in no particular order (once per key).</summary>
    public IEnumerable<TValue> Values => Pairs().Select(p => p.Value);

    /// <summary>Looks a key up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => TryGetValue(key.AsSpan(), out value);

    /// <summary>Looks up a key given as UTF-16; nothing allocates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(ReadOnlySpan<char> key, [MaybeNullWhen(false)] out TValue value)
    {
        if (AsciiKey.TryCreate(key, out AsciiKey shape))
        {
            Entry[] bucket = BucketOf(shape.Fingerprint);
            for (int i = 0; i < bucket.Length; i++)
            {
                ref Entry entry = ref bucket[i];
                if (entry.Fingerprint == shape.Fingerprint && entry.Prefix0 == shape.Prefix0 && entry.Prefix1 == shape.Prefix1
                    && AsciiKey.RestEquals(entry.Key, key))
                {
                    value = entry.Value;
                    return true;
                }
            }
        }

        value = null;
        return false;
    }

    /// <summary>Looks up a key given as UTF-8; nothing allocates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(ReadOnlySpan<byte> utf8Key, [MaybeNullWhen(false)] out TValue value)
    {
        if (AsciiKey.TryCreate(utf8Key, out AsciiKey shape))
        {
            Entry[] bucket = BucketOf(shape.Fingerprint);
            for (int i = 0; i < bucket.Length; i++)
            {
                ref Entry entry = ref bucket[i];
                if (entry.Fingerprint == shape.Fingerprint && entry.Prefix0 == shape.Prefix0 && entry.Prefix1 == shape.Prefix1
                    && AsciiKey.RestEquals(entry.Key, utf8Key))
                {
                    value = entry.Value;
                    return true;
                }
            }
        }

        value = null;
        return false;
    }

    /// <summary>Whether the map holds <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <summary>The map with <paramref name="key"/> bound to <paramref name="value"/> (added or replaced).</summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not ASCII.</exception>
    public AsciiMap<TValue> SetItem(string key, TValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!AsciiKey.TryCreate(key, out AsciiKey shape))
        {
            throw new ArgumentException($"key '{key}' is not ASCII; tags and repository names are", nameof(key));
        }

        var entry = new Entry(shape, key, value);
        var writer = new Writer(this);
        while (true)
        {
            int slot = writer.SlotOf(shape.Fingerprint);
            Entry[] bucket = writer.Bucket(slot);
            int found = IndexOf(bucket, shape, key);
            if (found >= 0)
            {
                if (ReferenceEquals(bucket[found].Value, value))
                {
                    return this;
                }

                Entry[] replaced = (Entry[])bucket.Clone();
                replaced[found] = entry;
                writer.Replace(slot, bucket, replaced);
                return writer.Finish(Count);
            }

            if (bucket.Length < BucketCapacity || writer.LocalDepth(slot, bucket) == MaxDepth)
            {
                Entry[] grown = new Entry[bucket.Length + 1];
                bucket.CopyTo(grown, 0);
                grown[^1] = entry;
                writer.Replace(slot, bucket, grown);
                return writer.Finish(Count + 1);
            }

            writer.Split(slot, bucket);
        }
    }

    /// <summary>The map with <paramref name="key"/> added.</summary>
    /// <exception cref="ArgumentException">The map holds <paramref name="key"/> already, or it is not ASCII.</exception>
    public AsciiMap<TValue> Add(string key, TValue value) =>
        ContainsKey(key) ? throw new ArgumentException($"key '{key}' is in the map already", nameof(key)) : SetItem(key, value);

    /// <summary>The map without <paramref name="key"/>; this map when it does not hold it.</summary>
    public AsciiMap<TValue> Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!AsciiKey.TryCreate(key, out AsciiKey shape))
        {
            return this;
        }

        var writer = new Writer(this);
        int slot = writer.SlotOf(shape.Fingerprint);
        Entry[] bucket = writer.Bucket(slot);
        int found = IndexOf(bucket, shape, key);
        if (found < 0)
        {
            return this;
        }

        // No merging of buckets: a map that shrinks keeps its directory, which costs 8 bytes per bucket.
        Entry[] shrunk = NewBucket(bucket.Length - 1);
        Array.Copy(bucket, 0, shrunk, 0, found);
        Array.Copy(bucket, found + 1, shrunk, found, bucket.Length - found - 1);
        writer.Replace(slot, bucket, shrunk);
        return writer.Finish(Count - 1);
    }

    /// <summary>Every key and value, in no particular order.</summary>
    public IEnumerable<KeyValuePair<string, TValue>> Pairs()
    {
        Entry[]? previous = null;
        foreach (Entry[][] chunk in _root)
        {
            foreach (Entry[] bucket in chunk)
            {
                // A bucket of a shallower local depth fills a run of consecutive slots: count it once.
                if (ReferenceEquals(bucket, previous))
                {
                    continue;
                }

                previous = bucket;
                foreach (Entry entry in bucket)
                {
                    yield return new KeyValuePair<string, TValue>(entry.Key, entry.Value);
                }
            }
        }
    }

    /// <summary>The directory's shape, for tests: its depth and the number of distinct buckets.</summary>
    internal (int Depth, int Buckets) Shape() => (_depth, _root.SelectMany(c => c).Distinct(ReferenceEqualityComparer.Instance).Count());

    // The top `depth` bits of the fingerprint, as a slot of the directory (shifted in two steps so that depth 0 works).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SlotOf(ulong fingerprint, int depth) => (int)((fingerprint >> 1) >> (63 - depth));

    private static int ChunkBitsFor(int depth) => (depth + 1) / 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Entry[] BucketOf(ulong fingerprint)
    {
        int slot = SlotOf(fingerprint, _depth);
        return _root[slot >> _chunkBits][slot & ((1 << _chunkBits) - 1)];
    }

    private static int IndexOf(Entry[] bucket, AsciiKey shape, string key)
    {
        for (int i = 0; i < bucket.Length; i++)
        {
            ref Entry entry = ref bucket[i];
            if (entry.Fingerprint == shape.Fingerprint && entry.Prefix0 == shape.Prefix0 && entry.Prefix1 == shape.Prefix1
                && AsciiKey.RestEquals(entry.Key, key))
            {
                return i;
            }
        }

        return -1;
    }

    // Distinct empty buckets on purpose: a bucket's identity marks the run of slots it fills, so two empty buckets must
    // not be the same array.
    private static Entry[] NewBucket(int length) => new Entry[length];

    /// <summary>One entry: 40 bytes, the key's fingerprint and first 16 characters inline.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Entry
    {
        public readonly ulong Fingerprint;
        public readonly ulong Prefix0;
        public readonly ulong Prefix1;
        public readonly string Key;
        public readonly TValue Value;

        public Entry(AsciiKey shape, string key, TValue value)
        {
            Fingerprint = shape.Fingerprint;
            Prefix0 = shape.Prefix0;
            Prefix1 = shape.Prefix1;
            Key = key;
            Value = value;
        }
    }

    /// <summary>
    /// One write's copy of the directory: the root and each chunk are copied the first time the write changes them, so
    /// the old map is never touched.
    /// </summary>
    private struct Writer
    {
        private readonly AsciiMap<TValue> _source;
        private Entry[][][] _root;
        private int _depth;
        private bool _rootOwned;
        private bool _allChunksOwned;

        public Writer(AsciiMap<TValue> source)
        {
            _source = source;
            _root = source._root;
            _depth = source._depth;
            _rootOwned = false;
            _allChunksOwned = false;
        }

        private readonly int ChunkBits => ChunkBitsFor(_depth);

        public readonly int SlotOf(ulong fingerprint) => AsciiMap<TValue>.SlotOf(fingerprint, _depth);

        public readonly Entry[] Bucket(int slot) => _root[slot >> ChunkBits][slot & ((1 << ChunkBits) - 1)];

        // The bucket at `slot` fills an aligned run of 2^(depth - local depth) slots: find its length by doubling while
        // the run's buddy half still holds the same bucket.
        public readonly int LocalDepth(int slot, Entry[] bucket)
        {
            int run = 1;
            while (run < (1 << _depth) && ReferenceEquals(Bucket(slot ^ run), bucket))
            {
                run <<= 1;
            }

            return _depth - System.Numerics.BitOperations.Log2((uint)run);
        }

        // Points every slot of `old`'s run at `replacement`.
        public void Replace(int slot, Entry[] old, Entry[] replacement)
        {
            int run = 1 << (_depth - LocalDepth(slot, old));
            int first = slot & ~(run - 1);
            for (int s = first; s < first + run; s++)
            {
                Set(s, replacement);
            }
        }

        // Splits a full bucket by the next bit of its entries' fingerprints, doubling the directory first when the
        // bucket already uses every bit of it.
        public void Split(int slot, Entry[] bucket)
        {
            int local = LocalDepth(slot, bucket);
            if (local == _depth)
            {
                Double();
                slot = (slot << 1) & ~1;
            }

            int run = 1 << (_depth - local);
            int first = slot & ~(run - 1);
            int bit = 63 - local;
            var low = new List<Entry>(bucket.Length);
            var high = new List<Entry>(bucket.Length);
            foreach (Entry entry in bucket)
            {
                (((entry.Fingerprint >> bit) & 1) == 0 ? low : high).Add(entry);
            }

            Entry[] lowBucket = NewBucket(low.Count);
            low.CopyTo(lowBucket);
            Entry[] highBucket = NewBucket(high.Count);
            high.CopyTo(highBucket);
            for (int s = first; s < first + run; s++)
            {
                Set(s, s < first + (run / 2) ? lowBucket : highBucket);
            }
        }

        public readonly AsciiMap<TValue> Finish(int count) => new(_root, _depth, count);

        private void Set(int slot, Entry[] bucket)
        {
            if (!_rootOwned)
            {
                _root = (Entry[][][])_root.Clone();
                _rootOwned = true;
            }

            int chunkIndex = slot >> ChunkBits;
            Entry[][] chunk = _root[chunkIndex];
            if (!_allChunksOwned && ReferenceEquals(chunk, _source._root[chunkIndex]))
            {
                chunk = (Entry[][])chunk.Clone();
                _root[chunkIndex] = chunk;
            }

            chunk[slot & ((1 << ChunkBits) - 1)] = bucket;
        }

        // Every slot becomes two; all chunks are new, so the write owns them all.
        private void Double()
        {
            int depth = _depth + 1;
            int chunkBits = ChunkBitsFor(depth);
            int chunkLength = 1 << chunkBits;
            var root = new Entry[1 << (depth - chunkBits)][][];
            for (int c = 0; c < root.Length; c++)
            {
                root[c] = new Entry[chunkLength][];
            }

            for (int s = 0; s < (1 << depth); s++)
            {
                root[s >> chunkBits][s & (chunkLength - 1)] = Bucket(s >> 1);
            }

            _root = root;
            _depth = depth;
            _rootOwned = true;
            _allChunksOwned = true;
        }
    }
}
