namespace TagImmutability;

/// <summary>The reason code of a <see cref="PolicyDecision"/>: why it was allowed or denied.</summary>
public enum PolicyReason
{
    /// <summary>Allowed: no rule that matches sets the switch this operation needs.</summary>
    NotProtected = 0,

    /// <summary>Allowed: the tag is new; immutability never blocks creating a tag.</summary>
    NewTag = 1,

    /// <summary>Allowed: an identical re-push is a no-op because the policy says so (<see cref="ImmutabilityPolicy.IdenticalRepushIsNoOp"/>).</summary>
    IdenticalRepushNoOp = 2,

    /// <summary>Allowed: the tag is a signature, attestation or referrers tag and the policy exempts those.</summary>
    SignatureTagExempt = 3,

    /// <summary>Allowed: the tag is a signature, attestation or referrers tag, which the policy treats as append-only (it may be rewritten).</summary>
    SignatureTagAppendOnly = 4,

    /// <summary>Allowed: the image carries no tag; untagged images are never protected.</summary>
    UntaggedImage = 5,

    /// <summary>Denied: a rule that matches sets the switch (<see cref="PolicyDecision.RuleId"/> names it).</summary>
    ProtectedByRule = 6,

    /// <summary>Denied: the tag carries a sticky immutability flag (Quay), whatever the current rules say.</summary>
    ProtectedByStickyFlag = 7,

    /// <summary>Denied: the policy refuses every delete by digest while it has any rule (GitLab).</summary>
    DigestDeleteRestricted = 8,

    /// <summary>Denied: a rule could not be evaluated (for example a regular expression timed out); the engine fails closed.</summary>
    EvaluationFailed = 9,

    /// <summary>Denied: an Azure Container Registry lock has <c>writeEnabled=false</c>.</summary>
    WriteDisabled = 10,

    /// <summary>Denied: an Azure Container Registry lock has <c>deleteEnabled=false</c>.</summary>
    DeleteDisabled = 11,
}
