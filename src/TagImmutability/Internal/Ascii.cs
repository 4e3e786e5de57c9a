using System.Buffers;
using System.Text;

namespace TagImmutability.Internal;

/// <summary>The ASCII character classes of the OCI grammars, and the bridge from UTF-8 input to the UTF-16 scanners.</summary>
internal static class AsciiClasses
{
    public static readonly SearchValues<char> LowerAlphanumeric =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");

    public static readonly SearchValues<char> Alphanumeric =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    /// <summary><c>[A-Za-z0-9_]</c>: the ASCII meaning of <c>\w</c>, written out because .NET's <c>\w</c> is Unicode.</summary>
    public static readonly SearchValues<char> Word =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    /// <summary><c>[A-Za-z0-9_.-]</c>: the tag body.</summary>
    public static readonly SearchValues<char> TagBody =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");

    /// <summary><see cref="TagBody"/> as UTF-8 bytes.</summary>
    public static readonly SearchValues<byte> TagBodyUtf8 =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"u8);

    /// <summary><c>[A-Za-z0-9.-]</c>: a domain name (a registry host without its port).</summary>
    public static readonly SearchValues<char> HostName =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-");

    /// <summary><c>[a-zA-Z0-9=_-]</c>: the encoded part of a digest.</summary>
    public static readonly SearchValues<char> DigestEncoded =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789=_-");

    public static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary><c>[A-Z]</c>. (A SearchValues, not <c>IndexOfAnyInRange</c>, which boxes its bounds in unoptimized code.)</summary>
    public static readonly SearchValues<char> Upper = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    /// <summary><c>[0-9]</c>, as a SearchValues for the same reason as <see cref="Upper"/>.</summary>
    public static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    public static bool IsLowerAlphanumeric(char c) => (uint)(c - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9;

    public static bool IsAlphanumeric(char c) => IsLowerAlphanumeric(c) || (uint)(c - 'A') <= 'Z' - 'A';

    public static bool IsUpper(char c) => (uint)(c - 'A') <= 'Z' - 'A';

    public static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    /// <summary>
    /// Decodes UTF-8 input into <paramref name="destination"/> so that the one UTF-16 scanner of each type serves both
    /// encodings. Invalid UTF-8 becomes U+FFFD, which every grammar here rejects as non-ASCII.
    /// </summary>
    /// <returns>The number of characters written.</returns>
    public static int DecodeUtf8(ReadOnlySpan<byte> utf8, Span<char> destination)
    {
        if (System.Text.Ascii.ToUtf16(utf8, destination, out int written) == OperationStatus.Done)
        {
            return written;
        }

        return Encoding.UTF8.GetChars(utf8, destination);
    }

    /// <summary>
    /// The UTF-8 <c>Parse</c> of every value type: decodes the bytes and runs the type's UTF-16 parser on them. Input
    /// longer than <paramref name="maxLength"/> bytes cannot be valid (every grammar here is ASCII), so it is decoded to
    /// a string only for the parser to report it; shorter input is decoded on the stack.
    /// </summary>
    public static T ParseUtf8<TState, T>(ReadOnlySpan<byte> utf8, int maxLength, TState state, CharParser<TState, T> parse)
    {
        if (utf8.Length > maxLength)
        {
            return parse(Encoding.UTF8.GetString(utf8), state);
        }

        Span<char> chars = stackalloc char[utf8.Length];
        return parse(chars[..DecodeUtf8(utf8, chars)], state);
    }

    /// <summary>The UTF-8 <c>TryParse</c> of every value type: as <see cref="ParseUtf8"/>, but over-long input is simply refused.</summary>
    public static bool TryParseUtf8<TState, T>(ReadOnlySpan<byte> utf8, int maxLength, TState state, CharTryParser<TState, T> tryParse, out T value)
    {
        if (utf8.Length > maxLength)
        {
            value = default!;
            return false;
        }

        Span<char> chars = stackalloc char[utf8.Length];
        return tryParse(chars[..DecodeUtf8(utf8, chars)], state, out value);
    }

    /// <summary>
    /// Encodes ASCII <paramref name="text"/> as UTF-8 into <paramref name="destination"/>; false when it does not fit.
    /// </summary>
    public static bool TryEncodeAscii(ReadOnlySpan<char> text, Span<byte> destination, out int bytesWritten)
    {
        if (text.Length > destination.Length)
        {
            bytesWritten = 0;
            return false;
        }

        System.Text.Ascii.FromUtf16(text, destination, out bytesWritten);
        return true;
    }

    /// <summary>Copies <paramref name="text"/> into <paramref name="destination"/>; false when it does not fit.</summary>
    public static bool TryCopy(ReadOnlySpan<char> text, Span<char> destination, out int charsWritten)
    {
        if (text.TryCopyTo(destination))
        {
            charsWritten = text.Length;
            return true;
        }

        charsWritten = 0;
        return false;
    }
}

/// <summary>A value type's UTF-16 parser, with the state it needs (a grammar profile, or nothing).</summary>
internal delegate T CharParser<TState, T>(ReadOnlySpan<char> text, TState state);

/// <summary>A value type's UTF-16 try-parser, with the state it needs (a grammar profile, or nothing).</summary>
internal delegate bool CharTryParser<TState, T>(ReadOnlySpan<char> text, TState state, out T value);
