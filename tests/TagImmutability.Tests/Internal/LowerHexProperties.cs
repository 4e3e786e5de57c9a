using System.Buffers.Binary;
using TagImmutability.Internal;
using TagImmutability.Tests.Generators;

namespace TagImmutability.Tests.Internal;

/// <summary>
/// The fused lowercase-hex decoder: its vector paths (whichever this machine would pick, and the others called
/// directly) must accept exactly the blocks of 64 <c>[0-9a-f]</c> characters and decode them as the BCL does.
/// </summary>
public sealed class LowerHexProperties
{
    // Hex of both cases, the neighbours of each range, and characters whose low byte is a hex digit (U+0130 narrows
    // to '0', U+0161 to 'a', U+FF66 to 'f'), which a vector path that only narrows would take for hex.
    private const string Junk = "/:@`gGF\u0000\u007f\u0080\u00e1\u0130\u0161\u0166\u0230\uff10\uff41\uff66\ud800";
    private const string Alphabet = "0123456789abcdefABCDEF" + Junk;

    private static readonly byte[] ByteAlphabet =
        [.. "0123456789abcdefABCDEF/:@`gGF"u8, 0x00, 0x7f, 0x80, 0xb0, 0xc1, 0xe1, 0xe6, 0xff];

    private static Gen<string> MostlyHexBlocks =>
        Gen.OneOf(
            Arbitraries.StringOf("0123456789abcdef", 64, 64),
            Arbitraries.StringOf(Alphabet, 64, 64),
            from hex in Arbitraries.StringOf("0123456789abcdef", 64, 64)
            from position in Gen.Choose(0, 63)
            from bad in Gen.Elements(Alphabet.ToCharArray())
            select hex[..position] + bad + hex[(position + 1)..]);

    private static Gen<byte[]> MostlyHexByteBlocks =>
        Gen.OneOf(
            Arbitraries.StringOf("0123456789abcdef", 64, 64).Select(s => s.Select(c => (byte)c).ToArray()),
            Gen.ArrayOf(Gen.Elements(ByteAlphabet), 64),
            from hex in Arbitraries.StringOf("0123456789abcdef", 64, 64)
            from position in Gen.Choose(0, 63)
            from bad in Gen.Elements(ByteAlphabet)
            select hex.Select((c, i) => i == position ? bad : (byte)c).ToArray());

    [Property(MaxTest = 2000)]
    public Property Every_path_accepts_exactly_lowercase_hex_and_decodes_it_as_the_BCL_does_from_chars() =>
        Prop.ForAll(MostlyHexBlocks.ToArbitrary(), hex =>
        {
            bool expected = hex.All(char.IsAsciiHexDigitLower);
            ulong[]? words = expected ? BigEndianWords(Convert.FromHexString(hex)) : null;
            return Agrees(expected, words, LowerHex.TryDecode(hex, out ulong a0, out ulong a1, out ulong a2, out ulong a3), a0, a1, a2, a3)
                && Agrees(expected, words, LowerHex.TryDecodeVector256(hex, out ulong b0, out ulong b1, out ulong b2, out ulong b3), b0, b1, b2, b3)
                && Agrees(expected, words, LowerHex.TryDecodeVector128(hex, out ulong c0, out ulong c1, out ulong c2, out ulong c3), c0, c1, c2, c3)
                && Agrees(expected, words, LowerHex.TryDecodeScalar(hex, out ulong d0, out ulong d1, out ulong d2, out ulong d3), d0, d1, d2, d3);
        });

    [Property(MaxTest = 2000)]
    public Property Every_path_accepts_exactly_lowercase_hex_and_decodes_it_as_the_BCL_does_from_utf8() =>
        Prop.ForAll(MostlyHexByteBlocks.ToArbitrary(), hex =>
        {
            bool expected = hex.All(b => char.IsAsciiHexDigitLower((char)b));
            ulong[]? words = expected ? BigEndianWords(Convert.FromHexString(string.Concat(hex.Select(b => (char)b)))) : null;
            return Agrees(expected, words, LowerHex.TryDecode(hex, out ulong a0, out ulong a1, out ulong a2, out ulong a3), a0, a1, a2, a3)
                && Agrees(expected, words, LowerHex.TryDecodeVector256(hex, out ulong b0, out ulong b1, out ulong b2, out ulong b3), b0, b1, b2, b3)
                && Agrees(expected, words, LowerHex.TryDecodeVector128(hex, out ulong c0, out ulong c1, out ulong c2, out ulong c3), c0, c1, c2, c3)
                && Agrees(expected, words, LowerHex.TryDecodeScalar(hex, out ulong d0, out ulong d1, out ulong d2, out ulong d3), d0, d1, d2, d3);
        });

    [Fact]
    public void Every_char_value_in_every_position_is_judged_alone()
    {
        char[] block = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff".ToCharArray();
        for (int position = 0; position < block.Length; position++)
        {
            char original = block[position];
            for (int c = 0; c <= char.MaxValue; c++)
            {
                block[position] = (char)c;
                bool expected = char.IsAsciiHexDigitLower((char)c);
                Assert.Equal(expected, LowerHex.TryDecodeVector256(block, out _, out _, out _, out _));
                Assert.Equal(expected, LowerHex.TryDecodeVector128(block, out _, out _, out _, out _));
            }

            block[position] = original;
        }
    }

    [Fact]
    public void Every_byte_value_in_every_position_is_judged_alone()
    {
        byte[] block = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"u8.ToArray();
        for (int position = 0; position < block.Length; position++)
        {
            byte original = block[position];
            for (int b = 0; b <= byte.MaxValue; b++)
            {
                block[position] = (byte)b;
                bool expected = char.IsAsciiHexDigitLower((char)b);
                Assert.Equal(expected, LowerHex.TryDecodeVector256(block, out _, out _, out _, out _));
                Assert.Equal(expected, LowerHex.TryDecodeVector128(block, out _, out _, out _, out _));
                Assert.Equal(expected, LowerHex.TryDecodeScalar(block, out _, out _, out _, out _));
            }

            block[position] = original;
        }
    }

    [Fact]
    public void A_block_of_the_wrong_length_is_refused_before_it_is_read()
    {
        Assert.Throws<ArgumentException>(() => LowerHex.TryDecode(new string('a', 63), out _, out _, out _, out _));
        Assert.Throws<ArgumentException>(() => LowerHex.TryDecodeVector256(new byte[65], out _, out _, out _, out _));
        Assert.Throws<ArgumentException>(() => LowerHex.TryDecodeVector128(new string('a', 32), out _, out _, out _, out _));
    }

    private static ulong[] BigEndianWords(byte[] bytes) =>
        [.. Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8 * i)))];

    private static bool Agrees(bool expected, ulong[]? words, bool actual, ulong w0, ulong w1, ulong w2, ulong w3) =>
        actual == expected && (!expected || words!.SequenceEqual([w0, w1, w2, w3]));
}
