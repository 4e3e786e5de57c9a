using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TagImmutability;

namespace TagImmutability.Benchmarks.Parsing;

/// <summary>
/// Parsing and formatting a sha256 digest against the floor of that work, one baseline per category: the BCL's
/// <see cref="Convert.FromHexString(ReadOnlySpan{char}, Span{byte}, out int, out int)"/> decoding the same 64 hex
/// characters (chars or UTF-8) into 32 bytes, and <see cref="Convert.TryToHexStringLower(ReadOnlySpan{byte}, Span{char}, out int)"/>
/// encoding the same 32 bytes. The BCL validates less: it accepts uppercase hex and checks no <c>sha256:</c> prefix.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class DigestParseBenchmarks
{
    private const string ParseChars = "Parse chars";
    private const string ParseUtf8 = "Parse UTF-8";
    private const string FormatChars = "Format chars";
    private const string FormatUtf8 = "Format UTF-8";

    private const string Sha256 = "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";

    // Instance fields, not constants, so that the JIT cannot fold any of the work into the benchmark.
    private readonly string _text = new(Sha256.AsSpan());
    private readonly byte[] _utf8 = Encoding.UTF8.GetBytes(Sha256);
    private readonly byte[] _hashBytes = Convert.FromHexString(Sha256.AsSpan(7));
    private readonly Digest _parsed = Digest.Parse(Sha256);
    private readonly byte[] _hash = new byte[32];
    private readonly char[] _chars = new char[Digest.MaxTextLength];
    private readonly byte[] _bytes = new byte[Digest.MaxTextLength];

    // The parsed digest goes to a field, as the baselines' bytes go to _hash, so that no decoding can be dropped as unused.
    private Digest _digest;

    [BenchmarkCategory(ParseChars)]
    [Benchmark(Baseline = true, Description = "Convert.FromHexString(64 hex chars)")]
    public int FromHexString()
    {
        Convert.FromHexString(_text.AsSpan(7), _hash, out _, out int written);
        return written;
    }

    [BenchmarkCategory(ParseChars)]
    [Benchmark(Description = "Digest.TryParse(string)")]
    public bool TryParseString() => Digest.TryParse(_text, out _digest);

    [BenchmarkCategory(ParseChars)]
    [Benchmark(Description = "Digest.TryParse(chars)")]
    public bool TryParseChars() => Digest.TryParse(_text.AsSpan(), out _digest);

    [BenchmarkCategory(ParseUtf8)]
    [Benchmark(Baseline = true, Description = "Convert.FromHexString(64 hex UTF-8)")]
    public int FromHexStringUtf8()
    {
        Convert.FromHexString(_utf8.AsSpan(7), _hash, out _, out int written);
        return written;
    }

    [BenchmarkCategory(ParseUtf8)]
    [Benchmark(Description = "Digest.TryParse(UTF-8)")]
    public bool TryParseUtf8() => Digest.TryParse(_utf8, out _digest);

    [BenchmarkCategory(FormatChars)]
    [Benchmark(Baseline = true, Description = "Convert.TryToHexStringLower(32 bytes → chars)")]
    public int ToHexChars()
    {
        Convert.TryToHexStringLower(_hashBytes, _chars, out int written);
        return written;
    }

    [BenchmarkCategory(FormatChars)]
    [Benchmark(Description = "Digest.TryFormat(chars)")]
    public bool TryFormatChars() => _parsed.TryFormat(_chars, out _);

    [BenchmarkCategory(FormatUtf8)]
    [Benchmark(Baseline = true, Description = "Convert.TryToHexStringLower(32 bytes → UTF-8)")]
    public int ToHexUtf8()
    {
        Convert.TryToHexStringLower(_hashBytes, _bytes, out int written);
        return written;
    }

    [BenchmarkCategory(FormatUtf8)]
    [Benchmark(Description = "Digest.TryFormat(UTF-8)")]
    public bool TryFormatUtf8() => _parsed.TryFormat(_bytes, out _);
}
