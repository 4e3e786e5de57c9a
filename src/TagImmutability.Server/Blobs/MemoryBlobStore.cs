using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace TagImmutability.Server.Blobs;

/// <summary>
/// Blobs kept in memory, with a cap on the bytes held by committed blobs and uploads in progress together, so that
/// a push can never exhaust the process's memory: beyond the cap an upload is refused.
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
        private readonly MemoryBlobStore _store;
        private readonly List<byte[]> _segments = [];
        private IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
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
                    if (within == 0 && Length / SegmentedContent.SegmentSize == _segments.Count)
                    {
                        _segments.Add(new byte[SegmentedContent.SegmentSize]);
                    }

                    byte[] segment = _segments[^1];
                    int read = await source.ReadAsync(segment.AsMemory(within), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return Length - start;
                    }

                    if (Length + read > maxLength)
                    {
                        throw BlobLimitException.BlobTooLarge(maxLength);
                    }

                    if (!_store.TryReserve(read))
                    {
                        throw BlobLimitException.StoreFull(_store._capacity);
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
            if (_segments.Count > keep)
            {
                _segments.RemoveRange(keep, _segments.Count - keep);
            }

            _store.Release(Length - length);
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
            int last = (int)(Length % SegmentedContent.SegmentSize);
            if (last != 0)
            {
                // The last segment shrinks to its content, so a 1 KiB config does not keep 64 KiB alive.
                segments[^1] = segments[^1].AsSpan(0, last).ToArray();
            }

            _segments.Clear();
            if (!_store._blobs.TryAdd(digest, new SegmentedContent(segments, Length)))
            {
                // Someone committed the same content first: keep theirs.
                _store.Release(Length);
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
            _store.Release(Length);
            _sha256.Dispose();
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
