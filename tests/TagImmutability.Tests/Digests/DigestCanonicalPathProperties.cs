using System.Text;
using TagImmutability.Tests.Generators;

namespace TagImmutability.Tests.Digests;

/// <summary>
/// Digest parsing has two paths: the canonical one (one fused pass over <c>sha256:</c>/<c>sha512:</c> and lowercase
/// hex, from chars or straight from UTF-8) and the diagnostic scanner, which runs only when the canonical path refuses
/// the text. They must accept exactly the same texts, and a refused text must fail with the scanner's message.
/// </summary>
public sealed class DigestCanonicalPathProperties
{
    private const string Sha256Text = "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

    // Hex of both cases, the neighbours of each range, the digest grammar's own punctuation, and characters whose low
    // byte is a lowercase hex digit.
    private const string Alphabet = "0123456789abcdefABCDEF/:@`gG=_-+.\u0000\u00e1\u0130\u0161\uff10\ud800";

    private static Gen<string> NearlyDigests =>
        from prefix in Gen.Elements("sha256:", "sha512:", "sha384:", "SHA256:", "sha256", "sha256::", "blake3:", "")
        from length in Gen.Elements(63, 64, 65, 127, 128, 129)
        from hex in Gen.OneOf(
            Arbitraries.StringOf("0123456789abcdef", length, length),
            Arbitraries.StringOf(Alphabet, length, length),
            from clean in Arbitraries.StringOf("0123456789abcdef", length, length)
            from position in Gen.Choose(0, length - 1)
            from bad in Gen.Elements(Alphabet.ToCharArray())
            select clean[..position] + bad + clean[(position + 1)..])
        select prefix + hex;

    [Property(MaxTest = 3000)]
    public Property The_canonical_path_and_the_scanner_accept_the_same_texts() =>
        Prop.ForAll(NearlyDigests.ToArbitrary(), text =>
        {
            bool canonical = Digest.TryParseCanonical(text.AsSpan(), out Digest fast);
            bool scanned = !Digest.Scan(text, out Digest slow).Failed;
            bool canonicalUtf8 = Digest.TryParseCanonical(Encoding.UTF8.GetBytes(text), out Digest fastUtf8);
            return canonical == scanned
                && canonicalUtf8 == scanned
                && (!scanned || (fast == slow && fastUtf8 == slow && HashOf(fast).SequenceEqual(Convert.FromHexString(text[7..]))));
        });

    [Property(MaxTest = 1000)]
    public Property A_refused_text_fails_with_the_same_message_from_chars_and_from_utf8() =>
        Prop.ForAll(NearlyDigests.ToArbitrary(), text =>
        {
            // A lone surrogate does not survive UTF-8, so the chars compared are those the bytes decode to.
            byte[] utf8 = Encoding.UTF8.GetBytes(text);
            string decoded = Encoding.UTF8.GetString(utf8);
            Exception? fromChars = Record.Exception(() => Digest.Parse(decoded));
            Exception? fromUtf8 = Record.Exception(() => Digest.Parse(utf8));
            return fromChars?.Message == fromUtf8?.Message && Digest.TryParse(utf8, out _) == fromChars is null;
        });

    [Fact]
    public void Every_char_value_in_every_position_is_accepted_exactly_by_the_grammar()
    {
        char[] text = Sha256Text.ToCharArray();
        for (int position = 0; position < text.Length; position++)
        {
            char original = text[position];
            for (int c = 0; c <= char.MaxValue; c++)
            {
                text[position] = (char)c;
                bool expected = position < 7 ? c == original : char.IsAsciiHexDigitLower((char)c);
                bool accepted = Digest.TryParse(text.AsSpan(), out Digest digest);
                if (accepted != expected || accepted != !Digest.Scan(text, out _).Failed)
                {
                    Assert.Fail($"U+{c:X4} at index {position}: accepted {accepted}, expected {expected}");
                }

                if (accepted && !HashOf(digest).SequenceEqual(Convert.FromHexString(text.AsSpan(7))))
                {
                    Assert.Fail($"U+{c:X4} at index {position} decoded to {digest}");
                }
            }

            text[position] = original;
        }
    }

    [Fact]
    public void Every_byte_value_in_every_position_is_judged_as_its_decoded_text_is()
    {
        foreach (string valid in new[] { Sha256Text, "sha512:" + Sha256Text[7..] + Sha256Text[7..] })
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(valid);
            for (int position = 0; position < utf8.Length; position++)
            {
                byte original = utf8[position];
                for (int b = 0; b <= byte.MaxValue; b++)
                {
                    utf8[position] = (byte)b;
                    string decoded = Encoding.UTF8.GetString(utf8);
                    bool expected = position < 7 ? b == original : char.IsAsciiHexDigitLower((char)b);
                    Assert.Equal(expected, Digest.TryParse(utf8, out Digest fromUtf8));
                    Assert.Equal(expected, Digest.TryParse(decoded, out Digest fromChars));
                    Assert.Equal(fromChars, fromUtf8);
                    if (!expected)
                    {
                        string message = Assert.Throws<InvalidDigestException>(() => Digest.Parse(decoded)).Message;
                        Assert.Equal(message, Assert.Throws<InvalidDigestException>(() => Digest.Parse(utf8)).Message);
                    }
                }

                utf8[position] = original;
            }
        }
    }

    private static byte[] HashOf(Digest digest)
    {
        var hash = new byte[digest.HashLength];
        digest.CopyHashTo(hash);
        return hash;
    }
}
