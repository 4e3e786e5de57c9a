using System.Text;

namespace TagImmutability.Tests.Fuzzing;

/// <summary>The kinds of damage a mutation does to a valid input.</summary>
public enum MutationKind
{
    Truncate,
    FlipBit,
    SetByte,
    Insert,
    DeleteRange,
    DuplicateRange,
    HugeNumber,
    DeepNesting,
    LongString,
}

/// <summary>
/// One change to a byte string. Positions are taken modulo the length at the time, so that any list of mutations
/// applies to any input, and a failing case prints and shrinks as a list of readable steps.
/// </summary>
public sealed record Mutation(MutationKind Kind, int Position, int Length, byte[] Bytes)
{
    public override string ToString() => Kind switch
    {
        MutationKind.Insert or MutationKind.SetByte => $"{Kind}@{Position} [{Convert.ToHexString(Bytes)}]",
        MutationKind.FlipBit => $"{Kind}@{Position} bit {Length}",
        _ => $"{Kind}@{Position} length {Length}",
    };
}

/// <summary>
/// FsCheck generators of hostile mutations: truncation, bit flips, bytes that break UTF-8 (a lone continuation byte,
/// 0xFF, overlong encodings, an encoded surrogate, a code point past U+10FFFF, a byte order mark), NUL, JSON
/// punctuation and escapes (an escaped lone surrogate), look-alike characters (Kelvin sign, fullwidth letters,
/// dotless i, long s, zero-width space), huge and odd numbers, deep nesting and 100,000-character runs.
/// </summary>
public static class Mutations
{
    public static readonly byte[][] Hostile =
    [
        [0x00], [0xFF], [0x80], [0xC3], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xEF, 0xBB, 0xBF],
        .. new[]
        {
            "\"", "\\", "{", "}", "[", "]", ",", ":", "/", "@", "*", "**", "?", ".", "-", "_", " ", "\t", "\n", "\r", "null", "true",
            "\\ud800", "\\udc00", "\\u0000", "\\u0041", "\\\"", "sha256:", "sha512:", "\u212A", "\uFF41", "\u0131", "\u017F", "\u200B", "\u00E9",
            "e\u0301", "A", "Z", "0", "9",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    private static readonly string[] Numbers = ["1e400", "-1e400", "99999999999999999999999999999", "-0", "0.5", "1E2", "-9223372036854775809", "NaN", "Infinity", "0x10", "01"];

    public static Gen<Mutation> Mutation =>
        from kind in Gen.Frequency(
            (3, Gen.Constant(MutationKind.Truncate)),
            (5, Gen.Constant(MutationKind.FlipBit)),
            (5, Gen.Constant(MutationKind.SetByte)),
            (8, Gen.Constant(MutationKind.Insert)),
            (3, Gen.Constant(MutationKind.DeleteRange)),
            (2, Gen.Constant(MutationKind.DuplicateRange)),
            (2, Gen.Constant(MutationKind.HugeNumber)),
            (1, Gen.Constant(MutationKind.DeepNesting)),
            (1, Gen.Constant(MutationKind.LongString)))
        from position in Gen.Choose(0, int.MaxValue)
        from length in Gen.Choose(0, 64)
        from bytes in kind switch
        {
            MutationKind.Insert => Gen.Elements(Hostile),
            MutationKind.SetByte => Gen.Choose(0, 255).Select(b => new[] { (byte)b }),
            MutationKind.HugeNumber => Gen.Elements(Numbers).Select(Encoding.UTF8.GetBytes),
            MutationKind.DeepNesting => Gen.Elements("[", "{\"a\":", "[{\"x\":").Select(Encoding.UTF8.GetBytes),
            MutationKind.LongString => Gen.Elements("a", "*a", "\\u0041", "0", "/").Select(Encoding.UTF8.GetBytes),
            _ => Gen.Constant(Array.Empty<byte>()),
        }
        select new Mutation(kind, position, length, bytes);

    /// <summary>One to four mutations.</summary>
    public static Gen<Mutation[]> Mutations1To4 => Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Mutation, n));

    public static byte[] Apply(byte[] input, IEnumerable<Mutation> mutations)
    {
        byte[] current = input;
        foreach (Mutation mutation in mutations)
        {
            current = Apply(current, mutation);
        }

        return current;
    }

    private static byte[] Apply(byte[] input, Mutation m)
    {
        int at = input.Length == 0 ? 0 : m.Position % (input.Length + 1);
        int end = Math.Min(input.Length, at + Math.Max(1, m.Length));
        switch (m.Kind)
        {
            case MutationKind.Truncate:
                return input[..at];
            case MutationKind.FlipBit when input.Length > 0:
                byte[] flipped = (byte[])input.Clone();
                flipped[Math.Min(at, input.Length - 1)] ^= (byte)(1 << (m.Length % 8));
                return flipped;
            case MutationKind.SetByte when input.Length > 0:
                byte[] set = (byte[])input.Clone();
                set[Math.Min(at, input.Length - 1)] = m.Bytes[0];
                return set;
            case MutationKind.Insert:
                return [.. input[..at], .. m.Bytes, .. input[at..]];
            case MutationKind.DeleteRange:
                return [.. input[..at], .. input[end..]];
            case MutationKind.DuplicateRange:
                return [.. input[..end], .. input[at..end], .. input[end..]];
            case MutationKind.HugeNumber:
                // Replace the run of digits at or after the position, or insert the number there.
                int digit = Array.FindIndex(input, at, b => b is >= (byte)'0' and <= (byte)'9');
                if (digit < 0)
                {
                    return [.. input[..at], .. m.Bytes, .. input[at..]];
                }

                int stop = digit;
                while (stop < input.Length && input[stop] is >= (byte)'0' and <= (byte)'9' or (byte)'.')
                {
                    stop++;
                }

                return [.. input[..digit], .. m.Bytes, .. input[stop..]];
            case MutationKind.DeepNesting:
                return [.. input[..at], .. Repeat(m.Bytes, 5_000 + m.Length * 100), .. input[at..]];
            case MutationKind.LongString:
                return [.. input[..at], .. Repeat(m.Bytes, 100_000 / m.Bytes.Length), .. input[at..]];
            default:
                return input;
        }
    }

    private static byte[] Repeat(byte[] unit, int count)
    {
        var result = new byte[unit.Length * count];
        for (int i = 0; i < count; i++)
        {
            unit.CopyTo(result, i * unit.Length);
        }

        return result;
    }

    /// <summary>The bytes as a string the way a lenient caller would decode them (invalid UTF-8 becomes U+FFFD).</summary>
    public static string Lenient(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
