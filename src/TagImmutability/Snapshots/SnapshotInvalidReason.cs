namespace TagImmutability;

/// <summary>
/// Why a state file was refused: a registry snapshot (<see cref="RegistrySnapshot"/>) or the AWS CLI's
/// <c>describe-repositories</c> / <c>describe-images</c> output (<see cref="TagDecisionState"/>). Carried by
/// <see cref="SnapshotInvalidException.Reason"/>; see <c>docs/snapshot-format.md</c>.
/// </summary>
public enum SnapshotInvalidReason
{
    /// <summary>No reason was given: the exception was created with one of its public constructors.</summary>
    Unspecified = 0,

    /// <summary>
    /// The content is not one JSON value: empty, truncated, a syntax error, a comment, a trailing comma, invalid UTF-8,
    /// a string holding an escaped lone surrogate, or nesting deeper than the format ever needs.
    /// </summary>
    InvalidJson = 1,

    /// <summary>The <c>format</c> member is missing or does not name a registry snapshot: the file is something else.</summary>
    NotASnapshot = 2,

    /// <summary>
    /// The <c>formatVersion</c> is one this library does not read (a newer writer, most likely). The file is refused
    /// whole rather than read in part.
    /// </summary>
    UnsupportedFormatVersion = 3,

    /// <summary>A required member is missing.</summary>
    MissingMember = 4,

    /// <summary>A member the format does not define is present (a misspelt member must not be silently ignored).</summary>
    UnknownMember = 5,

    /// <summary>An object has the same member twice.</summary>
    DuplicateMember = 6,

    /// <summary>A member has the wrong JSON type, such as a number where a string is required, or <c>null</c> where a value is required.</summary>
    WrongType = 7,

    /// <summary>
    /// A member has the right type but a value the rules forbid: a malformed digest, tag, repository name, media type,
    /// timestamp, policy or manifest; a negative number.
    /// </summary>
    InvalidValue = 8,

    /// <summary>An image's <c>imageDigest</c> is not the sha256 of its manifest's exact bytes, or its stored size or media type is not what the manifest gives.</summary>
    DigestMismatch = 9,

    /// <summary>
    /// The values are each valid but do not fit together: a tag on two images, an index whose children are missing, an
    /// image or repository listed twice, sequence numbers out of order, a history that does not replay to the tags.
    /// </summary>
    Inconsistent = 10,

    /// <summary>The state exceeds a limit of the <see cref="RegistryOptions"/> it is loaded into (images per repository, tags per image, manifest size, history length).</summary>
    LimitExceeded = 11,

    /// <summary>The snapshot's <c>registryId</c> or <c>region</c> differs from the <see cref="RegistryOptions"/> it is loaded into.</summary>
    RegistryMismatch = 12,
}
