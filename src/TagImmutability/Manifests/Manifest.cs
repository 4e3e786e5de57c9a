using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// A parsed manifest: an <see cref="ImageManifest"/> (OCI image manifest, Docker image manifest v2 schema 2) or an
/// <see cref="ImageIndex"/> (OCI image index, Docker manifest list). These two are the only subclasses.
/// </summary>
/// <remarks>
/// <para>
/// The model holds what the spec defines and nothing else: fields it does not know are left in the bytes (see
/// <see cref="ParsedManifest.Content"/>) and ignored here. The model is never hashed; a manifest's digest is taken over
/// the exact bytes that were received (<see cref="ParsedManifest.Digest"/>) or written (<see cref="ManifestWriter"/>).
/// </para>
/// <para>
/// Equality is value equality over the model (not the bytes): two manifests whose JSON differs only in whitespace,
/// key order or unknown fields are equal here while their digests differ.
/// </para>
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
public abstract class Manifest : IEquatable<Manifest>
{
    private protected Manifest(
        ManifestKind kind,
        MediaType mediaType,
        MediaType? artifactType,
        Descriptor? subject,
        ImmutableSortedDictionary<string, string> annotations)
    {
        Kind = kind;
        MediaType = mediaType;
        ArtifactType = artifactType;
        Subject = subject;
        Annotations = annotations;
    }

    /// <summary>The manifest's <c>schemaVersion</c>: always 2 (OCI image-spec manifest.md and image-index.md; Docker schema 2).</summary>
    public int SchemaVersion => 2;

    /// <summary>Which of the four supported kinds this manifest is; follows from <see cref="MediaType"/>.</summary>
    public ManifestKind Kind { get; }

    /// <summary>
    /// The manifest's media type, as the <c>mediaType</c> field gives it or, when the field is absent, as the caller's
    /// hint did. <see cref="ManifestWriter"/> always writes it.
    /// </summary>
    public MediaType MediaType { get; }

    /// <summary>
    /// The artifact type (<c>artifactType</c>, OCI image-spec 1.1) when the manifest describes an artifact rather than
    /// an image; <see langword="null"/> when absent. Always <see langword="null"/> for the Docker kinds, which have no
    /// such field.
    /// </summary>
    public MediaType? ArtifactType { get; }

    /// <summary>
    /// The manifest this one refers to (<c>subject</c>, OCI image-spec 1.1): set on referrers such as signatures, SBOMs
    /// and attestations; <see langword="null"/> when absent and always for the Docker kinds. ECR reports its digest as
    /// <c>subjectManifestDigest</c>.
    /// </summary>
    public Descriptor? Subject { get; }

    /// <summary>The manifest's annotations (<c>annotations</c>), sorted by key (ordinal); empty when absent and always for the Docker kinds.</summary>
    public ImmutableSortedDictionary<string, string> Annotations { get; }

    /// <summary>Whether two manifests are equal.</summary>
    /// <param name="left">The first manifest, or <see langword="null"/>.</param>
    /// <param name="right">The second manifest, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when both are <see langword="null"/> or equal.</returns>
    public static bool operator ==(Manifest? left, Manifest? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether two manifests differ.</summary>
    /// <param name="left">The first manifest, or <see langword="null"/>.</param>
    /// <param name="right">The second manifest, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(Manifest? left, Manifest? right) => !(left == right);

    /// <summary>Whether <paramref name="other"/> is the same kind of manifest with equal fields.</summary>
    /// <param name="other">The other manifest.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public abstract bool Equals([NotNullWhen(true)] Manifest? other);

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="Manifest"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Manifest other && Equals(other);

    /// <summary>A hash code consistent with <see cref="Equals(Manifest)"/>.</summary>
    /// <returns>The hash code; it varies between processes.</returns>
    public abstract override int GetHashCode();

    // The descriptor lists of both kinds (an image's layers, an index's manifests): reused when already immutable,
    // copied otherwise, and refused when they hold null.
    private protected static ImmutableArray<Descriptor> ToDescriptorList(IEnumerable<Descriptor> descriptors, string listName, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(descriptors, parameterName);
        ImmutableArray<Descriptor> items = descriptors is ImmutableArray<Descriptor> { IsDefault: false } array ? array : [.. descriptors];
        foreach (Descriptor descriptor in items)
        {
            if (descriptor is null)
            {
                throw new ArgumentException($"the {listName} contains null", parameterName);
            }
        }

        return items;
    }

    private protected bool CommonFieldsEqual(Manifest other) =>
        Kind == other.Kind
        && MediaType == other.MediaType
        && Nullable.Equals(ArtifactType, other.ArtifactType)
        && Subject == other.Subject
        && ModelValues.AnnotationsEqual(Annotations, other.Annotations);

    private protected void AddCommonFields(ref HashCode hash)
    {
        hash.Add(Kind);
        hash.Add(MediaType);
        hash.Add(ArtifactType);
        hash.Add(Subject);
        ModelValues.AddAnnotations(ref hash, Annotations);
    }

    // Checks shared by both subclasses' public constructors.
    private protected static void CheckOptionalFields(
        ManifestKind kind,
        MediaType? artifactType,
        ImmutableSortedDictionary<string, string> annotations,
        Descriptor? subject)
    {
        if (artifactType is { IsDefault: true })
        {
            throw new ArgumentException("the artifact type must be a media type or null, not default(MediaType)", nameof(artifactType));
        }

        if (kind is ManifestKind.DockerManifestV2 or ManifestKind.DockerManifestList
            && (artifactType is not null || subject is not null || annotations.Count > 0))
        {
            throw new ArgumentException(
                "Docker manifests have no artifactType, subject or annotations fields; use an OCI media type for them",
                artifactType is not null ? nameof(artifactType) : subject is not null ? nameof(subject) : nameof(annotations));
        }
    }
}
