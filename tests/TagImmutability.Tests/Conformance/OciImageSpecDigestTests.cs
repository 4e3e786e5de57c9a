namespace TagImmutability.Tests.Conformance;

/// <summary>
/// Rows from the OCI image spec, descriptor.md "Digests", written here as our own data. Each row names the clause.
/// </summary>
public sealed class OciImageSpecDigestTests
{
    private const string Hex64 = "6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b";
    private static readonly string Hex128 = Hex64 + Hex64;

    public static TheoryData<string> Valid => new()
    {
        // "sha256 ... encoded portion MUST match /[a-f0-9]{64}/"
        "sha256:" + Hex64,
        // "sha512 ... encoded portion MUST match /[a-f0-9]{128}/"
        "sha512:" + Hex128,
        // all-zero and all-f hashes are hashes like any other
        "sha256:" + new string('0', 64),
        "sha256:" + new string('f', 64),
    };

    public static TheoryData<string, string> Invalid => new()
    {
        // registered algorithms: "[A-F] MUST NOT be used"
        { "sha256:" + Hex64.ToUpperInvariant(), "uppercase hex" },
        // exact lengths: 63 and 65 hex for sha256, 127 for sha512
        { "sha256:" + Hex64[..63], "exactly 71" },
        { "sha256:" + Hex64 + "a", "exactly 71" },
        { "sha512:" + Hex128[..127], "exactly 135" },
        // a sha256-length encoded part under sha512 is not a sha512 digest
        { "sha512:" + Hex64, "exactly 135" },
        // digest ::= algorithm ":" encoded — the separator is required
        { "sha256" + Hex64, "no ':'" },
        // algorithm-component ::= [a-z0-9]+ — no uppercase
        { "SHA256:" + Hex64, "uppercase 'S'" },
        // algorithm ::= component (separator component)* — no empty algorithm, no dangling separator
        { ":" + Hex64, "algorithm before ':' is empty" },
        { "sha256+:" + Hex64, "must not end with a separator" },
        { "+sha256:" + Hex64, "must follow a lowercase letter or digit" },
        // encoded ::= [a-zA-Z0-9=_-]+ — not empty, no other characters
        { "sha256:", "encoded part after ':' is empty" },
        { "sha256:" + Hex64[..63] + "/", "not allowed in the encoded part" },
        // encoded characters allowed by the grammar are still not hex for a registered algorithm
        { "sha256:" + Hex64[..63] + "g", "not a hex digit" },
        // a second colon is not part of the grammar
        { "sha256:" + Hex64[..63] + ":", "not allowed in the encoded part" },
        // whitespace is never trimmed
        { " sha256:" + Hex64, "not allowed in the algorithm" },
        { "", "empty" },
    };

    public static TheoryData<string, bool> WellFormed => new()
    {
        // "Implementations SHOULD allow ... unrecognized algorithms" that fit the grammar
        { "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8", true },
        { "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", true },
        { "blake3:" + Hex64, true },
        // registered algorithms keep their exact form even under IsWellFormed
        { "sha256:" + Hex64.ToUpperInvariant(), false },
        { "blake3:" + Hex64[..63], false },
        { "a:", false },
        { "a_b:c", true },
        { "a__b:c", false },
        { "A:c", false },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_digests_parse_and_format_identically(string text) => Assert.Equal(text, Digest.Parse(text).ToString());

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_digests_are_rejected_with_the_reason(string text, string reason)
    {
        Assert.False(Digest.TryParse(text, out _));
        InvalidDigestException error = Assert.Throws<InvalidDigestException>(() => Digest.Parse(text));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(WellFormed))]
    public void IsWellFormed_follows_the_grammar_for_any_algorithm(string text, bool expected) =>
        Assert.Equal(expected, Digest.IsWellFormed(text));
}
