using Microsoft.Extensions.Primitives;

namespace TagImmutability.Server.Distribution;

/// <summary>
/// Content negotiation for manifests (distribution spec, content-negotiation.md): the registry returns the manifest as
/// it was pushed, never converted, so a request whose <c>Accept</c> header lists media types but not the manifest's
/// own is answered MANIFEST_UNKNOWN, as the reference registry does. No <c>Accept</c> header accepts everything.
/// </summary>
internal static class MediaTypeNegotiation
{
    public static bool Accepts(StringValues accept, string mediaType)
    {
        if (accept.Count == 0)
        {
            return true;
        }

        foreach (string? header in accept)
        {
            if (string.IsNullOrWhiteSpace(header))
            {
                continue;
            }

            foreach (Range part in header.AsSpan().Split(','))
            {
                ReadOnlySpan<char> entry = header.AsSpan(part);
                int parameters = entry.IndexOf(';');
                if (parameters >= 0)
                {
                    entry = entry[..parameters];
                }

                entry = entry.Trim();
                if (entry.Equals(mediaType, StringComparison.OrdinalIgnoreCase) || entry is "*/*" || entry is "application/*")
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The media type of a <c>Content-Type</c> value without its parameters; <see langword="null"/> when absent or malformed.</summary>
    public static MediaType? ParseContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        ReadOnlySpan<char> value = contentType.AsSpan();
        int parameters = value.IndexOf(';');
        if (parameters >= 0)
        {
            value = value[..parameters];
        }

        return MediaType.TryParse(value.Trim(), out MediaType mediaType) ? mediaType : null;
    }
}
