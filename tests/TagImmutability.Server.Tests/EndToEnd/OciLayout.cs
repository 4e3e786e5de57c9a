using System.Text;
using TagImmutability.Server.Tests.Distribution;

namespace TagImmutability.Server.Tests.EndToEnd;

/// <summary>Writes OCI image layouts (image-spec, image-layout.md) that skopeo reads with the <c>oci:DIR:TAG</c> transport.</summary>
internal static class OciLayout
{
    /// <summary>A layout holding <paramref name="image"/> as <paramref name="tag"/>.</summary>
    public static string WriteImage(string folder, string tag, TestImage image)
    {
        WriteBlobs(folder, image);
        WriteIndex(folder, tag, TestImage.OciManifest, TestImage.DigestOf(image.Manifest), image.Manifest.Length);
        return folder;
    }

    /// <summary>A layout holding an image index over <paramref name="children"/> as <paramref name="tag"/>; returns the index bytes.</summary>
    public static byte[] WriteMultiPlatform(string folder, string tag, params TestImage[] children)
    {
        foreach (TestImage child in children)
        {
            WriteBlobs(folder, child);
        }

        byte[] index = TestImage.Index(children);
        WriteBlob(folder, index);
        WriteIndex(folder, tag, TestImage.OciIndex, TestImage.DigestOf(index), index.Length);
        return index;
    }

    private static void WriteBlobs(string folder, TestImage image)
    {
        WriteBlob(folder, image.Layer);
        WriteBlob(folder, image.Config);
        WriteBlob(folder, image.Manifest);
    }

    private static void WriteBlob(string folder, byte[] content)
    {
        string directory = Path.Combine(folder, "blobs", "sha256");
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, TestImage.DigestOf(content)["sha256:".Length..]), content);
    }

    private static void WriteIndex(string folder, string tag, string mediaType, string digest, int size)
    {
        File.WriteAllText(Path.Combine(folder, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        File.WriteAllText(Path.Combine(folder, "index.json"), new StringBuilder()
            .Append("{\"schemaVersion\":2,\"manifests\":[{")
            .Append($"\"mediaType\":\"{mediaType}\",\"digest\":\"{digest}\",\"size\":{size},")
            .Append($"\"annotations\":{{\"org.opencontainers.image.ref.name\":\"{tag}\"}}}}]}}")
            .ToString());
    }
}
