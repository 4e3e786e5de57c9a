using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TagImmutability;

namespace TagImmutability.Benchmarks.Parsing;

/// <summary>
/// Parsing and formatting an ECR image reference against the floor of that work, one baseline per category: one
/// <see cref="SearchValues{T}"/> scan (<c>IndexOfAnyExcept</c>) of the same characters or UTF-8 bytes over the
/// reference alphabet <c>[A-Za-z0-9._-/:@[]]</c>, and copying (or ASCII-transcoding) the same characters. A reference
/// holds its registry, repository and tag as strings, so parsing must allocate them: the rows "scan + part strings"
/// are that floor with the allocations included.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class ImageReferenceParseBenchmarks
{
    private const string ParseChars = "Parse chars";
    private const string ParseUtf8 = "Parse UTF-8";
    private const string FormatChars = "Format chars";
    private const string FormatUtf8 = "Format UTF-8";

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/:@[]";
    private static readonly SearchValues<char> ReferenceChars = SearchValues.Create(Alphabet);
    private static readonly SearchValues<byte> ReferenceBytes = SearchValues.Create(Encoding.ASCII.GetBytes(Alphabet));

    private readonly char[] _chars = new char[ImageReference.MaxLength];
    private readonly byte[] _bytes = new byte[ImageReference.MaxLength];
    private byte[] _utf8 = [];
    private ImageReference _reference;

    /// <summary>An ECR reference by tag, and the same repository by digest.</summary>
    [Params(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1.24.3",
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b")]
    public string Text { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _utf8 = Encoding.UTF8.GetBytes(Text);
        _reference = ImageReference.Parse(Text);
    }

    [BenchmarkCategory(ParseChars)]
    [Benchmark(Baseline = true, Description = "SearchValues<char> IndexOfAnyExcept")]
    public int ScanChars() => Text.AsSpan().IndexOfAnyExcept(ReferenceChars);

    [BenchmarkCategory(ParseChars)]
    [Benchmark(Description = "scan + part strings (chars)")]
    public int ScanCharsAndSplit()
    {
        ReadOnlySpan<char> text = Text;
        return text.IndexOfAnyExcept(ReferenceChars) < 0 ? Split(text) : -1;
    }

    [BenchmarkCategory(ParseChars)]
    [Benchmark(Description = "ImageReference.TryParse(string)")]
    public bool TryParseString() => ImageReference.TryParse(Text, out _);

    [BenchmarkCategory(ParseChars)]
    [Benchmark(Description = "ImageReference.TryParse(chars)")]
    public bool TryParseChars() => ImageReference.TryParse(Text.AsSpan(), out _);

    [BenchmarkCategory(ParseUtf8)]
    [Benchmark(Baseline = true, Description = "SearchValues<byte> IndexOfAnyExcept")]
    public int ScanUtf8() => _utf8.AsSpan().IndexOfAnyExcept(ReferenceBytes);

    [BenchmarkCategory(ParseUtf8)]
    [Benchmark(Description = "ImageReference.TryParse(UTF-8)")]
    public bool TryParseUtf8() => ImageReference.TryParse(_utf8, out _);

    [BenchmarkCategory(FormatChars)]
    [Benchmark(Baseline = true, Description = "string.TryCopyTo(chars)")]
    public bool CopyChars() => Text.AsSpan().TryCopyTo(_chars);

    [BenchmarkCategory(FormatChars)]
    [Benchmark(Description = "ImageReference.TryFormat(chars)")]
    public bool TryFormatChars() => _reference.TryFormat(_chars, out _);

    [BenchmarkCategory(FormatUtf8)]
    [Benchmark(Baseline = true, Description = "Ascii.FromUtf16(chars → UTF-8)")]
    public int TranscodeUtf8()
    {
        Ascii.FromUtf16(Text, _bytes, out int written);
        return written;
    }

    [BenchmarkCategory(FormatUtf8)]
    [Benchmark(Description = "ImageReference.TryFormat(UTF-8)")]
    public bool TryFormatUtf8() => _reference.TryFormat(_bytes, out _);

    // The strings a parsed reference must own: the registry, the repository path and (when present) the tag.
    private static int Split(ReadOnlySpan<char> text)
    {
        int slash = text.IndexOf('/');
        string registry = new(text[..slash]);
        ReadOnlySpan<char> rest = text[(slash + 1)..];
        int end = rest.IndexOfAny(':', '@');
        string repository = new(end < 0 ? rest : rest[..end]);
        int length = registry.Length + repository.Length;
        if (end >= 0 && rest[end] == ':')
        {
            length += new string(rest[(end + 1)..]).Length;
        }

        return length;
    }
}
