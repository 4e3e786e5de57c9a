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

    /// <summary>
    /// Links a blob that <see cref="IBlobUpload.Commit"/> has just put in the store (the journaled path: the caller
    /// serialises this with every unlink, so the content cannot vanish in between).
    /// </summary>
    public void LinkCommitted(RepositoryName repository, Digest digest)
    {
        lock (_gate)
        {
            Links(repository).TryAdd(digest, 0);
        }
    }

    /// <summary>A journal replay's link: recorded as a fact about the set, whatever the store holds now (see <see cref="Reconcile"/>).</summary>
    public void ReplayLink(RepositoryName repository, Digest digest) => Links(repository).TryAdd(digest, 0);

    /// <summary>A journal replay's unlink: the set only; no content is deleted until <see cref="Reconcile"/>.</summary>
    public void ReplayUnlink(RepositoryName repository, Digest digest)
    {
        if (_links.TryGetValue(repository, out ConcurrentDictionary<Digest, byte>? digests))
        {
            digests.TryRemove(digest, out _);
        }
    }

    /// <summary>Every repository's linked digests, in ordinal order of repository and digest (for a state snapshot).</summary>
    public IReadOnlyList<(RepositoryName Repository, Digest[] Digests)> Capture()
    {
        lock (_gate)
        {
            return [.. _links
                .Where(pair => !pair.Value.IsEmpty)
                .OrderBy(pair => pair.Key.Value, StringComparer.Ordinal)
                .Select(pair => (pair.Key, pair.Value.Keys.OrderBy(d => d.ToString(), StringComparer.Ordinal).ToArray()))];
        }
    }

    /// <summary>
    /// After a replay: drops links to content the store no longer holds (an upload whose record was journaled but
    /// whose file never landed), and deletes content that no repository links (a crash between an unlink's record and
    /// its file deletion, or a commit whose record never made it). Call only while no upload is in progress.
    /// </summary>
    /// <returns>The links dropped and the blobs deleted.</returns>
    public (int Dropped, int Removed) Reconcile()
    {
        lock (_gate)
        {
            int dropped = 0;
            foreach (ConcurrentDictionary<Digest, byte> digests in _links.Values)
            {
                foreach (Digest digest in digests.Keys)
                {
                    if (!_store.TryGetLength(digest, out _) && digests.TryRemove(digest, out _))
                    {
                        dropped++;
                    }
                }
            }

            int removed = 0;
            if (_store is FileBlobStore files)
            {
                foreach (Digest digest in files.EnumerateDigests())
                {
                    if (!_links.Values.Any(digests => digests.ContainsKey(digest)))
                    {
                        _store.Delete(digest);
                        removed++;
                    }
                }
            }

            return (dropped, removed);
        }
    }

    private ConcurrentDictionary<Digest, byte> Links(RepositoryName repository) => _links.GetOrAdd(repository, static _ => new ConcurrentDictionary<Digest, byte>());
}
