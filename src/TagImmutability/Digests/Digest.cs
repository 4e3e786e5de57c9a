using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// A content digest, <c>algorithm:encoded</c> as the OCI image spec defines it (descriptor.md, "Digests"), held as
/// the algorithm and the raw hash bytes rather than as text: <c>sha256</c> (32 bytes, 64 lowercase hex characters)
/// or <c>sha512</c> (64 bytes, 128 lowercase hex characters).
/// </summary>
/// <remarks>
/// <para>
/// Parsing is exact: the algorithm must match <c>[a-z0-9]+([+._-][a-z0-9]+)*</c>, the encoded part
/// <c>[a-zA-Z0-9=_-]+</c>, and a registered algorithm's encoded part must be lowercase hex of its exact length
/// (uppercase hex is rejected, as the spec requires). A well-formed digest with an algorithm this library cannot
/// verify (such as <c>blake3</c> or a private one) is rejected by <see cref="Parse(string)"/> with a message saying
/// so; <see cref="IsWellFormed(ReadOnlySpan{char})"/> checks the grammar alone. See <c>docs/grammar.md</c>.
/// </para>
/// <para>
/// Equality, hashing and ordering use every hash byte. Ordering is the ordinal order of the text form.
/// </para>
/// <para>
/// <c>default(Digest)</c> names no content: its <see cref="Algorithm"/> is <see cref="DigestAlgorithm.None"/>,
/// <see cref="IsDefault"/> is <see langword="true"/>, it formats as the empty string, sorts before every other digest
/// and <see cref="Matches(ReadOnlySpan{byte})"/> throws on it.
/// </para>
/// <para>
/// A sha256 digest is stored wholly inline (four 64-bit words); a sha512 digest keeps its second half in a private
/// array, so parsing or computing one allocates 56 bytes.
/// </para>
/// <para><b>Thread safety:</b> an immutable value; safe to share between threads.</para>
/// </remarks>
public readonly struct Digest :
    IEquatable<Digest>,
    IComparable<Digest>,
    IComparable,
    ISpanParsable<Digest>,
    IUtf8SpanParsable<Digest>,
    ISpanFormattable,
    IUtf8SpanFormattable
{
    /// <summary>The length of a sha256 digest's text form, in characters: 71 (<c>sha256:</c> and 64 hex).</summary>
    public const int Sha256TextLength = 71;

    /// <summary>The length of a sha512 digest's text form, in characters: 135 (<c>sha512:</c> and 128 hex).</summary>
    public const int Sha512TextLength = 135;

    /// <summary>
    /// The longest text <see cref="Parse(string)"/> can accept, in characters (135, a sha512 digest); longer input is
    /// rejected before it is scanned.
    /// </summary>
    public const int MaxTextLength = Sha512TextLength;

    /// <summary>
    /// The longest text <see cref="IsWellFormed(ReadOnlySpan{char})"/> considers, in characters: 1024. The grammar
    /// itself has no bound; this one keeps the check cheap on hostile input.
    /// </summary>
    public const int MaxWellFormedLength = 1024;

    private const string Field = "digest";

    internal const string Rule =
        "algorithm:encoded, algorithm [a-z0-9]+([+._-][a-z0-9]+)*, encoded [a-f0-9]{64} for sha256 or [a-f0-9]{128} for sha512 (OCI image-spec descriptor.md, Digests)";

    private readonly ulong _word0;
    private readonly ulong _word1;
    private readonly ulong _word2;
    private readonly ulong _word3;

    // The last four words of a sha512 hash; null for sha256 and default. Never exposed, never mutated.
    private readonly ulong[]? _tail;
    private readonly DigestAlgorithm _algorithm;

    private Digest(DigestAlgorithm algorithm, ulong word0, ulong word1, ulong word2, ulong word3, ulong[]? tail)
    {
        _algorithm = algorithm;
        _word0 = word0;
        _word1 = word1;
        _word2 = word2;
        _word3 = word3;
        _tail = tail;
    }

    /// <summary>The hash algorithm; <see cref="DigestAlgorithm.None"/> for <c>default(Digest)</c>.</summary>
    public DigestAlgorithm Algorithm => _algorithm;

    /// <summary>Whether this is <c>default(Digest)</c>, which names no content.</summary>
    public bool IsDefault => _algorithm == DigestAlgorithm.None;

    /// <summary>The algorithm's name as written in a digest (<c>sha256</c>, <c>sha512</c>); empty for the default value.</summary>
    public string AlgorithmName => NameOf(_algorithm);

    /// <summary>The length of the raw hash, in bytes: 32 for sha256, 64 for sha512, 0 for the default value.</summary>
    public int HashLength => HashLengthOf(_algorithm);

    /// <summary>The length of the text form, in characters: 71 for sha256, 135 for sha512, 0 for the default value.</summary>
    public int TextLength => _algorithm == DigestAlgorithm.None ? 0 : NameOf(_algorithm).Length + 1 + (2 * HashLengthOf(_algorithm));

    /// <summary>The encoded part: the hash as lowercase hex (64 or 128 characters); empty for the default value. Allocates.</summary>
    public string Encoded => IsDefault ? string.Empty : ToString()[(NameOf(_algorithm).Length + 1)..];

    /// <summary>Computes the sha256 digest of <paramref name="content"/>, the exact bytes given (never re-serialised).</summary>
    /// <param name="content">The content, of any length in bytes.</param>
    /// <returns>The sha256 digest of the content.</returns>
    public static Digest Compute(ReadOnlySpan<byte> content) => Compute(content, DigestAlgorithm.Sha256);

    /// <summary>Computes the digest of <paramref name="content"/> with <paramref name="algorithm"/>.</summary>
    /// <param name="content">The content, of any length in bytes.</param>
    /// <param name="algorithm"><see cref="DigestAlgorithm.Sha256"/> or <see cref="DigestAlgorithm.Sha512"/>.</param>
    /// <returns>The digest of the content.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="algorithm"/> is <see cref="DigestAlgorithm.None"/> or undefined.</exception>
    public static Digest Compute(ReadOnlySpan<byte> content, DigestAlgorithm algorithm)
    {
        Span<byte> hash = stackalloc byte[64];
        int length = HashInto(algorithm, content, hash);
        return FromTrustedHash(algorithm, hash[..length]);
    }

    /// <summary>Creates a digest from a raw hash that was computed elsewhere.</summary>
    /// <param name="algorithm"><see cref="DigestAlgorithm.Sha256"/> or <see cref="DigestAlgorithm.Sha512"/>.</param>
    /// <param name="hash">The raw hash: exactly 32 bytes for sha256, 64 for sha512.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="algorithm"/> is <see cref="DigestAlgorithm.None"/> or undefined.</exception>
    /// <exception cref="ArgumentException"><paramref name="hash"/> does not have the algorithm's length.</exception>
    public static Digest FromHash(DigestAlgorithm algorithm, ReadOnlySpan<byte> hash)
    {
        int expected = HashLengthOf(algorithm);
        if (expected == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "algorithm must be Sha256 or Sha512");
        }

        if (hash.Length != expected)
        {
            throw new ArgumentException(
                $"hash is {hash.Length} bytes long, but a {NameOf(algorithm)} hash is exactly {expected} bytes",
                nameof(hash));
        }

        return FromTrustedHash(algorithm, hash);
    }

    /// <summary>
    /// Whether <paramref name="content"/> hashes to this digest with this digest's algorithm. The comparison takes the
    /// same time whatever the hashes hold.
    /// </summary>
    /// <param name="content">The exact bytes to check.</param>
    /// <returns><see langword="true"/> when the content's hash equals this digest's hash.</returns>
    /// <exception cref="InvalidOperationException">This is <c>default(Digest)</c>, which names no content.</exception>
    public bool Matches(ReadOnlySpan<byte> content)
    {
        if (IsDefault)
        {
            throw new InvalidOperationException("default(Digest) names no content and cannot be matched against content");
        }

        Span<byte> actual = stackalloc byte[64];
        Span<byte> expected = stackalloc byte[64];
        int length = HashInto(_algorithm, content, actual);
        CopyHashTo(expected);
        return CryptographicOperations.FixedTimeEquals(actual[..length], expected[..length]);
    }

    /// <summary>Writes the raw hash into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least <see cref="HashLength"/> bytes.</param>
    /// <returns>The number of bytes written: <see cref="HashLength"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="HashLength"/>.</exception>
    public int CopyHashTo(Span<byte> destination)
    {
        int length = HashLength;
        if (destination.Length < length)
        {
            throw new ArgumentException($"destination is {destination.Length} bytes long, but the hash needs {length}", nameof(destination));
        }

        if (length > 0)
        {
            WriteHash(destination);
        }

        return length;
    }

    /// <summary>
    /// Whether <paramref name="text"/> matches the OCI digest grammar <c>algorithm:encoded</c> for any algorithm,
    /// registered or not, and, for a registered algorithm (sha256, sha512, blake3), its exact lowercase hex form.
    /// This is the check the spec asks of implementations that let unknown algorithms pass.
    /// </summary>
    /// <param name="text">The text to check; at most <see cref="MaxWellFormedLength"/> characters are considered.</param>
    /// <returns><see langword="true"/> when the text is a well-formed digest.</returns>
    public static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        if (text.Length > MaxWellFormedLength)
        {
            return false;
        }

        int colon = text.IndexOf(':');
        if (colon < 0 || ScanAlgorithm(text[..colon]).Failed)
        {
            return false;
        }

        ReadOnlySpan<char> algorithm = text[..colon];
        ReadOnlySpan<char> encoded = text[(colon + 1)..];
        if (encoded.IsEmpty || encoded.ContainsAnyExcept(AsciiClasses.DigestEncoded))
        {
            return false;
        }

        int registeredHexLength = algorithm switch
        {
            "sha256" or "blake3" => 64,
            "sha512" => 128,
            _ => 0,
        };
        return registeredHexLength == 0
            || (encoded.Length == registeredHexLength && !encoded.ContainsAnyExcept(AsciiClasses.LowerHex));
    }

    /// <summary>Parses a digest such as <c>sha256:</c> followed by 64 lowercase hex characters.</summary>
    /// <param name="text">The text, at most <see cref="MaxTextLength"/> characters.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDigestException"><paramref name="text"/> is not a sha256 or sha512 digest in the OCI grammar.</exception>
    public static Digest Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan());
    }

    /// <summary>Parses a digest from UTF-16 characters.</summary>
    /// <param name="text">The text, at most <see cref="MaxTextLength"/> characters.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="InvalidDigestException"><paramref name="text"/> is not a sha256 or sha512 digest in the OCI grammar.</exception>
    public static Digest Parse(ReadOnlySpan<char> text)
    {
        ParseFailure failure = ParseCore(text, out Digest digest);
        return failure.Failed ? throw new InvalidDigestException(Field, text, failure, Rule) : digest;
    }

    /// <summary>Parses a digest from UTF-8 bytes, as it arrives in an HTTP path or header.</summary>
    /// <param name="utf8Text">The UTF-8 text, at most <see cref="MaxTextLength"/> bytes.</param>
    /// <returns>The digest.</returns>
    /// <exception cref="InvalidDigestException"><paramref name="utf8Text"/> is not a sha256 or sha512 digest in the OCI grammar.</exception>
    public static Digest Parse(ReadOnlySpan<byte> utf8Text) =>
        TryParseCanonical(utf8Text, out Digest digest)
            ? digest
            : AsciiClasses.ParseUtf8(utf8Text, MaxTextLength, 0, static (text, _) => Parse(text));

    /// <summary>Tries to parse a digest; never throws.</summary>
    /// <param name="text">The text; <see langword="null"/> gives <see langword="false"/>.</param>
    /// <param name="digest">The digest, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid digest.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out Digest digest)
    {
        if (text is null)
        {
            digest = default;
            return false;
        }

        return TryParse(text.AsSpan(), out digest);
    }

    /// <summary>Tries to parse a digest from UTF-16 characters; never throws and allocates nothing for sha256.</summary>
    /// <param name="text">The text.</param>
    /// <param name="digest">The digest, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid digest.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out Digest digest) => !ParseCore(text, out digest).Failed;

    /// <summary>Tries to parse a digest from UTF-8 bytes; never throws.</summary>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="digest">The digest, or <c>default</c> when parsing failed.</param>
    /// <returns><see langword="true"/> when <paramref name="utf8Text"/> is a valid digest.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Text, out Digest digest) =>
        TryParseCanonical(utf8Text, out digest) || TryParseTranscoded(utf8Text, out digest);

    /// <inheritdoc cref="Parse(string)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the grammar does not depend on culture.</param>
    static Digest IParsable<Digest>.Parse(string s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(string, out Digest)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the grammar does not depend on culture.</param>
    /// <param name="result">The digest.</param>
    static bool IParsable<Digest>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Digest result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{char})"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the grammar does not depend on culture.</param>
    static Digest ISpanParsable<Digest>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{char}, out Digest)"/>
    /// <param name="s">The text.</param>
    /// <param name="provider">Ignored: the grammar does not depend on culture.</param>
    /// <param name="result">The digest.</param>
    static bool ISpanParsable<Digest>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Digest result) => TryParse(s, out result);

    /// <inheritdoc cref="Parse(ReadOnlySpan{byte})"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored: the grammar does not depend on culture.</param>
    static Digest IUtf8SpanParsable<Digest>.Parse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider) => Parse(utf8Text);

    /// <inheritdoc cref="TryParse(ReadOnlySpan{byte}, out Digest)"/>
    /// <param name="utf8Text">The UTF-8 text.</param>
    /// <param name="provider">Ignored: the grammar does not depend on culture.</param>
    /// <param name="result">The digest.</param>
    static bool IUtf8SpanParsable<Digest>.TryParse(ReadOnlySpan<byte> utf8Text, IFormatProvider? provider, out Digest result) => TryParse(utf8Text, out result);

    /// <summary>Writes the text form (<c>sha256:</c> and lowercase hex) as UTF-16 characters.</summary>
    /// <param name="destination">The buffer; <see cref="TextLength"/> characters are needed.</param>
    /// <param name="charsWritten">The number of characters written; 0 when the buffer is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        int length = TextLength;
        if (destination.Length < length)
        {
            charsWritten = 0;
            return false;
        }

        if (length > 0)
        {
            // Both algorithm names are six characters long.
            NameOf(_algorithm).AsSpan().CopyTo(destination);
            destination[6] = ':';
            Span<char> hex = destination[7..length];
#if NET10_0_OR_GREATER
            Span<byte> hash = stackalloc byte[64];
            WriteHash(hash);
            Convert.TryToHexStringLower(hash[..HashLength], hex, out _);
#else
            WriteHex(_word0, hex);
            WriteHex(_word1, hex[16..]);
            WriteHex(_word2, hex[32..]);
            WriteHex(_word3, hex[48..]);
            if (_tail is { } tail)
            {
                for (int i = 0; i < tail.Length; i++)
                {
                    WriteHex(tail[i], hex[(64 + (16 * i))..]);
                }
            }
#endif
        }

        charsWritten = length;
        return true;
    }

    /// <summary>Writes the text form as UTF-8 bytes.</summary>
    /// <param name="utf8Destination">The buffer; <see cref="TextLength"/> bytes are needed.</param>
    /// <param name="bytesWritten">The number of bytes written; 0 when the buffer is too small.</param>
    /// <returns><see langword="false"/> when <paramref name="utf8Destination"/> is too small.</returns>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten)
    {
        int length = TextLength;
        if (utf8Destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        if (length > 0)
        {
            (_algorithm == DigestAlgorithm.Sha256 ? "sha256:"u8 : "sha512:"u8).CopyTo(utf8Destination);
            Span<byte> hex = utf8Destination[7..length];
#if NET10_0_OR_GREATER
            Span<byte> hash = stackalloc byte[64];
            WriteHash(hash);
            Convert.TryToHexStringLower(hash[..HashLength], hex, out _);
#else
            WriteHex(_word0, hex);
            WriteHex(_word1, hex[16..]);
            WriteHex(_word2, hex[32..]);
            WriteHex(_word3, hex[48..]);
            if (_tail is { } tail)
            {
                for (int i = 0; i < tail.Length; i++)
                {
                    WriteHex(tail[i], hex[(64 + (16 * i))..]);
                }
            }
#endif
        }

        bytesWritten = length;
        return true;
    }

    /// <inheritdoc cref="TryFormat(Span{char}, out int)"/>
    /// <param name="destination">The buffer.</param>
    /// <param name="charsWritten">The number of characters written.</param>
    /// <param name="format">Empty or <c>G</c>; the text form is the only form.</param>
    /// <param name="provider">Ignored.</param>
    /// <exception cref="FormatException"><paramref name="format"/> is not empty or <c>G</c>.</exception>
    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        FormatStrings.ThrowIfNotGeneral(format);
        return TryFormat(destination, out charsWritten);
    }

    /// <inheritdoc cref="TryFormat(Span{byte}, out int)"/>
    /// <param name="utf8Destination">The buffer.</param>
    /// <param name="bytesWritten">The number of bytes written.</param>
    /// <param name="format">Empty or <c>G</c>; the text form is the only form.</param>
    /// <param name="provider">Ignored.</param>
    /// <exception cref="FormatException"><paramref name="format"/> is not empty or <c>G</c>.</exception>
    bool IUtf8SpanFormattable.TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        FormatStrings.ThrowIfNotGeneral(format);
        return TryFormat(utf8Destination, out bytesWritten);
    }

    /// <summary>The text form: <c>sha256:</c> or <c>sha512:</c> and the lowercase hex hash; empty for the default value.</summary>
    /// <returns>The text form.</returns>
    public override string ToString()
    {
        if (IsDefault)
        {
            return string.Empty;
        }

        Span<char> chars = stackalloc char[MaxTextLength];
        TryFormat(chars, out int written);
        return new string(chars[..written]);
    }

    /// <inheritdoc cref="ToString()"/>
    /// <param name="format">Empty, <see langword="null"/> or <c>G</c>.</param>
    /// <param name="formatProvider">Ignored.</param>
    /// <exception cref="FormatException"><paramref name="format"/> is not empty or <c>G</c>.</exception>
    string IFormattable.ToString(string? format, IFormatProvider? formatProvider)
    {
        FormatStrings.ThrowIfNotGeneral(format);
        return ToString();
    }

    /// <summary>Whether both digests have the same algorithm and the same hash bytes.</summary>
    /// <param name="other">The other digest.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(Digest other) =>
        _algorithm == other._algorithm
        && _word0 == other._word0
        && _word1 == other._word1
        && _word2 == other._word2
        && _word3 == other._word3
        && TailEquals(_tail, other._tail);

    /// <summary>Whether <paramref name="obj"/> is a <see cref="Digest"/> equal to this one.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Digest other && Equals(other);

    /// <summary>A hash code over the algorithm and every hash byte (digests may be attacker-chosen, so no byte is skipped).</summary>
    /// <returns>The hash code; it varies between processes.</returns>
    public override int GetHashCode()
    {
        int head = HashCode.Combine(_algorithm, _word0, _word1, _word2, _word3);
        if (_tail is not { } tail)
        {
            return head;
        }

        return HashCode.Combine(head, tail[0], tail[1], tail[2], tail[3]);
    }

    /// <summary>Compares in the ordinal order of the text forms: by algorithm name, then by hash bytes.</summary>
    /// <param name="other">The other digest.</param>
    /// <returns>Negative, zero or positive as this digest sorts before, with or after <paramref name="other"/>.</returns>
    public int CompareTo(Digest other)
    {
        // None < Sha256 < Sha512 is also the ordinal order of "", "sha256", "sha512".
        int result = _algorithm.CompareTo(other._algorithm);
        if (result != 0)
        {
            return result;
        }

        result = _word0.CompareTo(other._word0);
        if (result == 0)
        {
            result = _word1.CompareTo(other._word1);
        }

        if (result == 0)
        {
            result = _word2.CompareTo(other._word2);
        }

        if (result == 0)
        {
            result = _word3.CompareTo(other._word3);
        }

        if (result == 0 && _tail is { } tail && other._tail is { } otherTail)
        {
            for (int i = 0; i < tail.Length && result == 0; i++)
            {
                result = tail[i].CompareTo(otherTail[i]);
            }
        }

        return result;
    }

    /// <summary>Compares with another boxed <see cref="Digest"/>; <see langword="null"/> sorts first.</summary>
    /// <param name="obj">A <see cref="Digest"/> or <see langword="null"/>.</param>
    /// <returns>Negative, zero or positive.</returns>
    /// <exception cref="ArgumentException"><paramref name="obj"/> is not a <see cref="Digest"/>.</exception>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        Digest other => CompareTo(other),
        _ => throw new ArgumentException($"obj is a {obj.GetType()}, not a Digest", nameof(obj)),
    };

    /// <summary>Whether two digests are equal.</summary>
    /// <param name="left">The first digest.</param>
    /// <param name="right">The second digest.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(Digest left, Digest right) => left.Equals(right);

    /// <summary>Whether two digests differ.</summary>
    /// <param name="left">The first digest.</param>
    /// <param name="right">The second digest.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(Digest left, Digest right) => !left.Equals(right);

    /// <summary>Whether <paramref name="left"/> sorts before <paramref name="right"/>.</summary>
    /// <param name="left">The first digest.</param>
    /// <param name="right">The second digest.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <(Digest left, Digest right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> sorts before or with <paramref name="right"/>.</summary>
    /// <param name="left">The first digest.</param>
    /// <param name="right">The second digest.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <=(Digest left, Digest right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> sorts after <paramref name="right"/>.</summary>
    /// <param name="left">The first digest.</param>
    /// <param name="right">The second digest.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >(Digest left, Digest right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> sorts after or with <paramref name="right"/>.</summary>
    /// <param name="left">The first digest.</param>
    /// <param name="right">The second digest.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >=(Digest left, Digest right) => left.CompareTo(right) >= 0;

    internal static string NameOf(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => "sha256",
        DigestAlgorithm.Sha512 => "sha512",
        _ => string.Empty,
    };

    private static int HashLengthOf(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => 32,
        DigestAlgorithm.Sha512 => 64,
        _ => 0,
    };

    private static int HashInto(DigestAlgorithm algorithm, ReadOnlySpan<byte> content, Span<byte> destination) => algorithm switch
    {
        DigestAlgorithm.Sha256 => SHA256.HashData(content, destination),
        DigestAlgorithm.Sha512 => SHA512.HashData(content, destination),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "algorithm must be Sha256 or Sha512"),
    };

    private static Digest FromTrustedHash(DigestAlgorithm algorithm, ReadOnlySpan<byte> hash)
    {
        ulong[]? tail = null;
        if (hash.Length == 64)
        {
            tail = new ulong[4];
            for (int i = 0; i < 4; i++)
            {
                tail[i] = BinaryPrimitives.ReadUInt64BigEndian(hash[(32 + (8 * i))..]);
            }
        }

        return new Digest(
            algorithm,
            BinaryPrimitives.ReadUInt64BigEndian(hash),
            BinaryPrimitives.ReadUInt64BigEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(hash[24..]),
            tail);
    }

    private static bool TailEquals(ulong[]? left, ulong[]? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        return left.AsSpan().SequenceEqual(right);
    }

    // The one parser behind Parse and TryParse; returns why it failed instead of throwing.
    internal static ParseFailure ParseCore(ReadOnlySpan<char> text, out Digest digest) =>
        TryParseCanonical(text, out digest) ? ParseFailure.None : Scan(text, out digest);

    // The diagnostic scanner: checks the grammar step by step so that a failure says what is wrong and where. It accepts
    // exactly the texts TryParseCanonical accepts (the tests hold the two to that), but costs more, so it runs only
    // when the canonical path has refused the text.
    internal static ParseFailure Scan(ReadOnlySpan<char> text, out Digest digest)
    {
        digest = default;
        if (text.IsEmpty)
        {
            return ParseFailure.Whole("it is empty");
        }

        if (text.Length > MaxTextLength)
        {
            return ParseFailure.Whole("it is {length} characters long, and the longest supported digest (sha512) is 135");
        }

        int colon = text.IndexOf(':');
        if (colon < 0)
        {
            return ParseFailure.Whole("it has no ':' between the algorithm and the encoded part");
        }

        ParseFailure failure = ScanAlgorithm(text[..colon]);
        if (failure.Failed)
        {
            return failure;
        }

        ReadOnlySpan<char> encoded = text[(colon + 1)..];
        if (encoded.IsEmpty)
        {
            return ParseFailure.Whole("the encoded part after ':' is empty");
        }

        int bad = encoded.IndexOfAnyExcept(AsciiClasses.DigestEncoded);
        if (bad >= 0)
        {
            return ParseFailure.At(colon + 1 + bad, "character {char} is not allowed in the encoded part");
        }

        DigestAlgorithm algorithm = text[..colon] switch
        {
            "sha256" => DigestAlgorithm.Sha256,
            "sha512" => DigestAlgorithm.Sha512,
            _ => DigestAlgorithm.None,
        };
        if (algorithm == DigestAlgorithm.None)
        {
            return ParseFailure.At(0, "the algorithm is well-formed but not supported: only sha256 and sha512 can be verified");
        }

        int hexLength = 2 * HashLengthOf(algorithm);
        if (encoded.Length != hexLength)
        {
            return algorithm == DigestAlgorithm.Sha256
                ? ParseFailure.Whole("it is {length} characters long, and a sha256 digest is exactly 71 (64 hex after 'sha256:')")
                : ParseFailure.Whole("it is {length} characters long, and a sha512 digest is exactly 135 (128 hex after 'sha512:')");
        }

        bad = encoded.IndexOfAnyExcept(AsciiClasses.LowerHex);
        if (bad >= 0)
        {
            return char.IsAsciiHexDigitUpper(encoded[bad])
                ? ParseFailure.At(colon + 1 + bad, "uppercase hex {char} is not allowed: registered algorithms are lowercase hex")
                : ParseFailure.At(colon + 1 + bad, "character {char} is not a hex digit");
        }

        // Every check of the canonical path has now passed, so it would have taken this text; decoding it here keeps
        // TryParse free of throws even if the two paths ever drift apart.
        bool decoded = TryParseCanonical(text, out digest);
        Debug.Assert(decoded, "the scanner accepted a digest the canonical path refused");
        return decoded ? ParseFailure.None : ParseFailure.Whole("it could not be decoded");
    }

    // The common case, decided by one fused pass that validates and decodes the hex: "sha256:" or "sha512:" followed by
    // exactly that algorithm's lowercase hex. Any other text, valid or not, goes to the scanner, which says why it fails.
    // The rarer paths live in methods of their own so that this one stays small enough to inline into every caller.
    internal static bool TryParseCanonical(ReadOnlySpan<char> text, out Digest digest)
    {
        if (text.Length == Sha256TextLength && text.StartsWith("sha256:")
            && LowerHex.TryDecode(text[7..], out ulong word0, out ulong word1, out ulong word2, out ulong word3))
        {
            digest = new Digest(DigestAlgorithm.Sha256, word0, word1, word2, word3, null);
            return true;
        }

        return TryParseCanonicalSha512(text, out digest);
    }

    // As above, straight from UTF-8 bytes, so that the common case is not transcoded first.
    internal static bool TryParseCanonical(ReadOnlySpan<byte> utf8Text, out Digest digest)
    {
        if (utf8Text.Length == Sha256TextLength && utf8Text.StartsWith("sha256:"u8)
            && LowerHex.TryDecode(utf8Text[7..], out ulong word0, out ulong word1, out ulong word2, out ulong word3))
        {
            digest = new Digest(DigestAlgorithm.Sha256, word0, word1, word2, word3, null);
            return true;
        }

        return TryParseCanonicalSha512(utf8Text, out digest);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryParseCanonicalSha512(ReadOnlySpan<char> text, out Digest digest)
    {
        if (text.Length == Sha512TextLength && text.StartsWith("sha512:")
            && LowerHex.TryDecode(text.Slice(7, 64), out ulong word0, out ulong word1, out ulong word2, out ulong word3)
            && LowerHex.TryDecode(text[71..], out ulong word4, out ulong word5, out ulong word6, out ulong word7))
        {
            digest = new Digest(DigestAlgorithm.Sha512, word0, word1, word2, word3, [word4, word5, word6, word7]);
            return true;
        }

        digest = default;
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryParseCanonicalSha512(ReadOnlySpan<byte> utf8Text, out Digest digest)
    {
        if (utf8Text.Length == Sha512TextLength && utf8Text.StartsWith("sha512:"u8)
            && LowerHex.TryDecode(utf8Text.Slice(7, 64), out ulong word0, out ulong word1, out ulong word2, out ulong word3)
            && LowerHex.TryDecode(utf8Text[71..], out ulong word4, out ulong word5, out ulong word6, out ulong word7))
        {
            digest = new Digest(DigestAlgorithm.Sha512, word0, word1, word2, word3, [word4, word5, word6, word7]);
            return true;
        }

        digest = default;
        return false;
    }

    // Text the canonical path refused, decoded to UTF-16 for the scanner (which accepts nothing more, but says why).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryParseTranscoded(ReadOnlySpan<byte> utf8Text, out Digest digest) =>
        AsciiClasses.TryParseUtf8(utf8Text, MaxTextLength, 0, static (ReadOnlySpan<char> text, int _, out Digest value) => TryParse(text, out value), out digest);

    // algorithm ::= component (separator component)*, component [a-z0-9]+, separator [+._-]
    private static ParseFailure ScanAlgorithm(ReadOnlySpan<char> algorithm)
    {
        if (algorithm.IsEmpty)
        {
            return ParseFailure.At(0, "the algorithm before ':' is empty");
        }

        bool afterSeparator = true;
        for (int i = 0; i < algorithm.Length; i++)
        {
            char c = algorithm[i];
            if (AsciiClasses.IsLowerAlphanumeric(c))
            {
                afterSeparator = false;
            }
            else if (c is '+' or '.' or '_' or '-')
            {
                if (afterSeparator)
                {
                    return ParseFailure.At(i, "separator {char} in the algorithm must follow a lowercase letter or digit");
                }

                afterSeparator = true;
            }
            else
            {
                return AsciiClasses.IsUpper(c)
                    ? ParseFailure.At(i, "uppercase {char} is not allowed in the algorithm")
                    : ParseFailure.At(i, "character {char} is not allowed in the algorithm");
            }
        }

        return afterSeparator
            ? ParseFailure.At(algorithm.Length, "the algorithm must not end with a separator")
            : ParseFailure.None;
    }

    // The raw hash, big-endian word by word; destination holds at least HashLength bytes.
    private void WriteHash(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _word0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _word1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _word2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _word3);
        if (_tail is { } tail)
        {
            for (int i = 0; i < tail.Length; i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(destination[(32 + (8 * i))..], tail[i]);
            }
        }
    }

#if !NET10_0_OR_GREATER
    private static void WriteHex(ulong value, Span<char> destination)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (int i = 15; i >= 0; i--)
        {
            destination[i] = (char)digits[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    private static void WriteHex(ulong value, Span<byte> destination)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (int i = 15; i >= 0; i--)
        {
            destination[i] = digits[(int)(value & 0xF)];
            value >>= 4;
        }
    }
#endif
}
