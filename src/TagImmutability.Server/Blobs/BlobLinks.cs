using System.Collections.Concurrent;

namespace TagImmutability.Server.Blobs;

/// <summary>
/// Which repository may see which blob. A blob is stored once (<see cref="IBlobStore"/>) and linked into every
/// repository that uploaded or mounted it, as the OCI distribution spec scopes blobs by repository: a blob pushed
/// to one repository is unknown in another until it is pushed or mounted there. When its last link goes, the content
/// goes too.
/// </summary>
/// <remarks><b>Thread safety:</b> reads are lock-free; links and unlinks serialise so that a blob is never deleted while being linked.</remarks>
internal sealed class BlobLinks
{
    private readonly ConcurrentDictionary<RepositoryName, ConcurrentDictionary<Digest, byte>> _links = new();
    private readonly Lock _gate = new();
    private readonly IBlobStore _store;

    public BlobLinks(IBlobStore store) => _store = store;

    public IBlobStore Store => _store;

    /// <summary>Whether <paramref name="repository"/> may see the blob, and its size when it may.</summary>
    public bool TryGetLength(RepositoryName repository, Digest digest, out long length)
    {
        length = 0;
        return _links.TryGetValue(repository, out ConcurrentDictionary<Digest, byte>? digests)
            && digests.ContainsKey(digest)
            && _store.TryGetLength(digest, out length);
    }

    /// <summary>Whether the store holds the blob at all, in any repository.</summary>
    public bool ExistsAnywhere(Digest digest) => _store.TryGetLength(digest, out _);

    /// <summary>Commits <paramref name="upload"/> as <paramref name="digest"/> and links it into <paramref name="repository"/>.</summary>
    public void CommitAndLink(RepositoryName repository, Digest digest, IBlobUpload upload)
    {
        lock (_gate)
        {
            upload.Commit(digest);
            Links(repository).TryAdd(digest, 0);
        }
    }

    /// <summary>Links a blob the store already holds into <paramref name="repository"/> (a cross-repository mount).</summary>
    /// <returns><see langword="false"/> when the store does not hold it.</returns>
    public bool TryLink(RepositoryName repository, Digest digest)
    {
        lock (_gate)
        {
            if (!_store.TryGetLength(digest, out _))
            {
                return false;
            }

            Links(repository).TryAdd(digest, 0);
            return true;
        }
    }

    /// <summary>Removes the blob from <paramref name="repository"/>; deletes its content when no repository links it any more.</summary>
    /// <returns><see langword="false"/> when the repository did not link it.</returns>
    public bool Unlink(RepositoryName repository, Digest digest)
    {
        lock (_gate)
        {
            if (!_links.TryGetValue(repository, out ConcurrentDictionary<Digest, byte>? digests) || !digests.TryRemove(digest, out _))
            {
                return false;
            }

            if (!_links.Values.Any(other => other.ContainsKey(digest)))
            {
                _store.Delete(digest);
            }

            return true;
        }
    }

    private ConcurrentDictionary<Digest, byte> Links(RepositoryName repository) => _links.GetOrAdd(repository, static _ => new ConcurrentDictionary<Digest, byte>());
}
