namespace TagImmutability.Tests.Generators;

/// <summary>Generators of valid values, and of text that is almost valid, for the property tests.</summary>
public static class Arbitraries
{
    private const string Lower = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string Word = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
    private const string TagBody = Word + ".-";

    /// <summary>Characters that look like grammar characters to a Unicode-aware check: é, Arabic-Indic three, fullwidth A, Kelvin sign, NUL-free.</summary>
    public static readonly char[] NonAscii = ['\u00E9', '\u0663', '\uFF21', '\u212A', '\u0131', '\u00A0', '\u200B'];

    public static Gen<string> StringOf(string alphabet, int min, int max) =>
        Gen.Choose(min, max).SelectMany(length => Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), length)).Select(chars => new string(chars));

    public static Gen<string> OciTagText =>
        Gen.OneOf(
            Gen.Elements("latest", "1.2.3", "v1", "sha-0a1b2c3", "2026-11-29", "_private", "A", "x".PadRight(128, 'y')),
            from head in Gen.Elements(Word.ToCharArray())
            from tail in StringOf(TagBody, 0, 127)
            select head + tail);

    public static Gen<string> EcrTagText =>
        Gen.OneOf(OciTagText, StringOf(TagBody, 1, 300), Gen.Elements(".hidden", "-dash", new string('a', 300)));

    private static Gen<string> Component =>
        from parts in Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(StringOf(Lower, 1, 8), n))
        from separators in Gen.ArrayOf(Gen.Elements(".", "_", "__", "-", "--", "---"), parts.Length)
        select string.Concat(parts.Select((p, i) => i == 0 ? p : separators[i] + p));

    public static Gen<string> RepositoryNameText =>
        Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Component, n)).Select(c => string.Join('/', c)).Where(s => s.Length <= 255);

    public static Gen<string> EcrRepositoryNameText => RepositoryNameText.Where(s => s.Length >= 2);

    public static Gen<Digest> Digests =>
        from algorithm in Gen.Elements(DigestAlgorithm.Sha256, DigestAlgorithm.Sha256, DigestAlgorithm.Sha512)
        from bytes in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), algorithm == DigestAlgorithm.Sha256 ? 32 : 64)
        select Digest.FromHash(algorithm, bytes);

    public static Gen<string> RegistryText =>
        Gen.OneOf(
            Gen.Elements("docker.io", "ghcr.io", "localhost", "localhost:5000", "127.0.0.1:5000", "[::1]:5000", "[fe80::1]", "Registry.Example.com", "a-b.c-d.example:443", "123456789012.dkr.ecr.us-east-1.amazonaws.com"),
            from a in StringOf(Lower, 1, 10)
            from b in StringOf(Lower, 1, 10)
            from port in Gen.Choose(0, 70000)
            select $"{a}.{b}:{port}");

    public static Gen<ImageReference> References =>
        from registry in Gen.OneOf(RegistryText.Select(r => (string?)r), Gen.Constant<string?>(null))
        from repository in RepositoryNameText.Where(n => n.Length <= 200)
        where registry is not null || !repository.Split('/')[0].Contains('.') || !repository.Contains('/')
        from tag in Gen.OneOf(OciTagText.Select(t => (Tag?)Tag.Parse(t)), Gen.Constant<Tag?>(null))
        from digest in Gen.OneOf(Digests.Select(d => (Digest?)d), Gen.Constant<Digest?>(null))
        select new ImageReference(registry, RepositoryName.Parse(repository), tag, digest);

    public static Gen<string> MediaTypeText =>
        Gen.OneOf(
            Gen.Elements(
                "application/vnd.oci.image.manifest.v1+json",
                "application/vnd.docker.distribution.manifest.list.v2+json",
                "text/plain",
                "application/vnd.cncf.helm.config.v1+json",
                "Application/JSON"),
            from type in StringOf("abcdefghijklmnopqrstuvwxyz", 1, 12)
            from subtype in StringOf("abcdefghijklmnopqrstuvwxyz0123456789.+-_", 0, 40)
            select $"{type}/x{subtype}");

    /// <summary>Puts <paramref name="c"/> into <paramref name="text"/> at a position chosen by <paramref name="seed"/>.</summary>
    public static string InsertAt(string text, int seed, char c)
    {
        int position = (int)((uint)seed % (uint)(text.Length + 1));
        return text.Insert(position, c.ToString());
    }

    /// <summary>Any text at all, including null-free control characters, non-ASCII and the grammars' own punctuation.</summary>
    public static Gen<string> AnyText =>
        Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
            StringOf("abcAZ09:@/._-+=[]\u00E9\u0663\u0000\n ", 0, 40),
            OciTagText,
            RepositoryNameText,
            References.Select(r => r.ToString()),
            Digests.Select(d => d.ToString()));
}
