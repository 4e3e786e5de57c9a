using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TagImmutability.Internal;

/// <summary>
/// What <see cref="AsciiMap{TValue}"/> compares before it looks at a key's text: a seeded 64-bit hash, the length, and the
/// first 16 characters packed as bytes. The same ASCII text gives the same key whether it arrives as a <see cref="string"/>,
/// as UTF-16 or as UTF-8, so every form is looked up without transcoding or allocating.
/// </summary>
/// <remarks>
/// The seed is random per process, so hash values are not stable across runs and an attacker who picks tag names cannot
/// aim them at one bucket (HashDoS); the map still works, only slower, if they did.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
internal readonly struct AsciiKey
{
    /// <summary>How many leading characters <see cref="Prefix0"/> and <see cref="Prefix1"/> hold: 16.</summary>
    public const int PrefixLength = 16;

    private const ulong Multiplier0 = 0x9E3779B97F4A7C15;
    private const ulong Multiplier1 = 0xC2B2AE3D27D4EB4F;
    private const ulong Multiplier2 = 0x165667B19E3779F9;

    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    private AsciiKey(ulong hash, ulong prefix0, ulong prefix1, int length)
    {
        // The length is folded into the low byte, so that for keys of up to 16 characters one comparison of the
        // fingerprint and two of the prefixes decide equality without touching the key's text.
        Fingerprint = (hash & ~0xFFUL) | (uint)Math.Min(length, 0xFF);
        Prefix0 = prefix0;
        Prefix1 = prefix1;
        Length = length;
    }

    /// <summary>The hash with the length (capped at 255) in its low byte; the top bits choose the bucket.</summary>
    public ulong Fingerprint { get; }

    /// <summary>Characters 0..7 as little-endian bytes, zero-padded.</summary>
    public ulong Prefix0 { get; }

    /// <summary>Characters 8..15 as little-endian bytes, zero-padded.</summary>
    public ulong Prefix1 { get; }

    /// <summary>The key's length in characters.</summary>
    public int Length { get; }

    /// <summary>The key of ASCII text given as UTF-16; <see langword="false"/> when it holds a character above U+007F.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryCreate(ReadOnlySpan<char> text, out AsciiKey key)
    {
        key = default;
        ref ushort start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        int length = text.Length;
        ulong prefix0;
        ulong prefix1 = 0;
        if (length < 8)
        {
            if (!TryPack(ref start, length, out prefix0))
            {
                return false;
            }
        }
        else if (!TryLoad8(ref start, out prefix0)
            || (length > 8 && !TryLoadTail(ref start, 8, length, out prefix1)))
        {
            return false;
        }

        ulong hash = Start(prefix0, prefix1, length);
        for (int i = PrefixLength; i < length; i += 8)
        {
            if (!TryLoadTail(ref start, i, length, out ulong block))
            {
                return false;
            }

            hash = Step(hash, block);
        }

        key = new AsciiKey(Finish(hash), prefix0, prefix1, length);
        return true;
    }

    /// <summary>The key of ASCII text given as UTF-8; <see langword="false"/> when it holds a byte above 0x7F.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryCreate(ReadOnlySpan<byte> utf8Text, out AsciiKey key)
    {
        int length = utf8Text.Length;
        ulong prefix0;
        ulong prefix1 = 0;
        if (length < 8)
        {
            prefix0 = 0;
            for (int j = 0; j < length; j++)
            {
                prefix0 |= (ulong)utf8Text[j] << (8 * j);
            }
        }
        else
        {
            prefix0 = BinaryPrimitives.ReadUInt64LittleEndian(utf8Text);
            if (length > 8)
            {
                prefix1 = ReadTail(utf8Text, 8);
            }
        }

        ulong nonAscii = prefix0 | prefix1;
        ulong hash = Start(prefix0, prefix1, length);
        for (int i = PrefixLength; i < length; i += 8)
        {
            ulong block = ReadTail(utf8Text, i);
            nonAscii |= block;
            hash = Step(hash, block);
        }

        if ((nonAscii & 0x8080808080808080UL) != 0)
        {
            key = default;
            return false;
        }

        key = new AsciiKey(Finish(hash), prefix0, prefix1, length);
        return true;
    }

    /// <summary>Whether <paramref name="text"/> is this key: its characters after the prefix equal the stored key's.</summary>
    /// <remarks>Called only once fingerprint and prefixes matched, so only keys longer than 16 characters reach the text.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool RestEquals(string stored, ReadOnlySpan<char> text) =>
        text.Length <= PrefixLength || stored.AsSpan(PrefixLength).SequenceEqual(text[PrefixLength..]);

    /// <summary>The UTF-8 form of <see cref="RestEquals(string, ReadOnlySpan{char})"/>; the input is known to be ASCII.</summary>
    public static bool RestEquals(string stored, ReadOnlySpan<byte> utf8Text)
    {
        if (utf8Text.Length <= PrefixLength)
        {
            return true;
        }

        if (stored.Length != utf8Text.Length)
        {
            return false;
        }

        for (int i = PrefixLength; i < utf8Text.Length; i++)
        {
            if (stored[i] != utf8Text[i])
            {
                return false;
            }
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Start(ulong prefix0, ulong prefix1, int length) =>
        Seed ^ (prefix0 * Multiplier0) ^ BitOperations.RotateLeft(prefix1 * Multiplier1, 31) ^ ((ulong)length * Multiplier2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Step(ulong hash, ulong block) => BitOperations.RotateLeft(hash ^ (block * Multiplier1), 27) * Multiplier0;

    // The murmur3 finalizer: every input bit reaches the top bits, which choose the bucket.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Finish(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCD;
        hash ^= hash >> 33;
        hash *= 0xC4CEB9FE1A85EC53;
        return hash ^ (hash >> 33);
    }

    // Up to 8 UTF-16 characters as bytes; false when one is not ASCII.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryPack(ref ushort start, int count, out ulong packed)
    {
        packed = 0;
        uint any = 0;
        for (int i = 0; i < count; i++)
        {
            ushort c = Unsafe.Add(ref start, i);
            any |= c;
            packed |= (ulong)(byte)c << (8 * i);
        }

        return any <= 0x7F;
    }

    // Eight characters from `start + offset` as bytes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryLoad8(ref ushort at, out ulong packed)
    {
        if (!Vector128.IsHardwareAccelerated)
        {
            return TryPack(ref at, 8, out packed);
        }

        Vector128<ushort> chars = Vector128.LoadUnsafe(ref at);
        packed = Vector128.Narrow(chars, chars).AsUInt64().ToScalar();
        return (chars & Vector128.Create((ushort)0xFF80)) == Vector128<ushort>.Zero;
    }

    // Characters offset..min(offset + 8, length) as bytes, zero-padded; the text is at least 8 long, so a short last block
    // is read as the last eight characters (overlapping what came before) and shifted down.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryLoadTail(ref ushort start, int offset, int length, out ulong packed)
    {
        int remaining = length - offset;
        if (remaining >= 8)
        {
            return TryLoad8(ref Unsafe.Add(ref start, offset), out packed);
        }

        bool ascii = TryLoad8(ref Unsafe.Add(ref start, length - 8), out packed);
        packed >>= 8 * (8 - remaining);
        return ascii;
    }

    // The UTF-8 form of TryLoadTail, without the ASCII check (done once over every block).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadTail(ReadOnlySpan<byte> utf8Text, int offset)
    {
        int remaining = utf8Text.Length - offset;
        return remaining >= 8
            ? BinaryPrimitives.ReadUInt64LittleEndian(utf8Text[offset..])
            : BinaryPrimitives.ReadUInt64LittleEndian(utf8Text[^8..]) >> (8 * (8 - remaining));
    }
}
