using TagImmutability.Registries;

namespace TagImmutability;

/// <summary>
/// Resolution, the hot path of every pull: in memory a resolve takes the repository's current snapshot without locking,
/// looks the tag up in its persistent index (docs/decisions/0007-tag-index.md) and allocates nothing, whether the tag
/// arrives as a <see cref="Tag"/>, as UTF-16 text sliced out of a reference or as UTF-8 bytes from an HTTP path.
/// </summary>
public sealed partial class Registry
{
    /// <summary>
    /// Resolves a tag to the digest it names: in memory without locking and without allocating; over a shared store, one
    /// index lookup in the store.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="digest">The digest, or <c>default</c> when the repository or the tag does not exist.</param>
    /// <returns><see langword="true"/> when the tag names a digest.</returns>
    /// <remarks>Never throws: a default repository or tag resolves to nothing. Thread safety: safe during writes, which it never waits for.</remarks>
    public bool TryResolveTag(RepositoryName repository, Tag tag, out Digest digest)
    {
        digest = default;
        if (repository.IsDefault || tag.IsDefault)
        {
            return false;
        }

        if (_memory is { } memory)
        {
            return memory.Repositories.TryGetValue(repository.Value, out RepositoryCell? cell)
                && cell.State.Tags.TryGetValue(tag.Value, out digest);
        }

        Digest? found = Sync(Store.ResolveTagAsync(repository, tag, CancellationToken.None));
        digest = found.GetValueOrDefault();
        return found is not null;
    }

    /// <summary>
    /// Resolves a tag given as UTF-16 text, such as the tag sliced out of <c>name:tag</c>: in memory without parsing,
    /// locking or allocating (text that breaks the tag grammar names no tag, so it is simply not found).
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tag">The tag's text, 1..128 characters when valid.</param>
    /// <param name="digest">The digest, or <c>default</c> when the repository or the tag does not exist or the text is not a tag.</param>
    /// <returns><see langword="true"/> when the tag names a digest.</returns>
    /// <remarks>Never throws. Over a shared store the text is parsed with the registry's grammar first (one string allocated).</remarks>
    public bool TryResolveTag(RepositoryName repository, ReadOnlySpan<char> tag, out Digest digest)
    {
        digest = default;
        if (repository.IsDefault)
        {
            return false;
        }

        if (_memory is { } memory)
        {
            return memory.Repositories.TryGetValue(repository.Value, out RepositoryCell? cell)
                && cell.State.Tags.TryGetValue(tag, out digest);
        }

        return Tag.TryParse(tag, Options.Grammar, out Tag parsed) && TryResolveTag(repository, parsed, out digest);
    }

    /// <summary>
    /// Resolves a tag given as UTF-8 bytes, as it arrives in an HTTP path (<c>/v2/name/manifests/tag</c>): in memory without
    /// decoding, locking or allocating.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="utf8Tag">The tag's UTF-8 bytes.</param>
    /// <param name="digest">The digest, or <c>default</c> when the repository or the tag does not exist or the bytes are not a tag.</param>
    /// <returns><see langword="true"/> when the tag names a digest.</returns>
    /// <remarks>Never throws. Over a shared store the bytes are parsed with the registry's grammar first (one string allocated).</remarks>
    public bool TryResolveTag(RepositoryName repository, ReadOnlySpan<byte> utf8Tag, out Digest digest)
    {
        digest = default;
        if (repository.IsDefault)
        {
            return false;
        }

        if (_memory is { } memory)
        {
            return memory.Repositories.TryGetValue(repository.Value, out RepositoryCell? cell)
                && cell.State.Tags.TryGetValue(utf8Tag, out digest);
        }

        return Tag.TryParse(utf8Tag, Options.Grammar, out Tag parsed) && TryResolveTag(repository, parsed, out digest);
    }

    /// <summary>
    /// Resolves an image reference, <c>[host[:port]/]repository:tag</c> or <c>[host[:port]/]repository[:tag]@digest</c>,
    /// in this registry: checks the text against the reference grammar (<see cref="ImageReference"/>) and looks it up, in
    /// memory without allocating.
    /// </summary>
    /// <param name="reference">The reference's text, at most <see cref="ImageReference.MaxLength"/> characters.</param>
    /// <param name="digest">
    /// For a tag, the digest it names; for a digest, that digest when the repository holds the image (and, when a tag is
    /// given as well, the tag names it, as ECR's <c>BatchGetImage</c> requires of an id with both).
    /// </param>
    /// <returns>
    /// <see langword="true"/> when the reference names an image of this registry; <see langword="false"/> when the text is
    /// not a reference, names neither a tag nor a digest (nothing is implied: no <c>latest</c>), or names nothing here.
    /// </returns>
    /// <remarks>
    /// The host, when present, is checked against the grammar but not compared with anything: a registry answers for
    /// whatever host name its clients use. Never throws.
    /// </remarks>
    public bool TryResolve(ReadOnlySpan<char> reference, out Digest digest)
    {
        digest = default;
        if (!ImageReference.TrySplit(reference, out ImageReference.Parts parts))
        {
            return false;
        }

        ReadOnlySpan<char> path = reference[parts.Repository];
        bool hasTag = !parts.Tag.Equals(default(Range));
        if (_memory is not { } memory)
        {
            return RepositoryName.TryParse(path, Options.Grammar, out RepositoryName name)
                && ResolveParts(name, hasTag ? reference[parts.Tag] : default, hasTag, parts.Digest, out digest);
        }

        if (!memory.Repositories.TryGetValue(path, out RepositoryCell? cell))
        {
            return false;
        }

        RepositoryState state = cell.State;
        if (parts.Digest.IsDefault)
        {
            return hasTag && state.Tags.TryGetValue(reference[parts.Tag], out digest);
        }

        if (!state.Images.ContainsKey(parts.Digest)
            || (hasTag && (!state.Tags.TryGetValue(reference[parts.Tag], out Digest tagged) || tagged != parts.Digest)))
        {
            return false;
        }

        digest = parts.Digest;
        return true;
    }

    /// <summary>The UTF-8 form of <see cref="TryResolve(ReadOnlySpan{char}, out Digest)"/>: decoded on the stack, nothing allocated in memory.</summary>
    /// <param name="utf8Reference">The reference's UTF-8 bytes.</param>
    /// <param name="digest">As for the UTF-16 form.</param>
    /// <returns>As for the UTF-16 form.</returns>
    public bool TryResolve(ReadOnlySpan<byte> utf8Reference, out Digest digest)
    {
        if (utf8Reference.Length > ImageReference.MaxLength)
        {
            digest = default;
            return false;
        }

        Span<char> chars = stackalloc char[utf8Reference.Length];
        return TryResolve(chars[..Internal.AsciiClasses.DecodeUtf8(utf8Reference, chars)], out digest);
    }

    /// <summary>Resolves a parsed reference in this registry, as <see cref="TryResolve(ReadOnlySpan{char}, out Digest)"/> does.</summary>
    /// <param name="reference">The reference; its registry host is not compared.</param>
    /// <param name="digest">As for the text form.</param>
    /// <returns>As for the text form; <see langword="false"/> for <c>default(ImageReference)</c>.</returns>
    public bool TryResolve(ImageReference reference, out Digest digest)
    {
        digest = default;
        return !reference.IsDefault
            && ResolveParts(reference.Repository, reference.Tag is { } tag ? tag.Value : default, reference.Tag is not null, reference.Digest.GetValueOrDefault(), out digest);
    }

    private bool ResolveParts(RepositoryName repository, ReadOnlySpan<char> tag, bool hasTag, Digest byDigest, out Digest digest)
    {
        digest = default;
        if (byDigest.IsDefault)
        {
            return hasTag && TryResolveTag(repository, tag, out digest);
        }

        if (!TryGetImage(repository, byDigest, out _) || (hasTag && (!TryResolveTag(repository, tag, out Digest tagged) || tagged != byDigest)))
        {
            return false;
        }

        digest = byDigest;
        return true;
    }
}
