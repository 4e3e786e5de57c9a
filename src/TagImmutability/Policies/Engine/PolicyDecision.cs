using System.Diagnostics.CodeAnalysis;

namespace TagImmutability;

/// <summary>
/// The decision of an <see cref="ImmutabilityPolicy"/> (or of <see cref="AcrLocks"/>) on one operation: allowed or
/// denied, what it does, the switch that denied it, the rule (id and pattern) that decided and a reason code. One
/// vocabulary for every registry model; <see cref="ToRegistryError"/> speaks each registry's error dialect.
/// </summary>
/// <remarks>
/// <c>default(PolicyDecision)</c> is <see cref="PolicyOutcome.Denied"/>: a decision never taken allows nothing.
/// <para><b>Thread safety:</b> an immutable value; safe to share between threads.</para>
/// </remarks>
public readonly struct PolicyDecision : IEquatable<PolicyDecision>
{
    internal PolicyDecision(
        PolicyOperation operation,
        PolicyOutcome outcome,
        PolicyReason reason,
        string repository,
        string? tag,
        Digest? existingDigest = null,
        Digest? proposedDigest = null,
        TagProtection deniedBy = TagProtection.None,
        string? ruleId = null,
        string? rulePattern = null,
        bool setsStickyFlag = false)
    {
        Operation = operation;
        Outcome = outcome;
        Reason = reason;
        Repository = repository;
        Tag = tag;
        ExistingDigest = existingDigest;
        ProposedDigest = proposedDigest;
        DeniedBy = deniedBy;
        RuleId = ruleId;
        RulePattern = rulePattern;
        SetsStickyFlag = setsStickyFlag;
    }

    /// <summary>The operation decided.</summary>
    public PolicyOperation Operation { get; }

    /// <summary>What the operation does, or <see cref="PolicyOutcome.Denied"/>.</summary>
    public PolicyOutcome Outcome { get; }

    /// <summary>Whether the operation may proceed.</summary>
    public bool IsAllowed => Outcome != PolicyOutcome.Denied;

    /// <summary>The reason code.</summary>
    public PolicyReason Reason { get; }

    /// <summary>The repository; empty for <c>default</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag the decision is about (for a delete, the protected tag that denied it); <see langword="null"/> when none.</summary>
    public string? Tag { get; }

    /// <summary>The digest the tag named before (push, remove) or the image deleted; <see langword="null"/> when none.</summary>
    public Digest? ExistingDigest { get; }

    /// <summary>The digest a push proposed; <see langword="null"/> for other operations.</summary>
    public Digest? ProposedDigest { get; }

    /// <summary>The switch that denied the operation; <see cref="TagProtection.None"/> when allowed (and when a denial is a fail-closed evaluation error, <see cref="TagProtection.All"/>).</summary>
    public TagProtection DeniedBy { get; }

    /// <summary>
    /// The id of the rule that decided: for a denial, the rule that denied; for an allowed operation on an existing
    /// tag, the first rule whose exclusion pattern matched it or that selects it without setting the switch;
    /// <see langword="null"/> when no rule was involved.
    /// </summary>
    public string? RuleId { get; }

    /// <summary>The pattern of that rule that decided, such as <c>v*</c> or <c>excluding latest</c>; <see langword="null"/> when no rule was involved.</summary>
    public string? RulePattern { get; }

    /// <summary>For a <see cref="PolicyEvaluation.Sticky"/> policy, whether the created tag must get the sticky immutability flag.</summary>
    public bool SetsStickyFlag { get; }

    /// <summary>Turns a denial into the error a registry returns for it.</summary>
    /// <param name="dialect">The registry whose clients will read the error.</param>
    /// <returns>The error: code, HTTP status, message.</returns>
    /// <exception cref="InvalidOperationException">The decision allows the operation.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dialect"/> is undefined.</exception>
    public RegistryError ToRegistryError(RegistryErrorDialect dialect) =>
        IsAllowed ? throw new InvalidOperationException("the decision allows the operation: there is no error") : RegistryError.For(this, dialect);

    /// <summary>
    /// Turns a denied push into the exception ECR's API throws for it, <see cref="ImageTagAlreadyExistsException"/>
    /// (ECR API reference, <c>PutImage</c>), with ECR's message.
    /// </summary>
    /// <param name="registryId">The registry's id (12 digits), carried by the exception.</param>
    /// <returns>The exception, to throw.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="registryId"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The decision is not a denied push of an existing tag (ECR has no exception for other denials).</exception>
    /// <exception cref="InvalidRepositoryNameException"><see cref="Repository"/> is not a valid ECR repository name.</exception>
    public ImageTagAlreadyExistsException ToEcrException(string registryId)
    {
        ArgumentNullException.ThrowIfNull(registryId);
        if (IsAllowed || Operation != PolicyOperation.PushTag || ExistingDigest is not { } existing || ProposedDigest is not { } proposed || Tag is null)
        {
            throw new InvalidOperationException("only a denied push of an existing tag has an ECR exception");
        }

        return new ImageTagAlreadyExistsException(registryId, RepositoryName.Parse(Repository, GrammarProfile.Ecr), TagImmutability.Tag.Parse(Tag, GrammarProfile.Ecr), existing, proposed);
    }

    /// <summary>A sentence for people, such as <c>denied PushTag of 'v1' in 'app': BlockMove by rule 'rel' (v*), ProtectedByRule</c>.</summary>
    /// <returns>The sentence.</returns>
    public override string ToString() => IsAllowed
        ? $"allowed {Operation} of '{Tag}' in '{Repository}': {Outcome} ({Reason}{(RuleId is null ? string.Empty : $", rule '{RuleId}' ({RulePattern})")})"
        : $"denied {Operation} of '{Tag}' in '{Repository}': {DeniedBy} by rule '{RuleId}' ({RulePattern}), {Reason}";

    /// <summary>Whether every field is equal.</summary>
    /// <param name="other">The other decision.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(PolicyDecision other) =>
        Operation == other.Operation && Outcome == other.Outcome && Reason == other.Reason
        && string.Equals(Repository, other.Repository, StringComparison.Ordinal) && string.Equals(Tag, other.Tag, StringComparison.Ordinal)
        && Nullable.Equals(ExistingDigest, other.ExistingDigest) && Nullable.Equals(ProposedDigest, other.ProposedDigest)
        && DeniedBy == other.DeniedBy && string.Equals(RuleId, other.RuleId, StringComparison.Ordinal)
        && string.Equals(RulePattern, other.RulePattern, StringComparison.Ordinal) && SetsStickyFlag == other.SetsStickyFlag;

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="PolicyDecision"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is PolicyDecision other && Equals(other);

    /// <summary>A hash code over the main fields.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Operation, Outcome, Reason, Tag, ExistingDigest, ProposedDigest, DeniedBy, RuleId);

    /// <summary>Whether two decisions are equal.</summary>
    /// <param name="left">The first decision.</param>
    /// <param name="right">The second decision.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(PolicyDecision left, PolicyDecision right) => left.Equals(right);

    /// <summary>Whether two decisions differ.</summary>
    /// <param name="left">The first decision.</param>
    /// <param name="right">The second decision.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(PolicyDecision left, PolicyDecision right) => !left.Equals(right);
}
