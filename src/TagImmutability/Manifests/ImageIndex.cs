using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// An image index: a list of manifests, usually one per platform. Models the OCI image index
/// (<c>application/vnd.oci.image.index.v1+json</c>, OCI image-spec image-index.md) and the Docker manifest list
/// (<c>application/vnd.docker.distribution.manifest.list.v2+json</c>), which share this shape.
/// </summary>
/// <remarks>
/// <para>
/// Invariants (checked by the constructor and by <see cref="ManifestParser"/>): the media type is one of the two above;
/// <c>manifests</c> is present (it may be empty); every entry references a manifest, that is its media type is one of
/// the four supported manifest media types (an index may nest an index); the Docker kind has no
/// <c>artifactType</c>, <c>subject</c> or <c>annotations</c>, and every entry of a Docker manifest list has a
/// <c>platform</c> (the Docker spec requires it).
/// </para>
/// <para>
/// BuildKit adds an <i>attestation manifest</i> entry per image (platform <c>unknown/unknown</c>, annotation
/// <c>vnd.docker.reference.type: attestation-manifest</c>) and rebuilds it on every build, so an index's digest changes
/// even when its images do not. <see cref="PlatformManifests"/> and <see cref="HasSamePlatformManifests"/> leave those
/// entries out.
/// </para>
/// <para>Equality: see <see cref="Manifest"/>; <see cref="Manifests"/> are compared in order.</para>
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
public sealed class ImageIndex : Manifest, IEquatable<ImageIndex>
{
    /// <summary>The annotation key BuildKit uses to mark what an index entry is (<c>vnd.docker.reference.type</c>).</summary>
    public const string ReferenceTypeAnnotation = "vnd.docker.reference.type";

    /// <summary>The <see cref="ReferenceTypeAnnotation"/> value of an attestation manifest entry (<c>attestation-manifest</c>).</summary>
    public const string AttestationManifestReferenceType = "attestation-manifest";

    /// <summary>Creates an image index.</summary>
    /// <param name="mediaType"><see cref="MediaType.OciImageIndex"/> or <see cref="MediaType.DockerManifestList"/>.</param>
    /// <param name="manifests">The entries (<c>manifests</c>), in order; may be empty.</param>
    /// <param name="artifactType">The artifact type (<c>artifactType</c>); OCI only.</param>
    /// <param name="subject">The manifest this one refers to (<c>subject</c>); OCI only.</param>
    /// <param name="annotations">The index's annotations; OCI only.</param>
    /// <exception cref="ArgumentNullException"><paramref name="manifests"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An invariant in the remarks does not hold, or <paramref name="manifests"/> holds <see langword="null"/>.</exception>
    public ImageIndex(
        MediaType mediaType,
        IEnumerable<Descriptor> manifests,
        MediaType? artifactType = null,
        Descriptor? subject = null,
        IEnumerable<KeyValuePair<string, string>>? annotations = null)
        : this(
            KindOf(mediaType),
            mediaType,
            ToDescriptorList(manifests, "manifest list", nameof(manifests)),
            artifactType,
            subject,
            ModelValues.ToAnnotations(annotations, nameof(annotations)))
    {
        CheckOptionalFields(Kind, artifactType, Annotations, subject);
        for (int i = 0; i < Manifests.Length; i++)
        {
            string? problem = CheckEntry(Kind, Manifests[i]);
            if (problem is not null)
            {
                throw new ArgumentException(
                    "manifests[" + i.ToString(CultureInfo.InvariantCulture) + "]: " + problem, nameof(manifests));
            }
        }
    }

    // For the parser, which has checked everything already.
    internal ImageIndex(
        ManifestKind kind,
        MediaType mediaType,
        ImmutableArray<Descriptor> manifests,
        MediaType? artifactType,
        Descriptor? subject,
        ImmutableSortedDictionary<string, string> annotations)
        : base(kind, mediaType, artifactType, subject, annotations)
    {
        Manifests = manifests;
        PlatformManifests = manifests.RemoveAll(IsAttestation);
        ManifestDigests = DistinctDigests(manifests);
    }

    /// <summary>The entries (<c>manifests</c>), in document order, attestation entries included.</summary>
    public ImmutableArray<Descriptor> Manifests { get; }

    /// <summary>The entries that are not attestation manifests (see <see cref="IsAttestation"/>), in document order.</summary>
    public ImmutableArray<Descriptor> PlatformManifests { get; }

    /// <summary>
    /// The digests of the manifests this index references, in document order without repeats. A registry must hold
    /// each of them before it accepts the index (ECR: <c>ReferencedImagesNotFoundException</c>) and must not delete
    /// them while the index exists (ECR: <c>ImageReferencedByManifestList</c>).
    /// </summary>
    public ImmutableArray<Digest> ManifestDigests { get; }

    /// <summary>Whether two indexes are equal.</summary>
    /// <param name="left">The first index, or <see langword="null"/>.</param>
    /// <param name="right">The second index, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when both are <see langword="null"/> or equal.</returns>
    public static bool operator ==(ImageIndex? left, ImageIndex? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether two indexes differ.</summary>
    /// <param name="left">The first index, or <see langword="null"/>.</param>
    /// <param name="right">The second index, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(ImageIndex? left, ImageIndex? right) => !(left == right);

    /// <summary>
    /// Whether an index entry is an attestation manifest rather than an image: its platform is <c>unknown/unknown</c>,
    /// or it carries the annotation <c>vnd.docker.reference.type: attestation-manifest</c> (BuildKit docs,
    /// attestation-storage.md).
    /// </summary>
    /// <param name="entry">An entry of <see cref="Manifests"/>.</param>
    /// <returns><see langword="true"/> for an attestation entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    public static bool IsAttestation(Descriptor entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Platform is { IsUnknown: true }
            || (entry.Annotations.TryGetValue(ReferenceTypeAnnotation, out string? type)
                && string.Equals(type, AttestationManifestReferenceType, StringComparison.Ordinal));
    }

    /// <summary>
    /// Whether this index and <paramref name="other"/> carry the same platform manifests: the same
    /// (digest, platform) pairs, as many times each, once attestation entries are left out. Entry order, the entries'
    /// annotations, the index's own annotations, subject and artifact type, and the media types of the two indexes are
    /// not compared.
    /// </summary>
    /// <remarks>
    /// Use it to decide whether pushing a rebuilt index to an immutable tag really changes the images behind the tag:
    /// BuildKit re-creates attestation manifests on every build, so the index digest changes even when no image did.
    /// Whether to accept such a push is the caller's policy; this only reports the fact.
    /// </remarks>
    /// <param name="other">The other index.</param>
    /// <returns><see langword="true"/> when both carry the same platform manifests.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    public bool HasSamePlatformManifests(ImageIndex other)
    {
        ArgumentNullException.ThrowIfNull(other);
        ImmutableArray<Descriptor> mine = PlatformManifests;
        ImmutableArray<Descriptor> theirs = other.PlatformManifests;
        if (mine.Length != theirs.Length)
        {
            return false;
        }

        var counts = new Dictionary<PlatformManifestKey, int>(mine.Length);
        foreach (Descriptor entry in mine)
        {
            var key = new PlatformManifestKey(entry.Digest, entry.Platform);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        foreach (Descriptor entry in theirs)
        {
            var key = new PlatformManifestKey(entry.Digest, entry.Platform);
            int count = counts.GetValueOrDefault(key);
            if (count == 0)
            {
                return false;
            }

            counts[key] = count - 1;
        }

        return true;
    }

    /// <summary>
    /// The index's size as ECR reports it in <c>imageSizeInBytes</c>: the largest image size among the manifests it
    /// lists (AWS ECR API, <c>ImageDetail.imageSizeInBytes</c>: "the max size of all manifests in the list"). The index
    /// only holds the size of each child's manifest JSON, not of its image, so the caller supplies each child's image
    /// size (for an image manifest child, its <see cref="ImageManifest.ImageSizeInBytes"/>).
    /// </summary>
    /// <param name="imageSizeOf">Returns the image size, in bytes, of the manifest an entry references.</param>
    /// <returns>The largest child image size, in bytes; 0 for an index without entries.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="imageSizeOf"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="imageSizeOf"/> returned a negative size.</exception>
    public long ComputeImageSizeInBytes(Func<Descriptor, long> imageSizeOf)
    {
        ArgumentNullException.ThrowIfNull(imageSizeOf);
        long largest = 0;
        foreach (Descriptor entry in Manifests)
        {
            long size = imageSizeOf(entry);
            if (size < 0)
            {
                throw new InvalidOperationException(
                    $"imageSizeOf returned {size.ToString(CultureInfo.InvariantCulture)} for {entry.Digest}; an image size is 0 or more bytes");
            }

            largest = Math.Max(largest, size);
        }

        return largest;
    }

    /// <summary>Whether every field is equal, entries in order.</summary>
    /// <param name="other">The other index.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals([NotNullWhen(true)] ImageIndex? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (CommonFieldsEqual(other) && ModelValues.SequenceEqual(Manifests, other.Manifests)));

    /// <inheritdoc cref="Manifest.Equals(Manifest)"/>
    public override bool Equals([NotNullWhen(true)] Manifest? other) => other is ImageIndex index && Equals(index);

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="ImageIndex"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is ImageIndex index && Equals(index);

    /// <inheritdoc cref="Manifest.GetHashCode"/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        AddCommonFields(ref hash);
        ModelValues.AddSequence(ref hash, Manifests);
        return hash.ToHashCode();
    }

    // Why an entry cannot be in an index of this kind, or null when it can.
    internal static string? CheckEntry(ManifestKind kind, Descriptor entry)
    {
        if (!ManifestParser.TryGetKind(entry.MediaType, out _))
        {
            return $"mediaType '{entry.MediaType}' is not a manifest media type; an index lists manifests "
                + "(OCI and Docker image manifests and indexes)";
        }

        if (kind == ManifestKind.DockerManifestList && entry.Platform is null)
        {
            return "platform is required in a Docker manifest list entry";
        }

        return null;
    }

    private static ImmutableArray<Digest> DistinctDigests(ImmutableArray<Descriptor> entries)
    {
        ImmutableArray<Digest>.Builder digests = ImmutableArray.CreateBuilder<Digest>(entries.Length);
        var seen = new HashSet<Digest>(entries.Length);
        foreach (Descriptor entry in entries)
        {
            if (seen.Add(entry.Digest))
            {
                digests.Add(entry.Digest);
            }
        }

        return digests.DrainToImmutable();
    }

    private static ManifestKind KindOf(MediaType mediaType)
    {
        ManifestParser.TryGetKind(mediaType, out ManifestKind kind);
        return kind is ManifestKind.OciImageIndex or ManifestKind.DockerManifestList
            ? kind
            : throw new ArgumentException(
                $"'{mediaType}' is not an index media type: use {MediaType.OciImageIndex} or {MediaType.DockerManifestList}",
                nameof(mediaType));
    }

    private readonly record struct PlatformManifestKey(Digest Digest, Platform? Platform);
}
