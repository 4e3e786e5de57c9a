using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TagImmutability.Server.Ecr;

/// <summary>
/// Checks the AWS Signature Version 4 <c>Authorization</c> header of an ECR request against one static key pair, as
/// an AWS endpoint does: the credential's access key id, its scope (date, region, the <c>ecr</c> signing name), the
/// request time within <see cref="MaxClockSkew"/>, and the signature recomputed over the request as received, with
/// the SHA-256 of the body actually received (so an <c>x-amz-content-sha256</c> header that lies about the body can
/// never make a signature match).
/// </summary>
/// <remarks>
/// Failures, in the order they are checked, with the HTTP status and <c>__type</c> AWS JSON services use:
/// no <c>Authorization</c> header: 403 <c>MissingAuthenticationTokenException</c>; a header that is not a complete
/// <c>AWS4-HMAC-SHA256</c> one, or no parsable <c>X-Amz-Date</c>/<c>Date</c>: 400 <c>IncompleteSignatureException</c>;
/// another access key id: 400 <c>UnrecognizedClientException</c>; a scope for another date, region or service, a
/// request time more than 15 minutes off, or a signature that does not match: 403 <c>InvalidSignatureException</c>.
/// Query-string (presigned) authentication is not accepted.
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
internal sealed class SignatureV4Verifier
{
    /// <summary>The signing name ECR's requests are scoped to.</summary>
    public const string Service = "ecr";

    private readonly string _accessKeyId;
    private readonly string _secretAccessKey;
    private readonly string _region;
    private readonly TimeProvider _clock;

    /// <summary>Creates a verifier for one key pair and one region.</summary>
    /// <param name="accessKeyId">The only access key id accepted.</param>
    /// <param name="secretAccessKey">Its secret access key.</param>
    /// <param name="region">The only region a credential scope may name, such as <c>us-east-1</c>.</param>
    /// <param name="clock">The clock the request time is compared with (the real clock in the server).</param>
    public SignatureV4Verifier(string accessKeyId, string secretAccessKey, string region, TimeProvider clock)
    {
        _accessKeyId = accessKeyId;
        _secretAccessKey = secretAccessKey;
        _region = region;
        _clock = clock;
    }

    /// <summary>How far the request time may be from the server's clock, either way: 15 minutes, as AWS allows.</summary>
    public static TimeSpan MaxClockSkew { get; } = TimeSpan.FromMinutes(15);

    /// <summary>Verifies one request.</summary>
    /// <param name="method">The HTTP method as received.</param>
    /// <param name="rawTarget">The request target as received, path and query, such as <c>/</c> or <c>/?a=b</c>.</param>
    /// <param name="headerValues">Returns every value of a header (case-insensitive name); empty when absent.</param>
    /// <param name="body">The body as received.</param>
    /// <returns><see langword="null"/> when the signature is valid; otherwise why it is not.</returns>
    public EcrError? Verify(string method, string rawTarget, Func<string, IReadOnlyList<string>> headerValues, ReadOnlySpan<byte> body)
    {
        IReadOnlyList<string> authorizations = headerValues("authorization");
        if (authorizations.Count == 0)
        {
            return new EcrError(403, "MissingAuthenticationTokenException",
                "The request has no Authorization header; this endpoint is configured with a key pair and accepts only requests signed with AWS Signature Version 4.");
        }

        if (authorizations.Count > 1)
        {
            return Incomplete("The request has more than one Authorization header.");
        }

        if (!TryParseAuthorization(authorizations[0], out Authorization authorization, out string? problem))
        {
            return Incomplete(problem);
        }

        string[] scope = authorization.Credential.Split('/');
        if (scope.Length != 5 || scope[4] != SignatureV4.ScopeTerminator)
        {
            return Incomplete($"The Credential '{authorization.Credential}' must have the form <access key id>/<yyyyMMdd>/<region>/<service>/aws4_request.");
        }

        if (!string.Equals(scope[0], _accessKeyId, StringComparison.Ordinal))
        {
            return new EcrError(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
        }

        IReadOnlyList<string> amzDates = headerValues("x-amz-date");
        string dateHeader = amzDates.Count > 0 ? "x-amz-date" : "date";
        IReadOnlyList<string> dates = amzDates.Count > 0 ? amzDates : headerValues("date");
        if (dates.Count != 1 || !TryParseRequestTime(dates[0], out DateTimeOffset requestTime))
        {
            return Incomplete("The request must carry its signing time in one X-Amz-Date header (yyyyMMddTHHmmssZ, UTC) or one Date header.");
        }

        if (!authorization.SignedHeaders.Contains("host") || !authorization.SignedHeaders.Contains(dateHeader))
        {
            return Incomplete($"SignedHeaders '{string.Join(';', authorization.SignedHeaders)}' must include 'host' and '{dateHeader}'.");
        }

        string amzDate = requestTime.ToString(SignatureV4.AmzDateFormat, CultureInfo.InvariantCulture);
        if (!string.Equals(scope[1], amzDate[..8], StringComparison.Ordinal))
        {
            return Invalid($"The date '{scope[1]}' in the credential scope is not the date of the request time {amzDate}.");
        }

        if (!string.Equals(scope[2], _region, StringComparison.Ordinal))
        {
            return Invalid($"The credential is scoped to region '{scope[2]}'; this endpoint serves region '{_region}'.");
        }

        if (!string.Equals(scope[3], Service, StringComparison.Ordinal))
        {
            return Invalid($"The credential is scoped to service '{scope[3]}'; this endpoint's signing name is '{Service}'.");
        }

        DateTimeOffset now = _clock.GetUtcNow();
        if ((now - requestTime).Duration() > MaxClockSkew)
        {
            string serverTime = now.ToString(SignatureV4.AmzDateFormat, CultureInfo.InvariantCulture);
            return Invalid($"Signature expired: the request time {amzDate} is more than 15 minutes from the server time {serverTime}.");
        }

        int question = rawTarget.IndexOf('?', StringComparison.Ordinal);
        string rawPath = question < 0 ? rawTarget : rawTarget[..question];
        string rawQuery = question < 0 ? string.Empty : rawTarget[(question + 1)..];
        string canonicalRequest = SignatureV4.CanonicalRequest(method, rawPath, rawQuery, authorization.SignedHeaders, headerValues, SignatureV4.HexSha256(body));
        string credentialScope = string.Join('/', scope, 1, 4);
        string stringToSign = SignatureV4.StringToSign(amzDate, credentialScope, canonicalRequest);
        string expected = SignatureV4.Signature(SignatureV4.SigningKey(_secretAccessKey, scope[1], scope[2], scope[3]), stringToSign);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(authorization.Signature)))
        {
            return Invalid(
                "The signature in the request does not match the one this endpoint computed from the request and its configured secret access key; "
                + "check the secret access key and the signing method. The canonical request was\n'" + canonicalRequest
                + "'\nand the string to sign was\n'" + stringToSign + "'");
        }

        return null;
    }

    // The header value: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=a;b, Signature=hex (the parts in any order).
    private static bool TryParseAuthorization(string value, out Authorization authorization, out string problem)
    {
        authorization = default;
        string prefix = SignatureV4.Algorithm + " ";
        if (!value.StartsWith(prefix, StringComparison.Ordinal))
        {
            problem = $"The Authorization header must start with '{SignatureV4.Algorithm} '.";
            return false;
        }

        string? credential = null;
        string? signedHeaders = null;
        string? signature = null;
        foreach (string part in value[prefix.Length..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? part : part[..equals];
            string parameter = equals < 0 ? string.Empty : part[(equals + 1)..];
            switch (name)
            {
                case "Credential":
                    credential = parameter;
                    break;
                case "SignedHeaders":
                    signedHeaders = parameter;
                    break;
                case "Signature":
                    signature = parameter;
                    break;
                default:
                    problem = $"The Authorization header has an unknown parameter '{name}'.";
                    return false;
            }
        }

        string? missing = credential is null ? "Credential" : signedHeaders is null ? "SignedHeaders" : signature is null ? "Signature" : null;
        if (missing is not null)
        {
            problem = $"The Authorization header lacks its '{missing}' parameter; it needs Credential, SignedHeaders and Signature.";
            return false;
        }

        if (signature!.Length != 64 || signature.AsSpan().ContainsAnyExcept("0123456789abcdef"))
        {
            problem = "The Signature parameter must be 64 lower-case hex digits.";
            return false;
        }

        string[] headers = signedHeaders!.Split(';');
        if (headers.Any(h => h.Length == 0 || h.Any(char.IsAsciiLetterUpper)))
        {
            problem = $"SignedHeaders '{signedHeaders}' must be lower-case header names separated by ';'.";
            return false;
        }

        authorization = new Authorization(credential!, headers, signature);
        problem = string.Empty;
        return true;
    }

    // X-Amz-Date is basic ISO 8601 (20260301T120000Z); a Date header is RFC 1123.
    private static bool TryParseRequestTime(string value, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(value, SignatureV4.AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)
        || DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    private static EcrError Incomplete(string message) => new(400, "IncompleteSignatureException", message);

    private static EcrError Invalid(string message) => new(403, "InvalidSignatureException", message);

    private readonly record struct Authorization(string Credential, string[] SignedHeaders, string Signature);
}
