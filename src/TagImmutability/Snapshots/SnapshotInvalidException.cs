namespace TagImmutability;

/// <summary>
/// Thrown when a state file cannot be loaded: a registry snapshot (<see cref="RegistrySnapshot.Read(Stream, RegistryOptions?)"/>)
/// or the AWS CLI's describe output (<see cref="TagDecisionState.ReadEcrDescribeOutput(ReadOnlyMemory{byte}, IEnumerable{ReadOnlyMemory{byte}})"/>).
/// The message names the JSON path of the offending value, the value and the rule, for example
/// <c>repositories[0].images[2].imageDigest: 'sha256:…' is not the sha256 of the manifest's bytes, which is 'sha256:…'</c>.
/// </summary>
/// <remarks>
/// <para>
/// Loading is all or nothing: when this is thrown, nothing was built and nothing was changed. Malformed JSON never
/// escapes as a <see cref="System.Text.Json.JsonException"/>: it is wrapped here, with the original as
/// <see cref="Exception.InnerException"/>; so is a manifest error (<see cref="ManifestInvalidException"/>) or a grammar
/// error of a value.
/// </para>
/// <para>
/// Derives from <see cref="FormatException"/>, like the library's other input errors. <see cref="Reason"/> says which
/// check failed (<see cref="SnapshotInvalidReason.UnsupportedFormatVersion"/> for a file from a newer writer).
/// </para>
/// <para><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</para>
/// </remarks>
public sealed class SnapshotInvalidException : FormatException
{
    /// <summary>Creates an exception with a default message, no path and <see cref="SnapshotInvalidReason.Unspecified"/>.</summary>
    public SnapshotInvalidException()
        : this(null, null)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>, no path and <see cref="SnapshotInvalidReason.Unspecified"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public SnapshotInvalidException(string? message)
        : this(message, null)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public SnapshotInvalidException(string? message, Exception? innerException)
        : base(message, innerException) => JsonPath = string.Empty;

    private SnapshotInvalidException(SnapshotInvalidReason reason, string jsonPath, string message, Exception? innerException)
        : base(message, innerException)
    {
        Reason = reason;
        JsonPath = jsonPath;
    }

    /// <summary>Which check failed; <see cref="SnapshotInvalidReason.Unspecified"/> when created with a public constructor.</summary>
    public SnapshotInvalidReason Reason { get; }

    /// <summary>
    /// Where in the document the failure is, as a path from the top-level object, in the form
    /// <see cref="ManifestInvalidException.JsonPath"/> uses: <c>repositories[0].images[2].imageDigest</c>,
    /// <c>imageDetails[4].imageTags[1]</c>. Empty when the document as a whole is at fault (not JSON, not an object).
    /// </summary>
    public string JsonPath { get; }

    internal static SnapshotInvalidException Create(SnapshotInvalidReason reason, string jsonPath, string detail, Exception? innerException = null) =>
        new(reason, jsonPath, jsonPath.Length == 0 ? detail : jsonPath + ": " + detail, innerException);

    // The same error, its message prefixed with the document it is about (the path stays relative to that document).
    internal SnapshotInvalidException InDocument(string document) => new(Reason, JsonPath, document + ", " + Message, InnerException);
}
