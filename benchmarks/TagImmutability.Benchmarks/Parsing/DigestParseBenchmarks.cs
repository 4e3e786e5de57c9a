using System.Text;
using BenchmarkDotNet.Attributes;
using TagImmutability;

namespace TagImmutability.Benchmarks.Parsing;

/// <summary>
/// Parsing a sha256 digest against the floor of that work: decoding the same 64 hex characters with the BCL's
/// <see cref="Convert.FromHexString(ReadOnlySpan{char}, Span{byte}, out int, out int)"/>, which validates less
/// (it accepts uppercase and checks no algorithm).
/// </summary>
[MemoryDiagnoser]
public class DigestParseBenchmarks
{
    private const string Text = "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";
    private static readonly byte[] Utf8Text = Encoding.UTF8.GetBytes(Text);
    private static readonly Digest Parsed = Digest.Parse(Text);
    private readonly byte[] _hash = new byte[32];
    private readonly char[] _chars = new char[Digest.MaxTextLength];

    [Benchmark(Baseline = true, Description = "Convert.FromHexString(64 hex)")]
    public int FromHexString()
    {
        Convert.FromHexString(Text.AsSpan(7), _hash, out _, out int written);
        return written;
    }

    [Benchmark(Description = "Digest.TryParse(chars)")]
    public bool TryParseChars() => Digest.TryParse(Text.AsSpan(), out _);

    [Benchmark(Description = "Digest.TryParse(utf8)")]
    public bool TryParseUtf8() => Digest.TryParse(Utf8Text, out _);

    [Benchmark(Description = "Digest.TryFormat(chars)")]
    public bool TryFormat() => Parsed.TryFormat(_chars, out _);
}
