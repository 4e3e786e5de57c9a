using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TagImmutability;

namespace TagImmutability.Benchmarks.Parsing;

/// <summary>
/// Parsing and formatting an OCI tag against the floor of that work, one baseline per category: one
/// <see cref="SearchValues{T}"/> scan (<c>IndexOfAnyExcept</c>) of the same characters or UTF-8 bytes over the tag
/// alphabet <c>[A-Za-z0-9_.-]</c>, and copying (or ASCII-transcoding) the same characters. A tag holds a string, so
/// parsing from a span must allocate one: the rows "scan + new string" are that floor with the allocation included.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class TagParseBenchmarks
{
    private const string ParseChars = "Parse chars";
    private const string ParseUtf8 = "Parse UTF-8";
    private const string FormatChars = "Format chars";
    private const string FormatUtf8 = "Format UTF-8";

    private static readonly SearchValues<char> TagChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");

    private static readonly SearchValues<byte> TagBytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"u8);

    private readonly char[] _chars = new char[Tag.MaxLength];
    private readonly byte[] _bytes = new byte[Tag.MaxLength];
    private byte[] _utf8 = [];
    private Tag _tag;

    /// <summary>A semantic-version tag with a variant, and a commit tag.</summary>
    [Params("v1.24.3-alpine", "sha-1a2b3c4d")]
    public string Text { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _utf8 = Encoding.UTF8.GetBytes(Text);
        _tag = Tag.Parse(Text);
    }

    [BenchmarkCategory(ParseChars)]
    [Benchmark(Baseline = true, Description = "SearchValues<char> IndexOfAnyExcept")]
    public int ScanChars() => Text.AsSpan().IndexOfAnyExcept(TagChars);

    [BenchmarkCategory(ParseChars)]
    [Benchmark(Description = "scan + new string (chars)")]
    public string? ScanCharsAndCopy()
    {
        ReadOnlySpan<char> text = Text;
        return text.IndexOfAnyExcept(TagChars) < 0 ? new string(text) : null;
    }

    [BenchmarkCategory(ParseChars)]
    [Benchmark(Description = "Tag.TryParse(string)")]
    public bool TryParseString() => Tag.TryParse(Text, out _);

    [BenchmarkCategory(ParseChars)]
    [Benchmark(Description = "Tag.TryParse(chars)")]
    public bool TryParseChars() => Tag.TryParse(Text.AsSpan(), out _);

    [BenchmarkCategory(ParseUtf8)]
    [Benchmark(Baseline = true, Description = "SearchValues<byte> IndexOfAnyExcept")]
    public int ScanUtf8() => _utf8.AsSpan().IndexOfAnyExcept(TagBytes);

    [BenchmarkCategory(ParseUtf8)]
    [Benchmark(Description = "scan + new string (UTF-8)")]
    public string? ScanUtf8AndCopy()
    {
        ReadOnlySpan<byte> utf8 = _utf8;
        return utf8.IndexOfAnyExcept(TagBytes) < 0 ? Encoding.ASCII.GetString(utf8) : null;
    }

    [BenchmarkCategory(ParseUtf8)]
    [Benchmark(Description = "Tag.TryParse(UTF-8)")]
    public bool TryParseUtf8() => Tag.TryParse(_utf8, out _);

    [BenchmarkCategory(FormatChars)]
    [Benchmark(Baseline = true, Description = "string.TryCopyTo(chars)")]
    public bool CopyChars() => Text.AsSpan().TryCopyTo(_chars);

    [BenchmarkCategory(FormatChars)]
    [Benchmark(Description = "Tag.TryFormat(chars)")]
    public bool TryFormatChars() => _tag.TryFormat(_chars, out _);

    [BenchmarkCategory(FormatUtf8)]
    [Benchmark(Baseline = true, Description = "Ascii.FromUtf16(chars → UTF-8)")]
    public int TranscodeUtf8()
    {
        Ascii.FromUtf16(Text, _bytes, out int written);
        return written;
    }

    [BenchmarkCategory(FormatUtf8)]
    [Benchmark(Description = "Tag.TryFormat(UTF-8)")]
    public bool TryFormatUtf8() => _tag.TryFormat(_bytes, out _);
}
