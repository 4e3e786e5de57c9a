using System.Globalization;
using System.Security.Cryptography;

namespace TagImmutability.Server.Blobs;

/// <summary>
/// Blobs stored content-addressed on disk: <c>DIR/blobs/sha256/ab/abcdef…</c>. An upload is written to
/// <c>DIR/uploads/</c>, hashed while it streams, and renamed into place atomically once its digest is verified, so
/// a blob file is either complete and verified or absent. Uploads left over by a previous run are removed at start.
/// </summary>
internal sealed class FileBlobStore : IBlobStore
{
    private const int BufferSize = 64 * 1024;
    private readonly string _blobs;
    private readonly string _uploads;

    public FileBlobStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string root = Path.GetFullPath(directory);
        _blobs = Path.Combine(root, "blobs");
        _uploads = Path.Combine(root, "uploads");
        Directory.CreateDirectory(_blobs);
        if (Directory.Exists(_uploads))
        {
            Directory.Delete(_uploads, recursive: true);
        }

        Directory.CreateDirectory(_uploads);
    }

    public bool TryGetLength(Digest digest, out long length)
    {
        var file = new FileInfo(PathOf(digest));
        length = file.Exists ? file.Length : 0;
        return file.Exists;
    }

    public Stream? OpenRead(Digest digest)
    {
        try
        {
            return new FileStream(PathOf(digest), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    public IBlobUpload BeginUpload() => new Upload(this, Path.Combine(_uploads, Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)));

    public void Delete(Digest digest) => File.Delete(PathOf(digest));

    /// <summary>Every blob the store holds, by walking <c>DIR/blobs/ALGORITHM/XX/ENCODED</c> (names that are not digests are ignored).</summary>
    public IEnumerable<Digest> EnumerateDigests()
    {
        foreach (string algorithm in Directory.EnumerateDirectories(_blobs))
        {
            foreach (string prefix in Directory.EnumerateDirectories(algorithm))
            {
                foreach (string file in Directory.EnumerateFiles(prefix))
                {
                    if (Digest.TryParse(Path.GetFileName(algorithm) + ":" + Path.GetFileName(file), out Digest digest))
                    {
                        yield return digest;
                    }
                }
            }
        }
    }

    public void Dispose()
    {
        // Nothing is held open between requests; uploads in progress are disposed by their sessions.
    }

    // The digest's text is validated by Digest's grammar (algorithm name and lowercase hex only), so no path
    // separator or ".." can reach the file system from a request.
    private string PathOf(Digest digest)
    {
        string encoded = digest.Encoded;
        return Path.Combine(_blobs, digest.AlgorithmName, encoded[..2], encoded);
    }

    // The temporary file is opened for each chunk and closed after it, so an idle upload session holds no file handle.
    private sealed class Upload : IBlobUpload
    {
        private readonly FileBlobStore _store;
        private readonly string _path;
        private IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private bool _finished;

        public Upload(FileBlobStore store, string path)
        {
            _store = store;
            _path = path;
            using (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
            }
        }

        public long Length { get; private set; }

        public async Task<long> AppendAsync(Stream source, long maxLength, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_finished, this);
            long start = Length;
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
                await using (file.ConfigureAwait(false))
                {
                    file.Position = Length;
                    while (true)
                    {
                        int read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false);
                        if (read == 0)
                        {
                            return Length - start;
                        }

                        if (Length + read > maxLength)
                        {
                            throw BlobLimitException.BlobTooLarge(maxLength);
                        }

                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        _sha256.AppendData(buffer, 0, read);
                        Length += read;
                    }
                }
            }
            catch
            {
                Truncate(start);
                throw;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public void Truncate(long length)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            using (var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.None))
            {
                file.SetLength(length);
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
            using (var file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                // The bytes reach the disk before the name does, so a blob file is never a torn write.
                file.Flush(flushToDisk: true);
            }

            string target = _store.PathOf(digest);
            string directory = Path.GetDirectoryName(target)!;
            CreateDurably(directory);
            try
            {
                File.Move(_path, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                // The same content was committed first; content addressing makes the two files identical.
                File.Delete(_path);
            }

            // The name reaches the disk too before the commit returns (and before the journal may name the blob).
            Journal.DirectorySync.Flush(directory);
        }

        public void FlushToDisk()
        {
            using var file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            file.Flush(flushToDisk: true);
        }

        // Creates the directory and any missing parent, flushing each new one's parent so that the path survives a power failure.
        private static void CreateDurably(string directory)
        {
            if (Directory.Exists(directory))
            {
                return;
            }

            string parent = Path.GetDirectoryName(directory)!;
            CreateDurably(parent);
            Directory.CreateDirectory(directory);
            Journal.DirectorySync.Flush(parent);
        }

        public void Dispose()
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            _sha256.Dispose();
            File.Delete(_path);
        }

        private void Hash(IncrementalHash hash)
        {
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 0);
                long remaining = Length;
                while (remaining > 0)
                {
                    int read = file.Read(buffer, 0, (int)Math.Min(BufferSize, remaining));
                    if (read == 0)
                    {
                        break;
                    }

                    hash.AppendData(buffer, 0, read);
                    remaining -= read;
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
