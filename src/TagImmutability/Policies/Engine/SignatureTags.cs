namespace TagImmutability;

/// <summary>
/// Recognises the tags that signing and attestation tools rewrite again and again: cosign's
/// <c>sha256-&lt;64 hex&gt;.sig</c>, <c>.att</c> and <c>.sbom</c>, and the OCI referrers fallback tag
/// <c>sha256-&lt;64 hex&gt;</c> (OCI distribution spec v1.1, "Referrers Tag Schema": algorithm, <c>-</c>, the encoded
/// digest cut to 64 characters). <c>sha512-</c> is accepted too, with its encoded part cut to 64.
/// </summary>
/// <remarks><b>Thread safety:</b> stateless; safe from any thread.</remarks>
public static class SignatureTags
{
    /// <summary>Whether <paramref name="tag"/> is a signature, attestation, SBOM or referrers fallback tag. Allocates nothing.</summary>
    /// <param name="tag">The tag's text.</param>
    /// <returns><see langword="true"/> when it is one.</returns>
    public static bool IsSignatureTag(ReadOnlySpan<char> tag)
    {
        ReadOnlySpan<char> rest;
        if (tag.StartsWith("sha256-", StringComparison.Ordinal) || tag.StartsWith("sha512-", StringComparison.Ordinal))
        {
            rest = tag[7..];
        }
        else
        {
            return false;
        }

        if (rest.Length < 64)
        {
            return false;
        }

        foreach (char c in rest[..64])
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        ReadOnlySpan<char> suffix = rest[64..];
        return suffix.IsEmpty || suffix.SequenceEqual(".sig") || suffix.SequenceEqual(".att") || suffix.SequenceEqual(".sbom");
    }
}
