using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TagImmutability.Internal;

/// <summary>
/// Lowercase hex (<c>[0-9a-f]</c>, the only hex the OCI spec allows in a registered digest) validated and decoded in
/// one pass, 64 characters (one sha256 hash, four big-endian 64-bit words) at a time, from UTF-16 or UTF-8.
/// </summary>
/// <remarks>
/// The BCL's <see cref="Convert.FromHexString(ReadOnlySpan{char})"/> also accepts uppercase, so using it needs a second
/// pass to reject uppercase; here the class check and the decoding share their arithmetic. A <see langword="false"/>
/// answer says only "not 64 lowercase hex"; callers run their diagnostic scanner to say why.
/// </remarks>
internal static class LowerHex
{
    /// <summary>The characters one call decodes: 64, i.e. 32 bytes, four words.</summary>
    public const int BlockLength = 64;

    /// <summary>
    /// Decodes exactly <see cref="BlockLength"/> lowercase hex characters into four big-endian words; false, with the
    /// words unspecified, when any character is not <c>[0-9a-f]</c>.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<char> hex, out ulong word0, out ulong word1, out ulong word2, out ulong word3)
    {
        // The vector paths pair nibbles by reading byte pairs as little-endian 16-bit lanes.
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            return TryDecodeVector256(hex, out word0, out word1, out word2, out word3);
        }

        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            return TryDecodeVector128(hex, out word0, out word1, out word2, out word3);
        }

        return TryDecodeScalar(hex, out word0, out word1, out word2, out word3);
    }

    /// <inheritdoc cref="TryDecode(ReadOnlySpan{char}, out ulong, out ulong, out ulong, out ulong)"/>
    public static bool TryDecode(ReadOnlySpan<byte> hex, out ulong word0, out ulong word1, out ulong word2, out ulong word3)
    {
        if (Vector256.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            return TryDecodeVector256(hex, out word0, out word1, out word2, out word3);
        }

        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            return TryDecodeVector128(hex, out word0, out word1, out word2, out word3);
        }

        return TryDecodeScalar(hex, out word0, out word1, out word2, out word3);
    }

    /// <summary>
    /// The portable one-character-at-a-time form of <see cref="TryDecode(ReadOnlySpan{char}, out ulong, out ulong, out ulong, out ulong)"/>:
    /// used where no vector unit is available, and by the tests as the reference the vector paths must agree with.
    /// </summary>
    public static bool TryDecodeScalar(ReadOnlySpan<char> hex, out ulong word0, out ulong word1, out ulong word2, out ulong word3)
    {
        ThrowIfNotOneBlock(hex.Length);
        bool valid = TryReadWord(hex, out word0)
            & TryReadWord(hex[16..], out word1)
            & TryReadWord(hex[32..], out word2)
            & TryReadWord(hex[48..], out word3);
        return valid;
    }

    /// <inheritdoc cref="TryDecodeScalar(ReadOnlySpan{char}, out ulong, out ulong, out ulong, out ulong)"/>
    public static bool TryDecodeScalar(ReadOnlySpan<byte> hex, out ulong word0, out ulong word1, out ulong word2, out ulong word3)
    {
        ThrowIfNotOneBlock(hex.Length);
        bool valid = TryReadWord(hex, out word0)
            & TryReadWord(hex[16..], out word1)
            & TryReadWord(hex[32..], out word2)
            & TryReadWord(hex[48..], out word3);
        return valid;
    }

    private static bool TryReadWord(ReadOnlySpan<char> hex, out ulong word)
    {
        ulong value = 0;
        uint invalid = 0;
        for (int i = 0; i < 16; i++)
        {
            uint nibble = Nibble(hex[i]);
            invalid |= nibble;
            value = (value << 4) | (nibble & 0xF);
        }

        word = value;
        return invalid <= 0xF;
    }

    private static bool TryReadWord(ReadOnlySpan<byte> hex, out ulong word)
    {
        ulong value = 0;
        uint invalid = 0;
        for (int i = 0; i < 16; i++)
        {
            uint nibble = Nibble(hex[i]);
            invalid |= nibble;
            value = (value << 4) | (nibble & 0xF);
        }

        word = value;
        return invalid <= 0xF;
    }

    // The nibble of a lowercase hex character, or a value above 0xF for any other character.
    private static uint Nibble(uint c)
    {
        uint digit = c - '0';
        if (digit <= 9)
        {
            return digit;
        }

        uint letter = c - 'a';
        return letter <= 5 ? letter + 10 : 0x100;
    }

    /// <summary>The 256-bit vector path; the tests call it directly, whatever the machine would choose.</summary>
    internal static bool TryDecodeVector256(ReadOnlySpan<char> hex, out ulong word0, out ulong word1, out ulong word2, out ulong word3)
    {
        ThrowIfNotOneBlock(hex.Length);
        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(hex));
        Vector256<ushort> c0 = Vector256.LoadUnsafe(ref source);
        Vector256<ushort> c1 = Vector256.LoadUnsafe(ref source, 16);
        Vector256<ushort> c2 = Vector256.LoadUnsafe(ref source, 32);
        Vector256<ushort> c3 = Vector256.LoadUnsafe(ref source, 48);

        // Narrowing keeps only the low byte of each character; a character above U+00FF must not pass as its low byte.
        Vector256<ushort> highBits = (c0 | c1 | c2 | c3) & Vector256.Create((ushort)0xFF80);
        Vector256<byte> nibbles01 = Nibbles(Vector256.Narrow(c0, c1), out Vector256<byte> valid01);
        Vector256<byte> nibbles23 = Nibbles(Vector256.Narrow(c2, c3), out Vector256<byte> valid23);
        Vector256<byte> bytes = Vector256.Narrow(PairNibbles(nibbles01), PairNibbles(nibbles23));
        ReadWords(bytes, out word0, out word1, out word2, out word3);
        return highBits == Vector256<ushort>.Zero && (valid01 & valid23) == Vector256<byte>.AllBitsSet;
    }

    /// <inheritdoc cref="TryDecodeVector256(ReadOnlySpan{char}, out ulong, out ulong, out ulong, out ulong)"/>
    internal static bool TryDecodeVector256(ReadOnlySpan<byte> hex, out ulong word0, out ulong word1, out ulong word2, out ulong word3)
    {
        ThrowIfNotOneBlock(hex.Length);
        ref byte source = ref MemoryMarshal.GetReference(hex);
        Vector256<byte> nibbles01 = Nibbles(Vector256.LoadUnsafe(ref source), out Vector256<byte> valid01);
        Vector256<byte> nibbles23 = Nibbles(Vector256.LoadUnsafe(ref source, 32), out Vector256<byte> valid23);
        Vector256<byte> bytes = Vector256.Narrow(PairNibbles(nibbles01), PairNibbles(nibbles23));
        ReadWords(bytes, out word0, out word1, out word2, out word3);
        return (valid01 & valid23) == Vector256<byte>.AllBitsSet;
    }

    /// <summary>The 128-bit vector path; the tests call it directly, whatever the machine would choose.</summary>
    internal static bool TryDecodeVector128(ReadOnlySpan<char> hex, out ulong word0, out ulong word1, out ulong word2, out ulong word3)
    {
        ThrowIfNotOneBlock(hex.Length);
        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(hex));
        Vector128<ushort> c0 = Vector128.LoadUnsafe(ref source);
        Vector128<ushort> c1 = Vector128.LoadUnsafe(ref source, 8);
        Vector128<ushort> c2 = Vector128.LoadUnsafe(ref source, 16);
        Vector128<ushort> c3 = Vector128.LoadUnsafe(ref source, 24);
        Vector128<ushort> c4 = Vector128.LoadUnsafe(ref source, 32);
        Vector128<ushort> c5 = Vector128.LoadUnsafe(ref source, 40);
        Vector128<ushort> c6 = Vector128.LoadUnsafe(ref source, 48);
        Vector128<ushort> c7 = Vector128.LoadUnsafe(ref source, 56);

        Vector128<ushort> highBits = (c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) & Vector128.Create((ushort)0xFF80);
        Vector128<byte> nibbles01 = Nibbles(Vector128.Narrow(c0, c1), out Vector128<byte> valid01);
        Vector128<byte> nibbles23 = Nibbles(Vector128.Narrow(c2, c3), out Vector128<byte> valid23);
        Vector128<byte> nibbles45 = Nibbles(Vector128.Narrow(c4, c5), out Vector128<byte> valid45);
        Vector128<byte> nibbles67 = Nibbles(Vector128.Narrow(c6, c7), out Vector128<byte> valid67);
        Vector128<byte> low = Vector128.Narrow(PairNibbles(nibbles01), PairNibbles(nibbles23));
        Vector128<byte> high = Vector128.Narrow(PairNibbles(nibbles45), PairNibbles(nibbles67));
        ReadWords(low, high, out word0, out word1, out word2, out word3);
        return highBits == Vector128<ushort>.Zero
            && (valid01 & valid23 & valid45 & valid67) == Vector128<byte>.AllBitsSet;
    }

    /// <inheritdoc cref="TryDecodeVector128(ReadOnlySpan{char}, out ulong, out ulong, out ulong, out ulong)"/>
    internal static bool TryDecodeVector128(ReadOnlySpan<byte> hex, out ulong word0, out ulong word1, out ulong word2, out ulong word3)
    {
        ThrowIfNotOneBlock(hex.Length);
        ref byte source = ref MemoryMarshal.GetReference(hex);
        Vector128<byte> nibbles0 = Nibbles(Vector128.LoadUnsafe(ref source), out Vector128<byte> valid0);
        Vector128<byte> nibbles1 = Nibbles(Vector128.LoadUnsafe(ref source, 16), out Vector128<byte> valid1);
        Vector128<byte> nibbles2 = Nibbles(Vector128.LoadUnsafe(ref source, 32), out Vector128<byte> valid2);
        Vector128<byte> nibbles3 = Nibbles(Vector128.LoadUnsafe(ref source, 48), out Vector128<byte> valid3);
        Vector128<byte> low = Vector128.Narrow(PairNibbles(nibbles0), PairNibbles(nibbles1));
        Vector128<byte> high = Vector128.Narrow(PairNibbles(nibbles2), PairNibbles(nibbles3));
        ReadWords(low, high, out word0, out word1, out word2, out word3);
        return (valid0 & valid1 & valid2 & valid3) == Vector128<byte>.AllBitsSet;
    }

    // Each byte's nibble; valid marks the bytes that are [0-9a-f] (all bits set) and the others (zero).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Nibbles(Vector256<byte> characters, out Vector256<byte> valid)
    {
        Vector256<byte> digit = characters - Vector256.Create((byte)'0');
        Vector256<byte> letter = characters - Vector256.Create((byte)'a');
        Vector256<byte> isDigit = Vector256.LessThan(digit, Vector256.Create((byte)10));
        valid = isDigit | Vector256.LessThan(letter, Vector256.Create((byte)6));
        return Vector256.ConditionalSelect(isDigit, digit, letter + Vector256.Create((byte)10));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Nibbles(Vector128<byte> characters, out Vector128<byte> valid)
    {
        Vector128<byte> digit = characters - Vector128.Create((byte)'0');
        Vector128<byte> letter = characters - Vector128.Create((byte)'a');
        Vector128<byte> isDigit = Vector128.LessThan(digit, Vector128.Create((byte)10));
        valid = isDigit | Vector128.LessThan(letter, Vector128.Create((byte)6));
        return Vector128.ConditionalSelect(isDigit, digit, letter + Vector128.Create((byte)10));
    }

    // Pairs of nibbles (high first, as written) become bytes in the low half of each 16-bit lane; narrowing keeps that
    // half. Read as a little-endian 16-bit lane, the first nibble is the low byte and the second the high byte.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> PairNibbles(Vector256<byte> nibbles)
    {
        Vector256<ushort> lanes = nibbles.AsUInt16();
        return Vector256.ShiftLeft(lanes, 4) | Vector256.ShiftRightLogical(lanes, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> PairNibbles(Vector128<byte> nibbles)
    {
        Vector128<ushort> lanes = nibbles.AsUInt16();
        return Vector128.ShiftLeft(lanes, 4) | Vector128.ShiftRightLogical(lanes, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReadWords(Vector256<byte> bytes, out ulong word0, out ulong word1, out ulong word2, out ulong word3)
    {
        Vector256<ulong> words = bytes.AsUInt64();
        word0 = ToBigEndian(words.GetElement(0));
        word1 = ToBigEndian(words.GetElement(1));
        word2 = ToBigEndian(words.GetElement(2));
        word3 = ToBigEndian(words.GetElement(3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReadWords(Vector128<byte> low, Vector128<byte> high, out ulong word0, out ulong word1, out ulong word2, out ulong word3)
    {
        word0 = ToBigEndian(low.AsUInt64().GetElement(0));
        word1 = ToBigEndian(low.AsUInt64().GetElement(1));
        word2 = ToBigEndian(high.AsUInt64().GetElement(0));
        word3 = ToBigEndian(high.AsUInt64().GetElement(1));
    }

    // The decoded bytes are in text order, read here as a little-endian word; a digest word holds its first byte as the
    // most significant.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ToBigEndian(ulong littleEndianWord) => BinaryPrimitives.ReverseEndianness(littleEndianWord);

    // The vector paths read 64 elements unchecked, so the length is checked once, up front.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ThrowIfNotOneBlock(int length)
    {
        if (length != BlockLength)
        {
            ThrowNotOneBlock(length);
        }
    }

    [DoesNotReturn]
    private static void ThrowNotOneBlock(int length) =>
        throw new ArgumentException($"exactly {BlockLength} hex characters are decoded at a time, not {length}", "hex");
}
