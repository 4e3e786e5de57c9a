using System.Text;
using TagImmutability.Internal;
using TagImmutability.Tests.Generators;

namespace TagImmutability.Tests.Naming;

/// <summary>
/// The fast accept paths of tag and reference parsing (a tag straight from UTF-8 bytes, a plain registry host with
/// vectorized searches) must accept exactly what the diagnostic scanners accept, so that a text refused by the fast
/// path and handed to the scanner fails with the scanner's message, as before.
/// </summary>
public sealed class FastPathProperties
{
    private static readonly byte[] TagBytes =
        [.. "aZ09_.-:/@ "u8, 0x00, 0x7f, 0x80, 0xc3, 0xa9, 0xff];

    private static Gen<byte[]> NearlyTagBytes =>
        Gen.OneOf(
            Arbitraries.OciTagText.Select(Encoding.UTF8.GetBytes),
            Gen.Choose(0, 12).SelectMany(length => Gen.ArrayOf(Gen.Elements(TagBytes), length)),
            from tag in Arbitraries.OciTagText
            from length in Gen.Elements(127, 128, 129, 300, 301)
            select Encoding.UTF8.GetBytes(tag.PadRight(length, 'x')));

    private static Gen<string> NearlyHosts =>
        Gen.OneOf(
            Arbitraries.RegistryText,
            Arbitraries.StringOf("aZ09.-:", 1, 12),
            Arbitraries.StringOf("a0.-:[]_/é", 1, 8),
            Gen.Elements(new string('a', 255), new string('a', 256), "a:" + new string('1', 253), "a.b:", ":80", "[::1]:x"));

    [Property(MaxTest = 2000)]
    public Property A_tag_from_utf8_is_judged_as_its_decoded_text_in_both_profiles() =>
        Prop.ForAll(NearlyTagBytes.ToArbitrary(), utf8 =>
        {
            string decoded = Encoding.UTF8.GetString(utf8);
            foreach (GrammarProfile profile in new[] { GrammarProfile.Oci, GrammarProfile.Ecr })
            {
                bool fromUtf8 = Tag.TryParse(utf8, profile, out Tag viaUtf8);
                bool fromChars = Tag.TryParse(decoded, profile, out Tag viaChars);
                Exception? thrownUtf8 = Record.Exception(() => Tag.Parse(utf8, profile));
                Exception? thrownChars = Record.Exception(() => Tag.Parse(decoded, profile));
                if (fromUtf8 != fromChars || viaUtf8 != viaChars || thrownUtf8?.Message != thrownChars?.Message || fromUtf8 != thrownUtf8 is null)
                {
                    return false;
                }
            }

            return true;
        });

    [Property(MaxTest = 3000)]
    public Property The_inlined_tag_check_gives_the_scanner_s_verdict_in_every_profile() =>
        Prop.ForAll(
            Gen.OneOf(NearlyTagBytes.Select(Encoding.UTF8.GetString), Arbitraries.AnyText, Arbitraries.EcrTagText).ToArbitrary(),
            text => new[] { GrammarProfile.Oci, GrammarProfile.Ecr, (GrammarProfile)99 }
                .All(profile => Tag.IsAccepted(text, profile) == !Tag.Scan(text, profile).Failed));

    [Property(MaxTest = 3000)]
    public Property The_plain_host_path_accepts_exactly_the_domain_hosts_the_scanner_accepts() =>
        Prop.ForAll(NearlyHosts.ToArbitrary(), host =>
            ImageReference.IsDomainHost(host) == (!ImageReference.ScanRegistry(host).Failed && host[0] != '['));

    [Property(MaxTest = 1000)]
    public Property A_reference_with_any_of_those_hosts_parses_as_its_parts_do() =>
        // A '/' would end the host early and make the text another reference, so such hosts are left out here (the
        // host path's own property above covers them).
        Prop.ForAll(NearlyHosts.Where(h => !h.Contains('/', StringComparison.Ordinal)).ToArbitrary(), host =>
        {
            string text = host + "/team/app:v1";
            bool hostIsRegistry = host.IndexOfAny(['.', ':']) >= 0 || host == "localhost" || host.Any(char.IsAsciiLetterUpper);
            bool expected = hostIsRegistry
                ? !ImageReference.ScanRegistry(host).Failed
                : RepositoryName.IsValid(host + "/team/app", GrammarProfile.Oci);
            return ImageReference.TryParse(text, out ImageReference reference) == expected
                && (!expected || reference.ToString() == text);
        });

    [Property(MaxTest = 500)]
    public Property A_reference_formats_straight_to_utf8_and_leaves_a_short_buffer_untouched() =>
        Prop.ForAll(Arbitraries.References.ToArbitrary(), reference =>
        {
            byte[] expected = Encoding.ASCII.GetBytes(reference.ToString());
            byte[] exact = new byte[expected.Length];
            byte[] shortBuffer = Enumerable.Repeat((byte)'#', expected.Length - 1).ToArray();
            return reference.TryFormat(exact, out int written) && written == expected.Length && exact.SequenceEqual(expected)
                && !reference.TryFormat(shortBuffer, out int shortWritten) && shortWritten == 0 && shortBuffer.All(b => b == '#');
        });
}
