using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// An image manifest: one image (or artifact) as a config and an ordered list of layers. Models the OCI image manifest
/// (<c>application/vnd.oci.image.manifest.v1+json</c>, OCI image-spec manifest.md) and the Docker image manifest v2
/// schema 2 (<c>application/vnd.docker.distribution.manifest.v2+json</c>), which share this shape.
/// </summary>
/// <remarks>
/// <para>
/// Invariants (checked by the constructor and by <see cref="ManifestParser"/>): the media type is one of the two above;
/// <c>config</c> and <c>layers</c> are present (the layer list may be empty); the Docker kind has no
/// <c>artifactType</c>, <c>subject</c> or <c>annotations</c>; an OCI manifest whose config is the empty descriptor
/// (<c>application/vnd.oci.empty.v1+json</c>) has an <c>artifactType</c> (manifest.md: it MUST be set then); and the
/// layer sizes add up to at most <see cref="long.MaxValue"/>. Layer media types are not restricted: the spec says an
/// unknown one MUST be ignored.
/// </para>
/// <para>Equality: see <see cref="Manifest"/>; <see cref="Layers"/> are compared in order.</para>
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
public sealed class ImageManifest : Manifest, IEquatable<ImageManifest>
{
    /// <summary>Creates an image manifest.</summary>
    /// <param name="mediaType"><see cref="MediaType.OciImageManifest"/> or <see cref="MediaType.DockerManifestV2"/>.</param>
    /// <param name="config">The descriptor of the image configuration (<c>config</c>).</param>
    /// <param name="layers">The layer descriptors (<c>layers</c>), base layer first; may be empty.</param>
    /// <param name="artifactType">The artifact type (<c>artifactType</c>); OCI only, required when the config is the empty descriptor.</param>
    /// <param name="subject">The manifest this one refers to (<c>subject</c>); OCI only.</param>
    /// <param name="annotations">The manifest's annotations; OCI only.</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> or <paramref name="layers"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An invariant in the remarks does not hold, or <paramref name="layers"/> holds <see langword="null"/>.</exception>
    public ImageManifest(
        MediaType mediaType,
        Descriptor config,
        IEnumerable<Descriptor> layers,
        MediaType? artifactType = null,
        Descriptor? subject = null,
        IEnumerable<KeyValuePair<string, string>>? annotations = null)
        : this(
            KindOf(mediaType),
            mediaType,
            config ?? throw new ArgumentNullException(nameof(config)),
            ToDescriptorList(layers, "layer list", nameof(layers)),
            artifactType,
            subject,
            ModelValues.ToAnnotations(annotations, nameof(annotations)))
    {
        CheckOptionalFields(Kind, artifactType, Annotations, subject);
        if (Kind == ManifestKind.OciImageManifest && config.MediaType == MediaType.OciEmpty && artifactType is null)
        {
            throw new ArgumentException(
                "artifactType is required when config.mediaType is application/vnd.oci.empty.v1+json (OCI image-spec manifest.md)",
                nameof(artifactType));
        }

        if (!TrySumSizes(Layers, out _))
        {
            throw new ArgumentException("the layer sizes add up to more than Int64.MaxValue bytes", nameof(layers));
        }
    }

    // For the parser, which has checked everything already.
    internal ImageManifest(
        ManifestKind kind,
        MediaType mediaType,
        Descriptor config,
        ImmutableArray<Descriptor> layers,
        MediaType? artifactType,
        Descriptor? subject,
        ImmutableSortedDictionary<string, string> annotations)
        : base(kind, mediaType, artifactType, subject, annotations)
    {
        Config = config;
        Layers = layers;
    }

    /// <summary>The descriptor of the image configuration (<c>config</c>); for an artifact, often the empty descriptor.</summary>
    public Descriptor Config { get; }

    /// <summary>The layer descriptors (<c>layers</c>), base layer first; may be empty.</summary>
    public ImmutableArray<Descriptor> Layers { get; }

    /// <summary>
    /// The image's size as ECR reports it in <c>imageSizeInBytes</c>: the sum of the layers' sizes, in bytes. The
    /// config and the manifest itself are not counted. 0 when there are no layers.
    /// </summary>
    public long ImageSizeInBytes
    {
        get
        {
            TrySumSizes(Layers, out long sum);
            return sum;
        }
    }

    /// <summary>Whether two image manifests are equal.</summary>
    /// <param name="left">The first manifest, or <see langword="null"/>.</param>
    /// <param name="right">The second manifest, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when both are <see langword="null"/> or equal.</returns>
    public static bool operator ==(ImageManifest? left, ImageManifest? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether two image manifests differ.</summary>
    /// <param name="left">The first manifest, or <see langword="null"/>.</param>
    /// <param name="right">The second manifest, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(ImageManifest? left, ImageManifest? right) => !(left == right);

    /// <summary>Whether every field is equal, layers in order.</summary>
    /// <param name="other">The other manifest.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals([NotNullWhen(true)] ImageManifest? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (CommonFieldsEqual(other) && Config == other.Config && ModelValues.SequenceEqual(Layers, other.Layers)));

    /// <inheritdoc cref="Manifest.Equals(Manifest)"/>
    public override bool Equals([NotNullWhen(true)] Manifest? other) => other is ImageManifest manifest && Equals(manifest);

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="ImageManifest"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is ImageManifest manifest && Equals(manifest);

    /// <inheritdoc cref="Manifest.GetHashCode"/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        AddCommonFields(ref hash);
        hash.Add(Config);
        ModelValues.AddSequence(ref hash, Layers);
        return hash.ToHashCode();
    }

    internal static bool TrySumSizes(ImmutableArray<Descriptor> layers, out long sum)
    {
        sum = 0;
        foreach (Descriptor layer in layers)
        {
            if (layer.Size > long.MaxValue - sum)
            {
                sum = long.MaxValue;
                return false;
            }

            sum += layer.Size;
        }

        return true;
    }

    private static ManifestKind KindOf(MediaType mediaType)
    {
        ManifestParser.TryGetKind(mediaType, out ManifestKind kind);
        return kind is ManifestKind.OciImageManifest or ManifestKind.DockerManifestV2
            ? kind
            : throw new ArgumentException(
                $"'{mediaType}' is not an image manifest media type: use {MediaType.OciImageManifest} or {MediaType.DockerManifestV2}",
                nameof(mediaType));
    }
}
