namespace TagImmutability.Server.Blobs;

/// <summary>
/// Where blob content lives, addressed by its digest: the bytes of layers and configs pushed through the OCI
/// distribution API. Which repositories may see a blob is not the store's concern (<see cref="BlobLinks"/>).
/// </summary>
/// <remarks><b>Thread safety:</b> every member may be called concurrently; an upload is used by one request at a time.</remarks>
internal interface IBlobStore : IDisposable
{
    /// <summary>The size in bytes of the blob with <paramref name="digest"/>, when the store holds it.</summary>
    bool TryGetLength(Digest digest, out long length);

    /// <summary>A seekable, read-only stream over the blob, or <see langword="null"/> when the store does not hold it.</summary>
    Stream? OpenRead(Digest digest);

    /// <summary>Starts an upload; nothing is visible until <see cref="IBlobUpload.Commit"/>.</summary>
    IBlobUpload BeginUpload();

    /// <summary>Removes the blob's content, if present. The caller makes sure that no repository links it any more.</summary>
    void Delete(Digest digest);
}

/// <summary>
/// An upload in progress: bytes appended in order, hashed as they arrive (sha256 with <see cref="System.Security.Cryptography.IncrementalHash"/>),
/// then committed under the digest the client names once that digest is verified. Disposing an uncommitted upload
/// discards it and releases its memory or its temporary file.
/// </summary>
/// <remarks><b>Thread safety:</b> not thread-safe; the upload session serialises the requests that use it.</remarks>
internal interface IBlobUpload : IDisposable
{
    /// <summary>The number of bytes appended so far.</summary>
    long Length { get; }

    /// <summary>
    /// Appends everything <paramref name="source"/> yields. On any failure (the client went away, a limit was hit)
    /// the upload is rolled back to the length it had before the call, so a chunk is appended entirely or not at all.
    /// </summary>
    /// <param name="source">The bytes to append, read to their end.</param>
    /// <param name="maxLength">The most bytes the whole upload may hold.</param>
    /// <param name="cancellationToken">Cancels the copy (the upload is rolled back).</param>
    /// <returns>The number of bytes appended.</returns>
    /// <exception cref="BlobLimitException">The upload would exceed <paramref name="maxLength"/> or the store's capacity.</exception>
    Task<long> AppendAsync(Stream source, long maxLength, CancellationToken cancellationToken);

    /// <summary>Undoes the last appends: keeps the first <paramref name="length"/> bytes and re-hashes them.</summary>
    void Truncate(long length);

    /// <summary>The digest of the bytes appended so far with <paramref name="algorithm"/> (sha256 is free; others re-read the bytes).</summary>
    Digest ComputeDigest(DigestAlgorithm algorithm);

    /// <summary>
    /// Makes the bytes the store's content for <paramref name="digest"/>, which the caller has verified with
    /// <see cref="ComputeDigest"/>. When the store already holds that content, the upload is simply discarded.
    /// </summary>
    void Commit(Digest digest);

    /// <summary>
    /// Flushes the bytes appended so far to the disk (<c>fsync</c>), so that a later <see cref="Commit"/> is quick;
    /// the journaled server calls it before it takes the journal's lock. Does nothing for a store in memory.
    /// </summary>
    void FlushToDisk()
    {
    }
}
