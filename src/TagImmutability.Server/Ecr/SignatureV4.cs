using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TagImmutability.Server.Ecr;

/// <summary>
/// The pieces of AWS Signature Version 4 (<c>AWS4-HMAC-SHA256</c>) that a server needs to recompute a client's
/// signature: the canonical request, the string to sign, the derived signing key and the signature. Written from the
/// AWS General Reference ("Create a canonical request", "Create a string to sign", "Calculate the signature") for
/// services other than Amazon S3, whose path is encoded twice and normalised.
/// </summary>
/// <remarks><b>Thread safety:</b> stateless; safe to call from any thread.</remarks>
internal static class SignatureV4
{
    /// <summary>The only algorithm AWS Signature Version 4 names in the <c>Authorization</c> header.</summary>
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>The last element of every credential scope.</summary>
    public const string ScopeTerminator = "aws4_request";

    /// <summary>The <c>X-Amz-Date</c> format: basic ISO 8601, UTC, such as <c>20260301T120000Z</c>.</summary>
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>
    /// The canonical request: method, canonical URI, canonical query, canonical headers (one <c>name:value</c> line
    /// each, then an empty line), the signed header list and the payload hash, joined by <c>\n</c>.
    /// </summary>
    /// <param name="method">The HTTP method, as sent (upper case).</param>
    /// <param name="rawPath">The request path as sent on the wire (percent-encoded), such as <c>/</c>.</param>
    /// <param name="rawQuery">The query as sent, without the leading <c>?</c>; empty when there is none.</param>
    /// <param name="signedHeaders">The signed header names in the order the client listed them (lower case).</param>
    /// <param name="headerValues">Returns every value the request carries for a header name; empty when absent.</param>
    /// <param name="payloadHash">The lower-case hex SHA-256 of the body.</param>
    /// <returns>The canonical request, UTF-16 text to be hashed as UTF-8.</returns>
    public static string CanonicalRequest(
        string method,
        string rawPath,
        string rawQuery,
        IReadOnlyList<string> signedHeaders,
        Func<string, IReadOnlyList<string>> headerValues,
        string payloadHash)
    {
        var builder = new StringBuilder(256);
        builder.Append(method).Append('\n');
        builder.Append(CanonicalUri(rawPath)).Append('\n');
        builder.Append(CanonicalQuery(rawQuery)).Append('\n');
        foreach (string name in signedHeaders)
        {
            builder.Append(name).Append(':').Append(CanonicalHeaderValue(headerValues(name))).Append('\n');
        }

        builder.Append('\n');
        builder.Append(string.Join(';', signedHeaders)).Append('\n');
        builder.Append(payloadHash);
        return builder.ToString();
    }

    /// <summary>The string to sign: algorithm, request date, credential scope and the hex SHA-256 of the canonical request.</summary>
    /// <param name="amzDate">The request's <c>X-Amz-Date</c> value as sent.</param>
    /// <param name="scope">The credential scope, <c>date/region/service/aws4_request</c>.</param>
    /// <param name="canonicalRequest">The canonical request.</param>
    /// <returns>The string to sign.</returns>
    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        Algorithm + "\n" + amzDate + "\n" + scope + "\n" + HexSha256(Encoding.UTF8.GetBytes(canonicalRequest));

    /// <summary>
    /// The signing key: HMAC-SHA256 chained over the scope's date, region, service and <c>aws4_request</c>, starting
    /// from <c>"AWS4" + secret</c>.
    /// </summary>
    /// <param name="secretAccessKey">The secret access key.</param>
    /// <param name="date">The scope's date, <c>yyyyMMdd</c>.</param>
    /// <param name="region">The scope's region, such as <c>us-east-1</c>.</param>
    /// <param name="service">The scope's signing name, such as <c>ecr</c>.</param>
    /// <returns>The 32-byte key.</returns>
    public static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
    {
        byte[] key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(ScopeTerminator));
    }

    /// <summary>The signature: lower-case hex HMAC-SHA256 of the string to sign under the signing key.</summary>
    /// <param name="signingKey">The key from <see cref="SigningKey"/>.</param>
    /// <param name="stringToSign">The string to sign.</param>
    /// <returns>64 lower-case hex digits.</returns>
    public static string Signature(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>The lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The bytes to hash.</param>
    /// <returns>64 lower-case hex digits.</returns>
    public static string HexSha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// The canonical URI of a path as sent: dot segments resolved, empty segments dropped, each segment
    /// percent-encoded once more (so the path as sent is encoded twice, as every service but S3 expects), the
    /// leading <c>/</c> kept and a trailing <c>/</c> kept when the path had one.
    /// </summary>
    /// <param name="rawPath">The path as sent; empty reads as <c>/</c>.</param>
    /// <returns>The canonical URI, never empty.</returns>
    public static string CanonicalUri(string rawPath)
    {
        if (rawPath.Length == 0 || rawPath == "/")
        {
            return "/";
        }

        var segments = new List<string>();
        foreach (string segment in rawPath.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(UriEncode(segment));
        }

        string path = "/" + string.Join('/', segments);
        return rawPath.EndsWith('/') && segments.Count > 0 ? path + "/" : path;
    }

    /// <summary>
    /// The canonical query: each <c>name=value</c> pair decoded and encoded again with RFC 3986's unreserved set,
    /// sorted by name then value (ordinal), joined by <c>&amp;</c>; a name without <c>=</c> gets an empty value.
    /// </summary>
    /// <param name="rawQuery">The query as sent, without <c>?</c>.</param>
    /// <returns>The canonical query; empty when there is none.</returns>
    public static string CanonicalQuery(string rawQuery)
    {
        if (rawQuery.Length == 0)
        {
            return string.Empty;
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (string part in rawQuery.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            int equals = part.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? part : part[..equals];
            string value = equals < 0 ? string.Empty : part[(equals + 1)..];
            pairs.Add((UriEncode(Uri.UnescapeDataString(name)), UriEncode(Uri.UnescapeDataString(value))));
        }

        pairs.Sort((a, b) =>
        {
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>
    /// A header's canonical value: every value trimmed, runs of spaces inside it collapsed to one, the values joined
    /// by <c>,</c>.
    /// </summary>
    /// <param name="values">The header's values in the order received; empty when the header is absent.</param>
    /// <returns>The canonical value; empty for an absent header.</returns>
    public static string CanonicalHeaderValue(IReadOnlyList<string> values)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            bool space = false;
            foreach (char c in values[i].AsSpan().Trim())
            {
                if (c == ' ')
                {
                    space = true;
                    continue;
                }

                if (space)
                {
                    builder.Append(' ');
                    space = false;
                }

                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Percent-encodes every byte of the UTF-8 text except RFC 3986's unreserved characters, with upper-case hex.</summary>
    /// <param name="text">The text to encode.</param>
    /// <returns>The encoded text.</returns>
    public static string UriEncode(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
