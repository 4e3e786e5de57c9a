using System.Collections.Immutable;

namespace TagImmutability;

/// <summary>
/// An image in a repository, as ECR's <c>ImageDetail</c> describes it, with the exact manifest bytes that were pushed:
/// identified by its digest, carrying its tags in the order they were added (decision Q8), its size as ECR reports
/// it, and when it was first pushed.
/// </summary>
/// <remarks>
/// A snapshot: tagging or untagging the image later yields a new <see cref="ImageDetail"/>; this one never changes.
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
public sealed class ImageDetail
{
    internal ImageDetail(
        string registryId,
        RepositoryName repositoryName,
        ParsedManifest manifest,
        ReadOnlyMemory<byte> content,
        long sizeInBytes,
        DateTimeOffset pushedAt,
        ImmutableArray<Tag> tags,
        long sequence)
    {
        RegistryId = registryId;
        RepositoryName = repositoryName;
        Digest = manifest.Digest;
        ManifestMediaType = manifest.MediaType;
        ArtifactMediaType = manifest.Manifest is ImageManifest image ? image.Config.MediaType : null;
        SubjectDigest = manifest.Subject?.Digest;
        ReferencedDigests = manifest.Manifest is ImageIndex index ? index.ManifestDigests : [];
        Kind = manifest.Kind;
        Manifest = content;
        SizeInBytes = sizeInBytes;
        PushedAt = pushedAt;
        Tags = tags;
        Sequence = sequence;
        DigestBox = new Registries.DigestBox(Digest);
    }

    private ImageDetail(ImageDetail source, ImmutableArray<Tag> tags)
    {
        RegistryId = source.RegistryId;
        RepositoryName = source.RepositoryName;
        Digest = source.Digest;
        ManifestMediaType = source.ManifestMediaType;
        ArtifactMediaType = source.ArtifactMediaType;
        SubjectDigest = source.SubjectDigest;
        ReferencedDigests = source.ReferencedDigests;
        Kind = source.Kind;
        Manifest = source.Manifest;
        SizeInBytes = source.SizeInBytes;
        PushedAt = source.PushedAt;
        Sequence = source.Sequence;
        DigestBox = source.DigestBox;
        Tags = tags;
    }

    /// <summary>The registry's id (12 digits).</summary>
    public string RegistryId { get; }

    /// <summary>The repository's name.</summary>
    public RepositoryName RepositoryName { get; }

    /// <summary>ECR's <c>imageDigest</c>: the sha256 of <see cref="Manifest"/>'s exact bytes.</summary>
    public Digest Digest { get; }

    /// <summary>ECR's <c>imageTags</c>: the tags naming this image, in the order they were added; empty when untagged.</summary>
    public ImmutableArray<Tag> Tags { get; }

    /// <summary>
    /// ECR's <c>imageSizeInBytes</c>, in bytes: for an image manifest, the sum of its layers' sizes (the config is not
    /// counted); for an image index, the largest size among the images it references.
    /// </summary>
    public long SizeInBytes { get; }

    /// <summary>ECR's <c>imagePushedAt</c> (UTC): when this digest was first pushed; tagging it later does not change it (decision Q8).</summary>
    public DateTimeOffset PushedAt { get; }

    /// <summary>ECR's <c>imageManifestMediaType</c>: the manifest's media type.</summary>
    public MediaType ManifestMediaType { get; }

    /// <summary>ECR's <c>artifactMediaType</c>: the config's media type for an image manifest; <see langword="null"/> for an index.</summary>
    public MediaType? ArtifactMediaType { get; }

    /// <summary>ECR's <c>subjectManifestDigest</c>: the digest of the manifest this one refers to (OCI <c>subject</c>), or <see langword="null"/>.</summary>
    public Digest? SubjectDigest { get; }

    /// <summary>For an image index, the digests of the manifests it references, in order; empty for an image manifest.</summary>
    public ImmutableArray<Digest> ReferencedDigests { get; }

    /// <summary>The kind of manifest.</summary>
    public ManifestKind Kind { get; }

    /// <summary>ECR's <c>imageManifest</c>: the exact bytes that were pushed (a private copy; never re-serialised).</summary>
    public ReadOnlyMemory<byte> Manifest { get; }

    internal long Sequence { get; }

    /// <summary>The digest as the tag index holds it: one box per image, kept across its snapshots.</summary>
    internal Registries.DigestBox DigestBox { get; }

    /// <summary>The digest and the tags.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Tags.IsEmpty ? $"{Digest} (untagged)" : $"{Digest} [{string.Join(", ", Tags)}]";

    internal ImageDetail WithTags(ImmutableArray<Tag> tags) => new(this, tags);
}
