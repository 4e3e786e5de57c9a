using System.Globalization;
using System.Text;

namespace TagImmutability;

/// <summary>
/// Thrown by <see cref="ManifestParser"/> (and returned by its <c>TryParse</c> methods) when bytes are not a valid
/// manifest. The message names the JSON path of the offending value, what is wrong with it and the rule it breaks,
/// for example <c>layers[2].digest: 'sha256:xyz' is not a valid digest: ...</c>.
/// </summary>
/// <remarks>
/// <para>
/// Derives from <see cref="FormatException"/>, like the grammar errors of the value types, so callers that catch
/// <see cref="FormatException"/> keep working. <see cref="Reason"/> says which check failed, as a value to switch on
/// or filter with (<c>catch (ManifestInvalidException e) when (e.Reason == ManifestInvalidReason.MediaTypeMissing)</c>);
/// for the media type reasons, <see cref="DeclaredMediaType"/> and <see cref="HintMediaType"/> give the two sides.
/// </para>
/// <para>
/// Malformed JSON never escapes as a <see cref="System.Text.Json.JsonException"/>: it is wrapped here, with the
/// original as <see cref="Exception.InnerException"/>.
/// </para>
/// <para><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</para>
/// </remarks>
public sealed class ManifestInvalidException : FormatException
{
    /// <summary>Creates an exception with a default message, no path, no rule and <see cref="ManifestInvalidReason.Unspecified"/>.</summary>
    public ManifestInvalidException()
        : this(null, null)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>, no path, no rule and <see cref="ManifestInvalidReason.Unspecified"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public ManifestInvalidException(string? message)
        : this(message, null)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public ManifestInvalidException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        JsonPath = string.Empty;
        Rule = string.Empty;
        ByteOffset = -1;
    }

    private ManifestInvalidException(
        ManifestInvalidReason reason,
        string jsonPath,
        string detail,
        string rule,
        long byteOffset,
        Exception? innerException,
        MediaType? declaredMediaType,
        MediaType? hintMediaType)
        : base(BuildMessage(jsonPath, detail, rule, byteOffset), innerException)
    {
        Reason = reason;
        JsonPath = jsonPath;
        Rule = rule;
        ByteOffset = byteOffset;
        DeclaredMediaType = declaredMediaType;
        HintMediaType = hintMediaType;
    }

    /// <summary>Which check failed; <see cref="ManifestInvalidReason.Unspecified"/> when created with a public constructor.</summary>
    public ManifestInvalidReason Reason { get; }

    /// <summary>
    /// Where in the document the failure is, as a path from the top-level object: <c>layers[2].digest</c>,
    /// <c>manifests[0].platform["os.version"]</c>, <c>annotations["org.example"]</c>. Empty when the document as a
    /// whole is at fault (too large, not UTF-8, not an object) or when unknown.
    /// </summary>
    public string JsonPath { get; }

    /// <summary>The rule that was broken, with its source (such as <c>OCI image-spec descriptor.md</c>); empty when unknown.</summary>
    public string Rule { get; }

    /// <summary>The zero-based offset, in bytes from the start of the content, of the offending value or byte; -1 when unknown or when the whole content is at fault.</summary>
    public long ByteOffset { get; }

    /// <summary>
    /// For the media type reasons (<see cref="ManifestInvalidReason.MediaTypeMismatch"/>,
    /// <see cref="ManifestInvalidReason.UnsupportedMediaType"/>, <see cref="ManifestInvalidReason.Schema1NotSupported"/>):
    /// the media type in the manifest's <c>mediaType</c> field; <see langword="null"/> when the field is absent, and for
    /// every other reason.
    /// </summary>
    public MediaType? DeclaredMediaType { get; }

    /// <summary>
    /// For the media type reasons: the media type the caller gave with the manifest, without parameters;
    /// <see langword="null"/> when none was given, and for every other reason.
    /// </summary>
    public MediaType? HintMediaType { get; }

    internal static ManifestInvalidException Create(
        ManifestInvalidReason reason,
        string jsonPath,
        string detail,
        string rule,
        long byteOffset = -1,
        Exception? innerException = null) =>
        new(reason, jsonPath, detail, rule, byteOffset, innerException, null, null);

    internal static ManifestInvalidException ForMediaType(
        ManifestInvalidReason reason,
        string jsonPath,
        string detail,
        string rule,
        long byteOffset,
        MediaType? declaredMediaType,
        MediaType? hintMediaType) =>
        new(reason, jsonPath, detail, rule, byteOffset, null, declaredMediaType, hintMediaType);

    private static string BuildMessage(string jsonPath, string detail, string rule, long byteOffset)
    {
        var message = new StringBuilder();
        if (jsonPath.Length > 0)
        {
            message.Append(jsonPath).Append(": ");
        }

        message.Append(detail);
        if (byteOffset >= 0)
        {
            message.Append(" (at byte ").Append(byteOffset.ToString(CultureInfo.InvariantCulture)).Append(')');
        }

        if (rule.Length > 0)
        {
            message.Append("; rule: ").Append(rule);
        }

        return message.ToString();
    }
}
