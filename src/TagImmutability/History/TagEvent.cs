namespace TagImmutability;

/// <summary>
/// One entry of a repository's tag history (<see cref="Registry.GetHistory(RepositoryName)"/>): a tag was created,
/// moved, removed, or a push to it was rejected because it is immutable.
/// </summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class TagEvent
{
    /// <summary>
    /// Creates an event, as a <see cref="Storage.RegistryStore"/> reads it back. The digests must suit the kind:
    /// <see cref="TagEventKind.Created"/> has only a new digest, <see cref="TagEventKind.Removed"/> only an old one,
    /// <see cref="TagEventKind.Moved"/> two different ones, <see cref="TagEventKind.Rejected"/> both (equal when the same
    /// digest was pushed again, decision Q1).
    /// </summary>
    /// <param name="sequence">The event's position in its repository's history, 0 or more.</param>
    /// <param name="timestamp">When it happened (any offset; kept as UTC).</param>
    /// <param name="repository">The repository.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="kind">What happened.</param>
    /// <param name="oldDigest">The digest the tag named before, or <see langword="null"/>.</param>
    /// <param name="newDigest">The digest it names after (or the one refused), or <see langword="null"/>.</param>
    /// <param name="actor">Who wrote, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> is negative, or <paramref name="kind"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException">The repository, tag or a digest is a default value, or the digests do not suit <paramref name="kind"/>.</exception>
    public TagEvent(long sequence, DateTimeOffset timestamp, RepositoryName repository, Tag tag, TagEventKind kind, Digest? oldDigest, Digest? newDigest, string? actor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        if (repository.IsDefault || tag.IsDefault || oldDigest is { IsDefault: true } || newDigest is { IsDefault: true })
        {
            throw new ArgumentException("an event names default(RepositoryName), default(Tag) or default(Digest)", repository.IsDefault ? nameof(repository) : tag.IsDefault ? nameof(tag) : nameof(oldDigest));
        }

        bool suits = kind switch
        {
            TagEventKind.Created => oldDigest is null && newDigest is not null,
            TagEventKind.Moved => oldDigest is not null && newDigest is not null && oldDigest != newDigest,
            TagEventKind.Removed => oldDigest is not null && newDigest is null,
            TagEventKind.Rejected => oldDigest is not null && newDigest is not null,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind must be a defined TagEventKind"),
        };
        if (!suits)
        {
            throw new ArgumentException($"a {kind} event cannot have old digest {oldDigest?.ToString() ?? "null"} and new digest {newDigest?.ToString() ?? "null"}", nameof(kind));
        }

        Sequence = sequence;
        Timestamp = timestamp.ToUniversalTime();
        Repository = repository;
        Tag = tag;
        Kind = kind;
        OldDigest = oldDigest;
        NewDigest = newDigest;
        Actor = actor;
    }

    /// <summary>
    /// The event's position in its repository's history: 0 for the first event after the repository was created,
    /// then 1, 2, ... without gaps. Events dropped for the bound on memory keep their numbers, so the first retained
    /// event's number is how many were dropped.
    /// </summary>
    public long Sequence { get; }

    /// <summary>When the write happened, in UTC, from the registry's <see cref="RegistryOptions.TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The repository.</summary>
    public RepositoryName Repository { get; }

    /// <summary>The tag.</summary>
    public Tag Tag { get; }

    /// <summary>What happened.</summary>
    public TagEventKind Kind { get; }

    /// <summary>The digest the tag named before the event; <see langword="null"/> for <see cref="TagEventKind.Created"/>.</summary>
    public Digest? OldDigest { get; }

    /// <summary>
    /// The digest the tag names after the event (<see cref="TagEventKind.Created"/>, <see cref="TagEventKind.Moved"/>),
    /// the digest refused (<see cref="TagEventKind.Rejected"/>), or <see langword="null"/> (<see cref="TagEventKind.Removed"/>).
    /// </summary>
    public Digest? NewDigest { get; }

    /// <summary>Who wrote, from <see cref="RegistryOptions.ActorProvider"/> at the time of the write; <see langword="null"/> when unknown.</summary>
    public string? Actor { get; }

    /// <summary>The digest the tag names once the event has happened: <see langword="null"/> after a removal, the old digest after a rejection.</summary>
    public Digest? DigestAfter => Kind switch
    {
        TagEventKind.Removed => null,
        TagEventKind.Rejected => OldDigest,
        _ => NewDigest,
    };

    /// <summary>The event on one line, such as <c>#3 2026-11-29T12:00:00.0000000+00:00 moved 'latest' sha256:… -&gt; sha256:… by ci</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"#{Sequence} {Timestamp:O} {Kind.ToString().ToLowerInvariant()} '{Tag}' {OldDigest?.ToString() ?? "-"} -> {NewDigest?.ToString() ?? "-"}{(Actor is null ? string.Empty : " by " + Actor)}";
}
