namespace TagImmutability;

/// <summary>
/// The separate switches an <see cref="ImmutabilityRule"/> can set for the tags it matches. Registries differ exactly
/// on which of these they block, so each registry's "immutable" is a combination (see the named combinations below
/// and <c>docs/policies.md</c>).
/// </summary>
[Flags]
public enum TagProtection
{
    /// <summary>Nothing is blocked.</summary>
    None = 0,

    /// <summary>Block moving the tag to another digest (an overwrite, retag or copy onto it).</summary>
    BlockMove = 1,

    /// <summary>Block pushing the tag again with the digest it already names.</summary>
    BlockIdenticalRepush = 2,

    /// <summary>Block removing the tag (untagging) while the image stays.</summary>
    BlockRemove = 4,

    /// <summary>Block deleting, by digest, an image that this tag names (the delete would remove the tag too).</summary>
    BlockDeleteTaggedImage = 8,

    /// <summary>Block deleting the repository while it holds this tag.</summary>
    BlockDeleteRepository = 16,

    /// <summary>
    /// Amazon ECR's <c>IMMUTABLE</c>: block move and identical re-push; removing and deleting stay allowed (ECR user
    /// guide, "Image tag mutability"; ECR API reference, <c>ImageTagAlreadyExistsException</c>).
    /// </summary>
    Ecr = BlockMove | BlockIdenticalRepush,

    /// <summary>
    /// Google Artifact Registry's <c>immutableTags</c>: block move, tag removal and deletion of a tagged image
    /// (Artifact Registry docs, "Update repository settings"); an identical re-push is not documented as blocked.
    /// </summary>
    GoogleArtifactRegistry = BlockMove | BlockRemove | BlockDeleteTaggedImage,

    /// <summary>
    /// Harbor's immutability rule: block overwrite and re-push, tag delete, and deleting the artifact or repository
    /// holding the tag (Harbor docs, "Create Tag Immutability Rules").
    /// </summary>
    Harbor = BlockMove | BlockIdenticalRepush | BlockRemove | BlockDeleteTaggedImage | BlockDeleteRepository,

    /// <summary>
    /// Docker Hub, GitLab and Quay immutable tags, and write-once by permission (zot without <c>update</c>/<c>delete</c>,
    /// Artifactory without Delete/Overwrite): no update (move or identical re-push), no tag delete, no delete of an
    /// image that carries the tag.
    /// </summary>
    NoUpdateNoDelete = BlockMove | BlockIdenticalRepush | BlockRemove | BlockDeleteTaggedImage,

    /// <summary>Every switch.</summary>
    All = BlockMove | BlockIdenticalRepush | BlockRemove | BlockDeleteTaggedImage | BlockDeleteRepository,
}
