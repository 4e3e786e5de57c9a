using System.Security.Cryptography;
using System.Text;

namespace TagImmutability.Tests.Digests;

public sealed class DigestTests
{
    // The sha256 and sha512 of zero bytes, as published in FIPS 180-4 test vectors and used across the OCI ecosystem.
    private const string EmptySha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string EmptySha512 =
        "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

    // "abc", FIPS 180-4 appendix example.
    private const string AbcSha256 = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void Compute_of_empty_content_is_the_published_sha256() => Assert.Equal(EmptySha256, Digest.Compute([]).ToString());

    [Fact]
    public void Compute_of_empty_content_is_the_published_sha512() =>
        Assert.Equal(EmptySha512, Digest.Compute([], DigestAlgorithm.Sha512).ToString());

    [Fact]
    public void Compute_of_abc_is_the_published_sha256() => Assert.Equal(AbcSha256, Digest.Compute("abc"u8).ToString());

    [Fact]
    public void Compute_rejects_the_none_algorithm() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Digest.Compute([], DigestAlgorithm.None));

    [Fact]
    public void Parse_reads_algorithm_hash_and_lengths()
    {
        Digest digest = Digest.Parse(AbcSha256);
        Assert.Equal(DigestAlgorithm.Sha256, digest.Algorithm);
        Assert.Equal("sha256", digest.AlgorithmName);
        Assert.Equal(32, digest.HashLength);
        Assert.Equal(Digest.Sha256TextLength, digest.TextLength);
        Assert.Equal(AbcSha256["sha256:".Length..], digest.Encoded);
        Assert.False(digest.IsDefault);

        var hash = new byte[32];
        Assert.Equal(32, digest.CopyHashTo(hash));
        Assert.Equal(SHA256.HashData("abc"u8), hash);
    }

    [Fact]
    public void Sha512_digest_round_trips_its_hash()
    {
        Digest digest = Digest.Parse(EmptySha512);
        Assert.Equal(DigestAlgorithm.Sha512, digest.Algorithm);
        Assert.Equal(Digest.Sha512TextLength, digest.TextLength);
        var hash = new byte[64];
        digest.CopyHashTo(hash);
        Assert.Equal(SHA512.HashData([]), hash);
        Assert.Equal(digest, Digest.FromHash(DigestAlgorithm.Sha512, hash));
    }

    [Fact]
    public void Matches_is_true_only_for_the_exact_content()
    {
        Digest digest = Digest.Compute("{\"a\":1}"u8);
        Assert.True(digest.Matches("{\"a\":1}"u8));
        Assert.False(digest.Matches("{\"a\":1}\n"u8));
        Assert.False(digest.Matches("{ \"a\":1}"u8));
        Assert.True(Digest.Compute("x"u8, DigestAlgorithm.Sha512).Matches("x"u8));
    }

    [Fact]
    public void Default_names_no_content()
    {
        Digest digest = default;
        Assert.True(digest.IsDefault);
        Assert.Equal(DigestAlgorithm.None, digest.Algorithm);
        Assert.Equal(string.Empty, digest.ToString());
        Assert.Equal(string.Empty, digest.Encoded);
        Assert.Equal(0, digest.TextLength);
        Assert.True(digest < Digest.Compute([]));
        Assert.Throws<InvalidOperationException>(() => digest.Matches([]));
        Assert.Equal(default, default(Digest));
    }

    [Fact]
    public void FromHash_rejects_a_hash_of_the_wrong_length()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => Digest.FromHash(DigestAlgorithm.Sha256, new byte[31]));
        Assert.Equal("hash", error.ParamName);
        Assert.Contains("31 bytes", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Digest.FromHash(DigestAlgorithm.None, new byte[32]));
    }

    [Fact]
    public void CopyHashTo_rejects_a_short_buffer() =>
        Assert.Throws<ArgumentException>(() => Digest.Compute([]).CopyHashTo(new byte[31]));

    [Fact]
    public void Parse_error_names_field_input_index_and_rule()
    {
        string text = "sha256:" + new string('a', 30) + "A" + new string('a', 33);
        InvalidDigestException error = Assert.Throws<InvalidDigestException>(() => Digest.Parse(text));
        Assert.Equal("digest", error.Field);
        Assert.Equal(37, error.Index);
        Assert.Equal(text, error.Input);
        Assert.Contains("uppercase hex 'A'", error.Message, StringComparison.Ordinal);
        Assert.Contains("at index 37", error.Message, StringComparison.Ordinal);
        Assert.Contains("[a-f0-9]{64}", error.Rule, StringComparison.Ordinal);
        Assert.StartsWith("digest '" + text + "' is invalid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_error_cuts_long_input_and_escapes_control_characters()
    {
        string text = "sha256:\n" + new string('z', 200);
        InvalidDigestException error = Assert.Throws<InvalidDigestException>(() => Digest.Parse(text));
        Assert.StartsWith("sha256:\\u000A", error.Input, StringComparison.Ordinal);
        Assert.Contains("(208 characters)", error.Input, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
        Assert.Contains("208 characters long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_says_when_a_well_formed_algorithm_is_unsupported()
    {
        string text = "blake3:" + new string('a', 64);
        Assert.True(Digest.IsWellFormed(text));
        InvalidDigestException error = Assert.Throws<InvalidDigestException>(() => Digest.Parse(text));
        Assert.Contains("well-formed but not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_null_throws_ArgumentNullException_and_TryParse_null_is_false()
    {
        Assert.Throws<ArgumentNullException>(() => Digest.Parse((string)null!));
        Assert.False(Digest.TryParse((string?)null, out Digest digest));
        Assert.True(digest.IsDefault);
    }

    [Fact]
    public void Utf8_overloads_parse_and_format()
    {
        Digest digest = Digest.Parse(Encoding.UTF8.GetBytes(AbcSha256));
        var buffer = new byte[Digest.MaxTextLength];
        Assert.True(digest.TryFormat(buffer, out int written));
        Assert.Equal(AbcSha256, Encoding.UTF8.GetString(buffer, 0, written));
    }

    [Fact]
    public void Only_the_general_format_is_supported()
    {
        IFormattable digest = Digest.Compute([]);
        Assert.Equal(EmptySha256, digest.ToString("G", null));
        Assert.Equal(EmptySha256, digest.ToString(null, null));
        Assert.Throws<FormatException>(() => digest.ToString("X", null));
        Assert.Equal(EmptySha256, $"{Digest.Compute([])}");
    }

    [Fact]
    public void CompareTo_object_handles_null_and_other_types()
    {
        Digest digest = Digest.Compute([]);
        Assert.True(digest.CompareTo(null) > 0);
        Assert.Equal(0, digest.CompareTo((object)Digest.Compute([])));
        Assert.Throws<ArgumentException>(() => digest.CompareTo("sha256:..."));
    }
}
