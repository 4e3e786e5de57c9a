using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace TagImmutability.Server.Blobs;

/// <summary>
/// Blobs kept in memory, with a cap on the memory held by committed blobs and uploads in progress together (the
/// arrays allocated, so many small uploads count what they hold), so that pushes can never exhaust the process's
/// memory: beyond the cap an upload is refused.
/// </summary>
internal sealed class MemoryBlobStore : IBlobStore
{
    private readonly ConcurrentDictionary<Digest, SegmentedContent> _blobs = new();
    private readonly long _capacity;
    private long _used;

    public MemoryBlobStore(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>The bytes held now by committed blobs and uploads in progress.</summary>
    public long UsedBytes => Interlocked.Read(ref _used);

    public bool TryGetLength(Digest digest, out long length)
    {
        if (_blobs.TryGetValue(digest, out SegmentedContent? content))
        {
            length = content.Length;
            return true;
        }

        length = 0;
        return false;
    }

    public Stream? OpenRead(Digest digest) => _blobs.TryGetValue(digest, out SegmentedContent? content) ? content.OpenRead() : null;

    public IBlobUpload BeginUpload() => new Upload(this);

    public void Delete(Digest digest)
    {
        if (_blobs.TryRemove(digest, out SegmentedContent? content))
        {
            Release(content.Length);
        }
    }

    public void Dispose() => _blobs.Clear();

    private bool TryReserve(long bytes)
    {
        long after = Interlocked.Add(ref _used, bytes);
        if (after <= _capacity)
        {
            return true;
        }

        Interlocked.Add(ref _used, -bytes);
        return false;
    }

    private void Release(long bytes) => Interlocked.Add(ref _used, -bytes);

    private sealed class Upload : IBlobUpload
    {
        // The first segment starts small and doubles up to a full segment, so a config of a few hundred bytes holds
        // kilobytes, not 64 KiB, while it uploads. The cap counts the arrays allocated, not only the bytes received,
        // so that many small uploads cannot hold more memory than the cap says.
        private const int FirstSegmentSize = 4 * 1024;

        private readonly MemoryBlobStore _store;
        private readonly List<byte[]> _segments = [];
        private IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _reserved;
        private bool _finished;

        public Upload(MemoryBlobStore store) => _store = store;

        public long Length { get; private set; }

        public async Task<long> AppendAsync(Stream source, long maxLength, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_finished, this);
            long start = Length;
            try
            {
                while (true)
                {
                    int within = (int)(Length % SegmentedContent.SegmentSize);
                    int index = (int)(Length / SegmentedContent.SegmentSize);
                    if (index == _segments.Count)
                    {
                        Allocate(index == 0 ? FirstSegmentSize : SegmentedContent.SegmentSize, index);
                    }
                    else if (within == _segments[index].Length)
                    {
                        // The first segment is full below its final size: double it.
                        Allocate(_segments[index].Length * 2, index);
                    }

                    byte[] segment = _segments[index];
                    int read = await source.ReadAsync(segment.AsMemory(within), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return Length - start;
                    }

                    if (Length + read > maxLength)
                    {
                        throw BlobLimitException.BlobTooLarge(maxLength);
                    }

                    _sha256.AppendData(segment, within, read);
                    Length += read;
                }
            }
            catch
            {
                Truncate(start);
                throw;
            }
        }

        public void Truncate(long length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
            int keep = (int)((length + SegmentedContent.SegmentSize - 1) / SegmentedContent.SegmentSize);
            while (_segments.Count > keep)
            {
                Release(_segments[^1].Length);
                _segments.RemoveAt(_segments.Count - 1);
            }

            Length = length;
            _sha256.Dispose();
            _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Hash(_sha256);
        }

        public Digest ComputeDigest(DigestAlgorithm algorithm)
        {
            if (algorithm == DigestAlgorithm.Sha256)
            {
                return Digest.FromHash(algorithm, _sha256.GetCurrentHash());
            }

            using IncrementalHash other = IncrementalHash.CreateHash(algorithm == DigestAlgorithm.Sha512
                ? HashAlgorithmName.SHA512
                : throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "only sha256 and sha512 blobs can be verified"));
            Hash(other);
            return Digest.FromHash(algorithm, other.GetCurrentHash());
        }

        public void Commit(Digest digest)
        {
            ObjectDisposedException.ThrowIf(_finished, this);
            _finished = true;
            _sha256.Dispose();
            int count = (int)((Length + SegmentedContent.SegmentSize - 1) / SegmentedContent.SegmentSize);
            byte[][] segments = [.. _segments.Take(count)];
            int last = (int)(Length - ((long)(count - 1) * SegmentedContent.SegmentSize));
            if (count > 0 && segments[^1].Length != last)
            {
                // The last segment shrinks to its content, so a 1 KiB config keeps 1 KiB alive.
                segments[^1] = segments[^1].AsSpan(0, last).ToArray();
            }

            _segments.Clear();
            if (_store._blobs.TryAdd(digest, new SegmentedContent(segments, Length)))
            {
                Release(_reserved - Length);
            }
            else
            {
                // Someone committed the same content first: keep theirs.
                Release(_reserved);
            }
        }

        public void Dispose()
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            _segments.Clear();
            Release(_reserved);
            _sha256.Dispose();
        }

        // Replaces (or adds) segment `index` with an array of `size` bytes holding the old one's content.
        private void Allocate(int size, int index)
        {
            int previous = index < _segments.Count ? _segments[index].Length : 0;
            if (!_store.TryReserve(size - previous))
            {
                throw BlobLimitException.StoreFull(_store._capacity);
            }

            _reserved += size - previous;
            var segment = new byte[size];
            if (index < _segments.Count)
            {
                _segments[index].CopyTo(segment, 0);
                _segments[index] = segment;
            }
            else
            {
                _segments.Add(segment);
            }
        }

        private void Release(long bytes)
        {
            _reserved -= bytes;
            _store.Release(bytes);
        }

        private void Hash(IncrementalHash hash)
        {
            long remaining = Length;
            foreach (byte[] segment in _segments)
            {
                int count = (int)Math.Min(segment.Length, remaining);
                hash.AppendData(segment, 0, count);
                remaining -= count;
            }
        }
    }
}
