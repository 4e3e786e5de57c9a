namespace TagImmutability;

/// <summary>
/// Why a tag of one repository is or is not immutable, what it names now, and what pushes to it would do
/// (<see cref="Registry.Explain(RepositoryName, Tag)"/>). Computed from one snapshot of the repository by the same
/// <see cref="TagMutabilityPolicy.Evaluate(Tag, Digest?, Digest)"/> that <c>PutImage</c> uses, so it agrees with a write
/// made on that snapshot.
/// </summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads. It describes the moment it was made: later writes do not change it.</remarks>
public sealed class TagExplanation
{
    internal TagExplanation(RepositoryName repository, Tag tag, TagMutabilityPolicy policy, Digest? currentDigest)
    {
        Repository = repository;
        Tag = tag;
        Policy = policy;
        CurrentDigest = currentDigest;
        Ruling = policy.Rule(tag.Value);
    }

    /// <summary>The repository.</summary>
    public RepositoryName Repository { get; }

    /// <summary>The tag.</summary>
    public Tag Tag { get; }

    /// <summary>The repository's policy at the time.</summary>
    public TagMutabilityPolicy Policy { get; }

    /// <summary>The policy's ruling on the tag: immutable or not, the rule, and the first exclusion filter that matched.</summary>
    public TagMutabilityRuling Ruling { get; }

    /// <summary>Whether the tag is immutable under <see cref="Policy"/> (it may name nothing yet).</summary>
    public bool IsImmutable => Ruling.IsImmutable;

    /// <summary>The exclusion filter that decided, or <see langword="null"/>.</summary>
    public TagFilter? MatchedFilter => Ruling.MatchedFilter;

    /// <summary>The digest the tag names, or <see langword="null"/> when it names none.</summary>
    public Digest? CurrentDigest { get; }

    /// <summary>
    /// What a push of a digest other than <see cref="CurrentDigest"/> would do: <see cref="TagWriteOutcome.Created"/>
    /// when the tag names nothing, else <see cref="TagWriteOutcome.RejectedImmutable"/> or <see cref="TagWriteOutcome.Moved"/>.
    /// </summary>
    public TagWriteOutcome PushOfDifferentDigest => CurrentDigest is null ? TagWriteOutcome.Created
        : IsImmutable ? TagWriteOutcome.RejectedImmutable : TagWriteOutcome.Moved;

    /// <summary>
    /// What a push of <see cref="CurrentDigest"/> again would do: <see cref="TagWriteOutcome.RejectedImmutable"/> (ECR
    /// decision Q1) or <see cref="TagWriteOutcome.Unchanged"/> (<c>ImageAlreadyExistsException</c>); <see langword="null"/>
    /// when the tag names nothing.
    /// </summary>
    public TagWriteOutcome? PushOfSameDigest => CurrentDigest is { } current ? Decide(current).Outcome : null;

    /// <summary>The decision a push of <paramref name="proposed"/> to the tag would get: <see cref="TagMutabilityPolicy.Evaluate(Tag, Digest?, Digest)"/> on this snapshot.</summary>
    /// <param name="proposed">The digest.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException"><paramref name="proposed"/> is the default value.</exception>
    public TagWriteDecision Decide(Digest proposed) => Policy.Evaluate(Tag, CurrentDigest, proposed);

    /// <summary>A sentence for people, such as <c>'v1' names sha256:… and is immutable: the repository is IMMUTABLE</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"'{Tag}' {(CurrentDigest is { } d ? "names " + d : "names nothing")} and is {Ruling}";
}
