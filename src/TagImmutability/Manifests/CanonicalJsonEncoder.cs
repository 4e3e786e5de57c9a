using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace TagImmutability.Internal;

/// <summary>
/// The escaping of <see cref="ManifestWriter"/>'s canonical JSON. It escapes exactly: <c>"</c> and <c>\</c>; the
/// control characters U+0000..U+001F (<c>\b \f \n \r \t</c> by their short forms, the others as <c>\u00XX</c>);
/// <c>&lt; &gt; &amp;</c> as <c>\u003c \u003e \u0026</c>; and U+2028, U+2029 as <c>\u2028 \u2029</c>. Every other
/// character, <c>+</c> and <c>/</c> and all non-ASCII text included, is written as its UTF-8 bytes. Hex digits are
/// lowercase.
/// </summary>
/// <remarks>
/// <para>
/// The rules depend on no Unicode tables, so the output is the same on every runtime version. They are the rules of
/// Go's <c>encoding/json</c> (which the reference registry and most OCI tools use) for all text manifests carry in
/// practice, so compact manifests built here hash the same as theirs. The built-in encoders cannot do this:
/// <see cref="JavaScriptEncoder.Default"/> escapes <c>+</c>, and both it and
/// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> escape characters by Unicode category, which changes
/// with the runtime's Unicode version.
/// </para>
/// <para><b>Thread safety:</b> stateless; the one instance is shared.</para>
/// </remarks>
internal sealed class CanonicalJsonEncoder : JavaScriptEncoder
{
    private CanonicalJsonEncoder()
    {
    }

    public static CanonicalJsonEncoder Instance { get; } = new();

    // The longest escape, \u00XX, is 6 characters for one input character.
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar < 0x20 || unicodeScalar is '"' or '\\' or '<' or '>' or '&' or 0x2028 or 0x2029;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var chars = new ReadOnlySpan<char>(text, textLength);
        for (int i = 0; i < chars.Length; i++)
        {
            if (WillEncode(chars[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        if (!WillEncode(unicodeScalar))
        {
            // Asked to write a character that needs no escape: write it as it is.
            var rune = new Rune(unicodeScalar);
            return rune.TryEncodeToUtf16(destination, out numberOfCharactersWritten);
        }

        ReadOnlySpan<char> escape = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\b' => "\\b",
            '\f' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ => default,
        };
        if (!escape.IsEmpty)
        {
            return TryCopy(escape, destination, out numberOfCharactersWritten);
        }

        Span<char> unicode = stackalloc char[6];
        unicode[0] = '\\';
        unicode[1] = 'u';
        unicodeScalar.TryFormat(unicode[2..], out _, "x4", CultureInfo.InvariantCulture);
        return TryCopy(unicode, destination, out numberOfCharactersWritten);
    }

    private static bool TryCopy(ReadOnlySpan<char> source, Span<char> destination, out int written)
    {
        if (source.TryCopyTo(destination))
        {
            written = source.Length;
            return true;
        }

        written = 0;
        return false;
    }
}
