using System.Collections.Immutable;

namespace TagImmutability;

/// <summary>
/// A manifest together with the exact bytes it was read from (or written to): the model, its kind and media type,
/// and the digest and size of the bytes. Returned by <see cref="ManifestParser"/> and <see cref="ManifestWriter"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Digest"/> and <see cref="SizeInBytes"/> are always those of <see cref="Content"/>, the bytes as given:
/// never re-serialised, so unknown fields, key order, whitespace and a trailing newline all count. This is the digest a
/// registry names the manifest by.
/// </para>
/// <para>
/// No value equality: compare <see cref="Digest"/> for content identity, or <see cref="Manifest"/> for model equality.
/// </para>
/// <para>
/// <b>Thread safety:</b> immutable; safe to share between threads, provided the caller does not change bytes it lent
/// (see <see cref="ManifestParserOptions.CopyContent"/>).
/// </para>
/// </remarks>
public sealed class ParsedManifest
{
    internal ParsedManifest(Manifest manifest, Digest digest, ReadOnlyMemory<byte> content)
    {
        Manifest = manifest;
        Digest = digest;
        Content = content;
    }

    /// <summary>The parsed model: an <see cref="ImageManifest"/> or an <see cref="ImageIndex"/>.</summary>
    public Manifest Manifest { get; }

    /// <summary>The kind of manifest, from the resolved media type.</summary>
    public ManifestKind Kind => Manifest.Kind;

    /// <summary>
    /// The resolved media type: the manifest's <c>mediaType</c> field, or the caller's hint when the field is absent.
    /// This is what ECR reports as <c>imageManifestMediaType</c>.
    /// </summary>
    public MediaType MediaType => Manifest.MediaType;

    /// <summary>The sha256 digest of <see cref="Content"/>, the exact bytes.</summary>
    public Digest Digest { get; }

    /// <summary>The size of <see cref="Content"/>, in bytes.</summary>
    public long SizeInBytes => Content.Length;

    /// <summary>
    /// The exact bytes: the caller's own memory (not copied) unless <see cref="ManifestParserOptions.CopyContent"/> was
    /// set; for <see cref="ManifestWriter"/>, a new array.
    /// </summary>
    public ReadOnlyMemory<byte> Content { get; }

    /// <summary>
    /// The <c>subject</c> this manifest refers to when it is a referrer (a signature, SBOM or attestation pushed with
    /// OCI 1.1); <see langword="null"/> otherwise.
    /// </summary>
    public Descriptor? Subject => Manifest.Subject;

    /// <summary>
    /// A descriptor that references these bytes, for listing this manifest in an index or as another manifest's
    /// <c>subject</c>: media type, digest and size, plus the given platform, annotations and artifact type.
    /// </summary>
    /// <param name="platform">The platform the manifest is for; <see langword="null"/> for none.</param>
    /// <param name="annotations">Annotations for the entry; <see langword="null"/> for none.</param>
    /// <param name="artifactType">The artifact type for the entry; <see langword="null"/> to use the manifest's own <see cref="Manifest.ArtifactType"/>.</param>
    /// <returns>The descriptor.</returns>
    /// <exception cref="ArgumentException">An annotation is invalid (see <see cref="Descriptor(MediaType, Digest, long, IEnumerable{string}?, IEnumerable{KeyValuePair{string, string}}?, Platform?, MediaType?, ImmutableArray{byte}?)"/>).</exception>
    public Descriptor ToDescriptor(
        Platform? platform = null,
        IEnumerable<KeyValuePair<string, string>>? annotations = null,
        MediaType? artifactType = null) =>
        new(MediaType, Digest, SizeInBytes, annotations: annotations, platform: platform, artifactType: artifactType ?? Manifest.ArtifactType);
}
