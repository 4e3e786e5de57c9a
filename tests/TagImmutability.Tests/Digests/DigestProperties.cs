using TagImmutability.Tests.Generators;

namespace TagImmutability.Tests.Digests;

public sealed class DigestProperties
{
    [Property]
    public Property Format_then_parse_gives_the_digest_back() =>
        Prop.ForAll(Arbitraries.Digests.ToArbitrary(), ParsingContract.RoundTrips);

    [Property]
    public Property String_span_and_utf8_overloads_agree_on_any_text() =>
        Prop.ForAll(Arbitraries.AnyText.ToArbitrary(), ParsingContract.Agrees<Digest, InvalidDigestException>);

    [Property]
    public Property Equality_and_hash_contract_holds() =>
        Prop.ForAll(
            Arbitraries.Digests.ToArbitrary(),
            Arbitraries.Digests.ToArbitrary(),
            (a, b) => ParsingContract.KeepsEqualityContract(a, b)
                && ParsingContract.KeepsEqualityContract(a, Digest.Parse(a.ToString()))
                && (a == b) == a.Equals(b)
                && (a != b) == !a.Equals(b));

    [Property]
    public Property Order_is_the_ordinal_order_of_the_text_form() =>
        Prop.ForAll(
            Arbitraries.Digests.ToArbitrary(),
            Arbitraries.Digests.ToArbitrary(),
            (a, b) => Math.Sign(a.CompareTo(b)) == Math.Sign(string.CompareOrdinal(a.ToString(), b.ToString()))
                && (a < b) == (a.CompareTo(b) < 0)
                && (a <= b) == (a.CompareTo(b) <= 0)
                && (a > b) == (a.CompareTo(b) > 0)
                && (a >= b) == (a.CompareTo(b) >= 0));

    [Property]
    public Property Any_non_ascii_character_is_rejected() =>
        Prop.ForAll(
            Arbitraries.Digests.ToArbitrary(),
            ArbMap.Default.ArbFor<int>(),
            Gen.Elements(Arbitraries.NonAscii).ToArbitrary(),
            (digest, seed, c) => !Digest.TryParse(Arbitraries.InsertAt(digest.ToString(), seed, c), out _));

    [Property]
    public Property Uppercase_hex_is_rejected() =>
        Prop.ForAll(
            Arbitraries.Digests.ToArbitrary(),
            digest =>
            {
                string upper = digest.AlgorithmName + ":" + digest.Encoded.ToUpperInvariant();
                return upper == digest.ToString() || !Digest.TryParse(upper, out _);
            });

    [Property]
    public Property Changing_one_hex_character_changes_the_digest() =>
        Prop.ForAll(
            Arbitraries.Digests.ToArbitrary(),
            ArbMap.Default.ArbFor<int>(),
            (digest, seed) =>
            {
                string text = digest.ToString();
                int position = digest.AlgorithmName.Length + 1 + (int)((uint)seed % (uint)digest.Encoded.Length);
                char replacement = text[position] == '0' ? '1' : '0';
                string changed = text[..position] + replacement + text[(position + 1)..];
                return Digest.Parse(changed) != digest;
            });

    [Property]
    public Property Compute_matches_its_content_and_not_a_changed_one() =>
        Prop.ForAll(
            ArbMap.Default.ArbFor<byte[]>().Filter(b => b is { Length: > 0 }),
            ArbMap.Default.ArbFor<int>(),
            (content, seed) =>
            {
                Digest digest = Digest.Compute(content);
                byte[] changed = (byte[])content.Clone();
                int position = (int)((uint)seed % (uint)changed.Length);
                changed[position] ^= 0x01;
                return digest.Matches(content) && !digest.Matches(changed) && Digest.Compute(changed) != digest;
            });
}
