namespace TagImmutability.PostgreSql;

/// <summary>
/// One write to one repository, as the node decided it: what it expects to find (its read set) and what it writes.
/// <see cref="ChangeBatch"/> turns it into one transaction whose every precondition is checked by the database.
/// </summary>
internal sealed class Change
{
    /// <summary>The repository's row id, as read (a repository deleted and created again has a new id).</summary>
    public required long RepositoryId { get; init; }

    /// <summary>The policy version the decision was taken under; <see langword="null"/> when the write does not depend on the policy.</summary>
    public long? ExpectedPolicyVersion { get; init; }

    /// <summary>A new policy (mode and filters) to store; bumps the policy version.</summary>
    public (string Mode, string[] Filters)? NewPolicy { get; init; }

    /// <summary>Images whose state the decision depends on: each must still be as read.</summary>
    public IReadOnlyList<ImageExpectation> Expectations { get; init; } = [];

    /// <summary>Tag bindings to change, each a compare-and-swap on the binding the decision saw.</summary>
    public IReadOnlyList<TagSwap> Tags { get; init; } = [];

    /// <summary>Images to insert; each must still be absent.</summary>
    public IReadOnlyList<NewImage> AddedImages { get; init; } = [];

    /// <summary>Images to delete (digests); each must still exist, and by commit no tag may name it and no index reference it.</summary>
    public IReadOnlyList<string> RemovedImages { get; init; } = [];

    /// <summary>When set, the repository may hold at most this many images once the write is applied.</summary>
    public long? MaxImages { get; init; }

    /// <summary>A refused push to record (tag, the digest it names, the digest refused); true at commit or the commit fails.</summary>
    public (string Tag, string Existing, string Attempted)? Rejection { get; init; }

    /// <summary>The time of the write (UTC), for the history events the database records.</summary>
    public required DateTimeOffset EventTime { get; init; }

    /// <summary>Who writes, for the history events; <see langword="null"/> when unknown.</summary>
    public string? Actor { get; init; }

    /// <summary>The most history events to keep for the repository; older ones are deleted in the same transaction.</summary>
    public int? MaxHistoryEvents { get; init; }
}

/// <summary>What the decision saw of one image: absent, or present with exactly these tags (in binding order) and referrers.</summary>
/// <param name="Digest">The image's digest.</param>
/// <param name="Present">Whether the image existed.</param>
/// <param name="Tags">When present and not <see langword="null"/>: its tags, in binding order, must be exactly these.</param>
/// <param name="Referrers">When present and not <see langword="null"/>: the digests of the indexes referencing it, in ordinal order, must be exactly these.</param>
internal sealed record ImageExpectation(string Digest, bool Present, string[]? Tags = null, string[]? Referrers = null);

/// <summary>A compare-and-swap on one tag: from <paramref name="Expected"/> (<see langword="null"/>: unbound) to <paramref name="New"/> (<see langword="null"/>: unbind).</summary>
/// <param name="Tag">The tag.</param>
/// <param name="Expected">The digest the tag must still name, or <see langword="null"/> when it must still be unbound.</param>
/// <param name="New">The digest to bind it to, or <see langword="null"/> to remove the binding.</param>
internal sealed record TagSwap(string Tag, string? Expected, string? New);

/// <summary>An image to insert.</summary>
/// <param name="Digest">The sha256 digest of <paramref name="Manifest"/> (the database checks it).</param>
/// <param name="Manifest">The exact manifest bytes.</param>
/// <param name="MediaType">The manifest's media type.</param>
/// <param name="SizeInBytes">ECR's imageSizeInBytes.</param>
/// <param name="PushedAt">ECR's imagePushedAt (UTC).</param>
/// <param name="Children">For an image index, the digests it references (each must exist at commit).</param>
internal sealed record NewImage(string Digest, ReadOnlyMemory<byte> Manifest, string MediaType, long SizeInBytes, DateTimeOffset PushedAt, string[] Children);

/// <summary>How a commit ended.</summary>
internal enum CommitOutcome
{
    /// <summary>Every precondition held; the change is applied.</summary>
    Committed,

    /// <summary>A precondition failed: the state changed since it was read. Nothing was applied; read again and decide again.</summary>
    Conflict,
}
