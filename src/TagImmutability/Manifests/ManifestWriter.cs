using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// Writes a manifest model as canonical compact JSON and returns the bytes with their digest, so that content built
/// here hashes the same everywhere: the same model always gives the same bytes, on every platform and runtime.
/// </summary>
/// <remarks>
/// <para>The canonical form (see <c>docs/manifests.md</c>):</para>
/// <list type="bullet">
/// <item>UTF-8, no whitespace, no byte order mark, no trailing newline.</item>
/// <item>
/// Fields in the order of the OCI image-spec Go types: a manifest as <c>schemaVersion</c>, <c>mediaType</c>,
/// <c>artifactType</c>, <c>config</c>, <c>layers</c> (or <c>manifests</c>), <c>subject</c>, <c>annotations</c>; a
/// descriptor as <c>mediaType</c>, <c>digest</c>, <c>size</c>, <c>urls</c>, <c>annotations</c>, <c>data</c>,
/// <c>platform</c>, <c>artifactType</c>; a platform as <c>architecture</c>, <c>os</c>, <c>os.version</c>,
/// <c>os.features</c>, <c>variant</c>. Annotation keys sorted by their UTF-8 bytes.
/// </item>
/// <item>
/// Absent optional fields, and empty <c>urls</c>, <c>annotations</c> and <c>os.features</c>, are left out;
/// <c>layers</c> and <c>manifests</c> are always written, <c>[]</c> when empty. <c>mediaType</c> is always written.
/// </item>
/// <item>
/// Strings escape only <c>"</c>, <c>\</c>, control characters, <c>&lt; &gt; &amp;</c> and U+2028/U+2029 (lowercase
/// <c>\u</c> escapes); <c>data</c> is standard padded base64; numbers are plain integers.
/// </item>
/// </list>
/// <para>
/// These are the choices of Go's <c>encoding/json</c> over the image-spec types, so a compact manifest written by
/// containerd, ORAS or regclient from the same values has the same bytes and digest. Parsing the output with
/// <see cref="ManifestParser"/> gives back a model equal to the one written.
/// </para>
/// <para><b>Thread safety:</b> stateless; safe to call from any thread.</para>
/// </remarks>
public static class ManifestWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = CanonicalJsonEncoder.Instance,
        Indented = false,
        SkipValidation = false,
    };

    /// <summary>Writes <paramref name="manifest"/> in the canonical form.</summary>
    /// <param name="manifest">The manifest to write.</param>
    /// <returns>
    /// The written bytes (a new array) with their sha256 digest and size, and <paramref name="manifest"/> itself as the
    /// model; equal to what <see cref="ManifestParser"/> returns for those bytes.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="manifest"/> is <see langword="null"/>.</exception>
    public static ParsedManifest Write(Manifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteManifest(writer, manifest);
        }

        byte[] content = buffer.WrittenSpan.ToArray();
        return new ParsedManifest(manifest, Digest.Compute(content), content);
    }

    private static void WriteManifest(Utf8JsonWriter writer, Manifest manifest)
    {
        writer.WriteStartObject();
        writer.WriteNumber("schemaVersion"u8, manifest.SchemaVersion);
        writer.WriteString("mediaType"u8, manifest.MediaType.Value);
        if (manifest.ArtifactType is { } artifactType)
        {
            writer.WriteString("artifactType"u8, artifactType.Value);
        }

        switch (manifest)
        {
            case ImageManifest image:
                writer.WritePropertyName("config"u8);
                WriteDescriptor(writer, image.Config);
                WriteDescriptors(writer, "layers"u8, image.Layers);
                break;
            case ImageIndex index:
                WriteDescriptors(writer, "manifests"u8, index.Manifests);
                break;
        }

        if (manifest.Subject is { } subject)
        {
            writer.WritePropertyName("subject"u8);
            WriteDescriptor(writer, subject);
        }

        WriteAnnotations(writer, manifest.Annotations);
        writer.WriteEndObject();
    }

    private static void WriteDescriptors(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ImmutableArray<Descriptor> descriptors)
    {
        writer.WriteStartArray(name);
        foreach (Descriptor descriptor in descriptors)
        {
            WriteDescriptor(writer, descriptor);
        }

        writer.WriteEndArray();
    }

    private static void WriteDescriptor(Utf8JsonWriter writer, Descriptor descriptor)
    {
        writer.WriteStartObject();
        writer.WriteString("mediaType"u8, descriptor.MediaType.Value);
        Span<byte> digest = stackalloc byte[Digest.MaxTextLength];
        descriptor.Digest.TryFormat(digest, out int digestLength);
        writer.WriteString("digest"u8, digest[..digestLength]);
        writer.WriteNumber("size"u8, descriptor.Size);
        WriteStrings(writer, "urls"u8, descriptor.Urls);
        WriteAnnotations(writer, descriptor.Annotations);
        if (descriptor.Data is { } data)
        {
            writer.WriteBase64String("data"u8, data.AsSpan());
        }

        if (descriptor.Platform is { } platform)
        {
            writer.WriteStartObject("platform"u8);
            writer.WriteString("architecture"u8, platform.Architecture);
            writer.WriteString("os"u8, platform.OperatingSystem);
            if (platform.OSVersion is { } osVersion)
            {
                writer.WriteString("os.version"u8, osVersion);
            }

            WriteStrings(writer, "os.features"u8, platform.OSFeatures);
            if (platform.Variant is { } variant)
            {
                writer.WriteString("variant"u8, variant);
            }

            writer.WriteEndObject();
        }

        if (descriptor.ArtifactType is { } artifactType)
        {
            writer.WriteString("artifactType"u8, artifactType.Value);
        }

        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ImmutableArray<string> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (string value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteAnnotations(Utf8JsonWriter writer, ImmutableSortedDictionary<string, string> annotations)
    {
        if (annotations.IsEmpty)
        {
            return;
        }

        writer.WriteStartObject("annotations"u8);
        foreach (KeyValuePair<string, string> pair in Utf8Order(annotations))
        {
            writer.WriteString(pair.Key, pair.Value);
        }

        writer.WriteEndObject();
    }

    // The map is sorted by UTF-16 code units; UTF-8 byte order differs only when a key holds a character above
    // U+FFFF (a surrogate pair) and another a character from U+E000 to U+FFFF at the same position.
    private static IEnumerable<KeyValuePair<string, string>> Utf8Order(ImmutableSortedDictionary<string, string> annotations)
    {
        foreach (string key in annotations.Keys)
        {
            if (key.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0)
            {
                return annotations.OrderBy(pair => pair.Key, Utf8Comparer.Instance);
            }
        }

        return annotations;
    }

    private sealed class Utf8Comparer : IComparer<string>
    {
        public static readonly Utf8Comparer Instance = new();

        public int Compare(string? x, string? y)
        {
            // Comparing by code point equals comparing by UTF-8 bytes.
            ReadOnlySpan<char> left = x;
            ReadOnlySpan<char> right = y;
            while (!left.IsEmpty && !right.IsEmpty)
            {
                System.Text.Rune.DecodeFromUtf16(left, out System.Text.Rune a, out int usedLeft);
                System.Text.Rune.DecodeFromUtf16(right, out System.Text.Rune b, out int usedRight);
                int result = a.Value.CompareTo(b.Value);
                if (result != 0)
                {
                    return result;
                }

                left = left[usedLeft..];
                right = right[usedRight..];
            }

            return left.Length.CompareTo(right.Length);
        }
    }
}
