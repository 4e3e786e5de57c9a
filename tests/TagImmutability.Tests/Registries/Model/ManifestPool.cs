using System.Security.Cryptography;

namespace TagImmutability.Tests.Registries.Model;

/// <summary>One manifest of the pool the model tests push from, with what the reference model needs to know about it.</summary>
/// <param name="Label">A short name for failure output, such as <c>i0</c> or <c>x</c>.</param>
/// <param name="Manifest">The manifest as the library's writer produced it (the bytes the registry is given).</param>
/// <param name="Children">For an index, the labels of the manifests it references; empty for an image.</param>
/// <param name="Size">The size ECR reports: the sum of the layers for an image, the largest child's size for an index.</param>
/// <param name="MediaType">The manifest's media type, as written in the pool definition.</param>
public sealed record PoolEntry(string Label, ParsedManifest Manifest, string[] Children, long Size, string MediaType)
{
    /// <summary>The manifest's bytes.</summary>
    public byte[] Bytes { get; } = Manifest.Content.ToArray();

    /// <summary>The digest, computed here with the BCL's SHA-256 over the exact bytes, not by the library.</summary>
    public string DigestText { get; } = "sha256:" + Convert.ToHexString(SHA256.HashData(Manifest.Content.Span)).ToLowerInvariant();

    public override string ToString() => Label;
}

/// <summary>
/// A small, fixed pool of manifests: four images, two indexes over overlapping children, an index of an index, and a
/// digest that is never pushed. Small on purpose, so that random steps collide often.
/// </summary>
public static class ManifestPool
{
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";

    public static readonly PoolEntry[] Entries = Build();

    /// <summary>The indexes of the plain images in <see cref="Entries"/>.</summary>
    public static readonly int[] Images = [0, 1, 2, 3];

    /// <summary>A digest no pool manifest has, used to ask for an image that was never pushed.</summary>
    public static readonly string GhostDigestText = "sha256:" + Convert.ToHexString(SHA256.HashData("ghost"u8)).ToLowerInvariant();

    public static Digest GhostDigest => Digest.Parse(GhostDigestText);

    private static readonly Dictionary<string, string> LabelsByDigest =
        Entries.ToDictionary(e => e.DigestText, e => e.Label, StringComparer.Ordinal);

    /// <summary>The pool label of a digest (<c>ghost</c> for the ghost digest), or the digest itself when unknown.</summary>
    public static string Label(string digest) =>
        LabelsByDigest.TryGetValue(digest, out string? label) ? label : digest == GhostDigestText ? "ghost" : digest;

    public static string Label(Digest digest) => Label(digest.ToString());

    private static PoolEntry[] Build()
    {
        ParsedManifest i0 = Manifests.Image("m0", 10), i1 = Manifests.Image("m1", 20, 5), i2 = Manifests.Image("m2", 7), i3 = Manifests.Image("m3", 1);
        ParsedManifest x = Manifests.Index(i0, i1), y = Manifests.Index(i1, i2), n = Manifests.Index(x, i3);
        return
        [
            new("i0", i0, [], 10, DockerManifest),
            new("i1", i1, [], 25, DockerManifest),
            new("i2", i2, [], 7, DockerManifest),
            new("i3", i3, [], 1, DockerManifest),
            new("x", x, ["i0", "i1"], 25, OciIndex),
            new("y", y, ["i1", "i2"], 25, OciIndex),
            new("n", n, ["x", "i3"], 25, OciIndex),
        ];
    }
}
