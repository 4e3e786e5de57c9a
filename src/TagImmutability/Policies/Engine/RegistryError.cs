using System.Diagnostics.CodeAnalysis;

namespace TagImmutability;

/// <summary>
/// The error a registry returns for a denied operation, in one dialect: a code, an HTTP status and a message, so an
/// embedding registry or a test fixture can answer as the clients expect. Made by <see cref="PolicyDecision.ToRegistryError"/>.
/// </summary>
/// <remarks>
/// Sources, per dialect: ECR's <c>TAG_INVALID</c> sentence as observed from ECR in 2025 (specification, section (b));
/// Harbor's message from <c>ErrImmutable</c>; Quay's v2 message and REST wording; GitLab's detail
/// <c>tag "&lt;name&gt;" is immutable</c> with HTTP 401 (the code string GitLab sends is not verified; the OCI
/// <c>DENIED</c> is used); zot's <c>DENIED</c>/403.
/// <para><b>Thread safety:</b> an immutable value; safe to share between threads.</para>
/// </remarks>
public readonly struct RegistryError : IEquatable<RegistryError>
{
    private RegistryError(RegistryErrorDialect dialect, string code, int httpStatus, string message)
    {
        Dialect = dialect;
        Code = code;
        HttpStatus = httpStatus;
        Message = message;
    }

    /// <summary>The dialect.</summary>
    public RegistryErrorDialect Dialect { get; }

    /// <summary>The error code, such as <c>TAG_INVALID</c> or <c>ImageTagAlreadyExistsException</c>.</summary>
    public string Code { get; }

    /// <summary>The HTTP status code, such as 400, 401, 403, 409 or 412.</summary>
    public int HttpStatus { get; }

    /// <summary>The message.</summary>
    public string Message { get; }

    internal static RegistryError For(PolicyDecision denial, RegistryErrorDialect dialect)
    {
        string tag = denial.Tag ?? string.Empty;
        string repo = denial.Repository;
        string action = denial.Operation switch
        {
            PolicyOperation.PushTag => "overwrite",
            PolicyOperation.RemoveTag => "delete",
            PolicyOperation.DeleteImage => "delete the image of",
            _ => "delete the repository of",
        };
        string ecr = denial.Operation == PolicyOperation.PushTag
            ? $"The image tag '{tag}' already exists in the '{repo}' repository and cannot be overwritten because the tag is immutable."
            : $"The image tag '{tag}' in the '{repo}' repository is immutable and cannot be deleted.";
        return dialect switch
        {
            RegistryErrorDialect.Oci => new(dialect, "DENIED", 403, $"requested access to the resource is denied: cannot {action} immutable tag '{tag}' in '{repo}' (rule '{denial.RuleId}')"),
            RegistryErrorDialect.EcrApi => new(dialect, denial.Operation == PolicyOperation.PushTag ? "ImageTagAlreadyExistsException" : "InvalidParameterException", 400, ecr),
            RegistryErrorDialect.EcrDistribution => new(dialect, "TAG_INVALID", 400, ecr),
            RegistryErrorDialect.Harbor => new(dialect, "PRECONDITION", 412, $"Failed to process request due to '{repo}:{tag}' configured as immutable."),
            RegistryErrorDialect.Quay => new(dialect, "TAG_IMMUTABLE", 409, denial.Operation == PolicyOperation.PushTag ? "tag is immutable and cannot be overwritten" : $"Cannot {action} immutable tag '{tag}'"),
            RegistryErrorDialect.GitLab => new(dialect, "DENIED", 401, denial.Reason == PolicyReason.DigestDeleteRestricted
                ? "manifest delete is not allowed while tag protection rules exist"
                : $"tag \"{tag}\" is immutable"),
            RegistryErrorDialect.Zot => new(dialect, "DENIED", 403, $"requested access to the resource is denied: {denial.DeniedBy} on tag '{tag}' (rule '{denial.RuleId}')"),
            _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect, "dialect must be a defined RegistryErrorDialect"),
        };
    }

    /// <summary>The error as text: <c>CODE (status): message</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Code} ({HttpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)}): {Message}";

    /// <summary>Whether every field is equal.</summary>
    /// <param name="other">The other error.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(RegistryError other) => Dialect == other.Dialect && HttpStatus == other.HttpStatus
        && string.Equals(Code, other.Code, StringComparison.Ordinal) && string.Equals(Message, other.Message, StringComparison.Ordinal);

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="RegistryError"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is RegistryError other && Equals(other);

    /// <summary>A hash code over every field.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(Dialect, Code, HttpStatus, Message);

    /// <summary>Whether two errors are equal.</summary>
    /// <param name="left">The first error.</param>
    /// <param name="right">The second error.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(RegistryError left, RegistryError right) => left.Equals(right);

    /// <summary>Whether two errors differ.</summary>
    /// <param name="left">The first error.</param>
    /// <param name="right">The second error.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(RegistryError left, RegistryError right) => !left.Equals(right);
}
