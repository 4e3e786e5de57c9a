using System.Collections.Immutable;
using TagImmutability.Registries;
using TagImmutability.Storage;

namespace TagImmutability;

public sealed partial class Registry
{
    /// <summary>
    /// ECR's <c>PutImage</c>: stores a manifest, byte for byte, under the sha256 of those bytes, and binds
    /// <paramref name="tag"/> to it as the repository's policy allows.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="manifest">The manifest's exact bytes, 1 byte to <see cref="RegistryOptions.MaxManifestSizeInBytes"/>. The registry keeps a copy.</param>
    /// <param name="tag">ECR's <c>imageTag</c>, or <see langword="null"/> for an untagged push (no <c>latest</c> default).</param>
    /// <param name="mediaType">ECR's <c>imageManifestMediaType</c>: required when the manifest has no <c>mediaType</c> field; must agree with it otherwise.</param>
    /// <param name="imageDigest">ECR's <c>imageDigest</c>: when given, must equal the sha256 of the bytes.</param>
    /// <returns>The image as stored, with its tags after the push.</returns>
    /// <exception cref="InvalidParameterException">
    /// The manifest is empty, too large, not valid JSON or not a valid OCI or Docker schema 2 manifest or index; its
    /// media type is missing or disagrees with <paramref name="mediaType"/>; or <paramref name="tag"/> breaks the
    /// registry's grammar profile. The inner exception is the manifest or grammar error.
    /// </exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    /// <exception cref="ImageDigestDoesNotMatchException"><paramref name="imageDigest"/> is not the digest of the bytes.</exception>
    /// <exception cref="ReferencedImagesNotFoundException">An index references manifests the repository does not hold.</exception>
    /// <exception cref="ImageTagAlreadyExistsException">The tag is immutable and names a digest already, this one or another (decision Q1). The refusal is recorded in the tag history as <see cref="TagEventKind.Rejected"/>.</exception>
    /// <exception cref="ImageAlreadyExistsException">The mutable tag already names this digest, or an untagged push repeats a stored digest (Q1, Q2).</exception>
    /// <exception cref="LimitExceededException">The image would have more tags, or the repository more images, than the limits allow.</exception>
    public ImageDetail PutImage(RepositoryName repository, ReadOnlyMemory<byte> manifest, Tag? tag = null, MediaType? mediaType = null, Digest? imageDigest = null) =>
        Sync(PutImageCoreAsync(repository, manifest, tag, mediaType, imageDigest, CancellationToken.None));

    /// <summary>
    /// ECR's <c>BatchGetImage</c>: each id is looked up on its own; an id that is not found becomes a failure, not an
    /// exception.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="imageIds">1..100 ids.</param>
    /// <returns>The images found and the failures, both in request order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="imageIds"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidParameterException">Fewer than 1 or more than 100 ids.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public BatchGetImageResult BatchGetImage(RepositoryName repository, IEnumerable<ImageId> imageIds) =>
        Sync(BatchGetImageCoreAsync(repository, imageIds, CancellationToken.None));

    private async ValueTask<BatchGetImageResult> BatchGetImageCoreAsync(RepositoryName repository, IEnumerable<ImageId> imageIds, CancellationToken cancellationToken)
    {
        ImmutableArray<ImageId> ids = Ids(imageIds);
        RepositoryState state = await ReadAsync(repository, QueryFor(ids), cancellationToken).ConfigureAwait(false);
        var images = ImmutableArray.CreateBuilder<RetrievedImage>();
        var failures = ImmutableArray.CreateBuilder<ImageFailure>();
        foreach (ImageId id in ids)
        {
            if (Find(state, id, out ImageDetail? image, out ImageFailure? failure))
            {
                images.Add(new RetrievedImage(id.Tag is null ? ImageId.ForDigest(image.Digest) : new ImageId(image.Digest, id.Tag), image));
            }
            else
            {
                failures.Add(failure);
            }
        }

        return new BatchGetImageResult(images.ToImmutable(), failures.ToImmutable());
    }

    /// <summary>
    /// ECR's <c>BatchDeleteImage</c>. By tag: removes that tag, and the image with it when it was the last one. By
    /// digest: deletes the image and all its tags. Allowed in every mode (immutability forbids overwrites, not deletion;
    /// a deleted tag may be pushed again to any digest). An image an index references cannot be deleted.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="imageIds">1..100 ids. Tag and digest together must name the same image; then only that tag goes.</param>
    /// <returns>What was deleted and the failures. All ids are applied at once, atomically.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="imageIds"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidParameterException">Fewer than 1 or more than 100 ids.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public BatchDeleteImageResult BatchDeleteImage(RepositoryName repository, IEnumerable<ImageId> imageIds) =>
        Sync(BatchDeleteImageCoreAsync(repository, imageIds, CancellationToken.None));

    private async ValueTask<BatchDeleteImageResult> BatchDeleteImageCoreAsync(RepositoryName repository, IEnumerable<ImageId> imageIds, CancellationToken cancellationToken)
    {
        ImmutableArray<ImageId> ids = Ids(imageIds);
        ValidateName(repository);
        return await WriteAsync(repository, QueryFor(ids), state =>
        {
            RepositoryState before = state;
            var deleted = ImmutableArray.CreateBuilder<ImageId>();
            var failures = ImmutableArray.CreateBuilder<ImageFailure>();
            foreach (ImageId id in ids)
            {
                if (!Find(state, id, out ImageDetail? image, out ImageFailure? failure))
                {
                    failures.Add(failure);
                }
                else if (id.Tag is { } tag && image.Tags.Length > 1)
                {
                    state = Untag(state, image, tag);
                    deleted.Add(new ImageId(image.Digest, tag));
                }
                else if (state.ReferencedBy.TryGetValue(image.Digest, out ImmutableHashSet<Digest>? indexes) && !indexes.IsEmpty)
                {
                    failures.Add(ImageFailure.ReferencedByManifestList(id, indexes.Min()));
                }
                else
                {
                    state = Remove(state, image);
                    deleted.AddRange(image.Tags.IsEmpty ? [ImageId.ForDigest(image.Digest)] : image.Tags.Select(t => new ImageId(image.Digest, t)));
                }
            }

            state = RecordTagChanges(before, state, deleted.Where(d => d.Tag is not null).Select(d => d.Tag!.Value));
            return (state, new BatchDeleteImageResult(deleted.ToImmutable(), failures.ToImmutable()));
        }, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>ECR's <c>DescribeImages</c> without ids or filter: every image, in push order.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <returns>The images.</returns>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public ImmutableArray<ImageDetail> DescribeImages(RepositoryName repository) => DescribeImages(repository, TagStatus.Any);

    /// <summary>ECR's <c>DescribeImages</c> without ids: every image that passes <paramref name="tagStatus"/>, in push order.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tagStatus">Which images: any, tagged or untagged.</param>
    /// <returns>The images.</returns>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tagStatus"/> is not a defined value.</exception>
    public ImmutableArray<ImageDetail> DescribeImages(RepositoryName repository, TagStatus tagStatus) =>
        Sync(DescribeImagesCoreAsync(repository, tagStatus, CancellationToken.None));

    private async ValueTask<ImmutableArray<ImageDetail>> DescribeImagesCoreAsync(RepositoryName repository, TagStatus tagStatus, CancellationToken cancellationToken)
    {
        TagStatus status = Checked(tagStatus);
        return [.. (await ReadAsync(repository, RepositoryQuery.All, cancellationToken).ConfigureAwait(false)).ImagesInPushOrder().Where(i => Passes(i, status))];
    }

    /// <summary>ECR's <c>DescribeImages</c> with ids: every id must name an image, or the whole call fails.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="imageIds">1..100 ids.</param>
    /// <returns>The images, in request order, each once.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="imageIds"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidParameterException">Fewer than 1 or more than 100 ids, or an id with neither digest nor tag (checked before the repository and the images, decision Q11).</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    /// <exception cref="ImageNotFoundException">An id names no image, or its tag and digest disagree (the first such id is named).</exception>
    public ImmutableArray<ImageDetail> DescribeImages(RepositoryName repository, IEnumerable<ImageId> imageIds) =>
        Sync(DescribeImagesCoreAsync(repository, imageIds, CancellationToken.None));

    private async ValueTask<ImmutableArray<ImageDetail>> DescribeImagesCoreAsync(RepositoryName repository, IEnumerable<ImageId> imageIds, CancellationToken cancellationToken)
    {
        ImmutableArray<ImageId> ids = Ids(imageIds);

        // An id with neither digest nor tag is a parameter error, reported before the repository and the images (Q11).
        if (ids.Any(id => id.Digest is null && id.Tag is null))
        {
            throw new InvalidParameterException("imageIds", "Member must have an imageDigest or an imageTag", null);
        }

        RepositoryState state = await ReadAsync(repository, QueryFor(ids), cancellationToken).ConfigureAwait(false);
        var images = new List<ImageDetail>();
        foreach (ImageId id in ids)
        {
            if (!Find(state, id, out ImageDetail? image, out _))
            {
                throw new ImageNotFoundException(RegistryId, repository, id.Digest, id.Tag);
            }

            if (!images.Contains(image))
            {
                images.Add(image);
            }
        }

        return [.. images];
    }

    /// <summary>ECR's <c>ListImages</c> without filter: one id per (digest, tag) pair, and <c>{digest}</c> alone for an untagged image.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <returns>The ids.</returns>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    public ImmutableArray<ImageId> ListImages(RepositoryName repository) => ListImages(repository, TagStatus.Any);

    /// <summary>
    /// ECR's <c>ListImages</c>: one id per (digest, tag) pair, and <c>{digest}</c> alone for an untagged image, in push
    /// order and then tag order.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tagStatus">Which images: any, tagged or untagged.</param>
    /// <returns>The ids.</returns>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tagStatus"/> is not a defined value.</exception>
    public ImmutableArray<ImageId> ListImages(RepositoryName repository, TagStatus tagStatus) =>
        Sync(ListImagesCoreAsync(repository, tagStatus, CancellationToken.None));

    private async ValueTask<ImmutableArray<ImageId>> ListImagesCoreAsync(RepositoryName repository, TagStatus tagStatus, CancellationToken cancellationToken)
    {
        TagStatus status = Checked(tagStatus);
        return [.. (await ReadAsync(repository, RepositoryQuery.All, cancellationToken).ConfigureAwait(false)).ImagesInPushOrder().Where(i => Passes(i, status)).SelectMany(i => ListedIds(i))];
    }

    private async ValueTask<ImageDetail> PutImageCoreAsync(
        RepositoryName repository,
        ReadOnlyMemory<byte> manifest,
        Tag? tag,
        MediaType? mediaType,
        Digest? imageDigest,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidateName(repository);
        ParsedManifest parsed = ParseManifest(manifest, mediaType);
        if (tag is { } t)
        {
            ValidateTag(t);
        }

        if (imageDigest is { IsDefault: true })
        {
            throw new ArgumentException("imageDigest is default(Digest), which names no content: pass null to skip the check", nameof(imageDigest));
        }

        // What the decision depends on: the tag, the image, and for an index the images it references.
        RepositoryQuery query = _memory is not null ? RepositoryQuery.None : RepositoryQuery.For(
            tag is { } asked ? [asked] : [],
            [parsed.Digest, .. parsed.Manifest is ImageIndex index ? index.ManifestDigests : []]);
        return await WriteAsync(
            repository,
            query,
            state =>
            {
                (RepositoryState after, ImageDetail image) = StoreImage(state, parsed, tag, imageDigest);
                return (tag is { } written ? RecordTagChanges(state, after, [written]) : after, image);
            },
            RecordRejection,
            cancellationToken).ConfigureAwait(false);
    }

    // The images a batch of ids names, for a read over a store (in memory every read sees the whole repository).
    private RepositoryQuery QueryFor(ImmutableArray<ImageId> ids) =>
        _memory is not null ? RepositoryQuery.None : RepositoryQuery.For(
            ids.Where(i => i.Tag is not null).Select(i => i.Tag!.Value),
            ids.Where(i => i.Digest is not null).Select(i => i.Digest!.Value));

    // The ids ListImages lists for one image: one per tag, in tag order, or the digest alone when untagged.
    internal static ImmutableArray<ImageId> ListedIds(ImageDetail image) =>
        image.Tags.IsEmpty ? [ImageId.ForDigest(image.Digest)] : [.. image.Tags.Select(t => new ImageId(image.Digest, t))];

    private RepositoryState PutImageCore(RepositoryState state, ParsedManifest parsed, Tag? tag, out ImageDetail result)
    {
        RepositoryName name = state.Info.Name;
        Digest digest = parsed.Digest;
        state.Images.TryGetValue(digest, out ImageDetail? existing);
        if (existing is null)
        {
            ImmutableArray<Digest> children = parsed.Manifest is ImageIndex index ? index.ManifestDigests : [];
            ImmutableArray<Digest> missing = [.. children.Where(c => !state.Images.ContainsKey(c)).Distinct()];
            if (!missing.IsEmpty)
            {
                throw new ReferencedImagesNotFoundException(RegistryId, name, missing);
            }
        }

        if (tag is not { } newTag)
        {
            if (existing is not null)
            {
                throw new ImageAlreadyExistsException(RegistryId, name, digest, null);
            }

            state = Add(state, parsed, [], out result);
            return state;
        }

        Digest? current = state.Tags.TryGetValue(newTag.Value, out Digest bound) ? bound : null;
        TagWriteDecision decision = state.Info.Policy.Evaluate(newTag, current, digest);
        switch (decision.Outcome)
        {
            case TagWriteOutcome.RejectedImmutable:
                throw new ImageTagAlreadyExistsException(RegistryId, name, newTag, bound, digest);
            case TagWriteOutcome.Unchanged:
                throw new ImageAlreadyExistsException(RegistryId, name, digest, newTag);
            case TagWriteOutcome.Moved:
                state = DetachForMove(state, state.Images[bound], newTag);
                break;
        }

        if (existing is null)
        {
            state = Add(state, parsed, [newTag], out result);
            return state;
        }

        if (existing.Tags.Length >= Options.MaxTagsPerImage)
        {
            throw LimitExceededException.TagsPerImage(RegistryId, name, newTag, digest, Options.MaxTagsPerImage);
        }

        result = existing.WithTags(existing.Tags.Add(newTag));
        return state.With(images: state.Images.SetItem(digest, result), tags: state.Tags.SetItem(newTag.Value, result));
    }

    private (RepositoryState, ImageDetail) StoreImage(RepositoryState state, ParsedManifest parsed, Tag? tag, Digest? imageDigest)
    {
        if (imageDigest is { } provided && provided != parsed.Digest)
        {
            throw new ImageDigestDoesNotMatchException(RegistryId, state.Info.Name, provided, parsed.Digest);
        }

        state = PutImageCore(state, parsed, tag, out ImageDetail result);
        return (state, result);
    }

    private RepositoryState Add(RepositoryState state, ParsedManifest parsed, ImmutableArray<Tag> tags, out ImageDetail image)
    {
        if (state.ImageCount >= Options.MaxImagesPerRepository)
        {
            throw LimitExceededException.ImagesPerRepository(RegistryId, state.Info.Name, parsed.Digest, Options.MaxImagesPerRepository);
        }

        long size = parsed.Manifest switch
        {
            ImageManifest manifest => manifest.ImageSizeInBytes,
            ImageIndex index => index.ComputeImageSizeInBytes(d => state.Images.TryGetValue(d.Digest, out ImageDetail? child) ? child.SizeInBytes : 0),
            _ => 0,
        };
        image = new ImageDetail(RegistryId, state.Info.Name, parsed, parsed.Content.ToArray(), size, Now, tags, state.NextSequence);
        ImmutableDictionary<Digest, ImmutableHashSet<Digest>> referencedBy = state.ReferencedBy;
        foreach (Digest child in image.ReferencedDigests)
        {
            referencedBy = referencedBy.SetItem(child, (referencedBy.TryGetValue(child, out ImmutableHashSet<Digest>? set) ? set : []).Add(image.Digest));
        }

        TagIndex tagMap = state.Tags;
        foreach (Tag tag in tags)
        {
            tagMap = tagMap.SetItem(tag.Value, image);
        }

        return state.With(images: state.Images.Add(image.Digest, image), tags: tagMap, referencedBy: referencedBy, nextSequence: state.NextSequence + 1);
    }

    // The first half of a move: the tag leaves its old image's tag list but stays in the index, whose entry the caller
    // rebinds (removing and re-adding it would copy the index's path twice). The old image stays, untagged if that was
    // its last tag (decision Q10).
    private static RepositoryState DetachForMove(RepositoryState state, ImageDetail image, Tag tag) =>
        state.With(images: state.Images.SetItem(image.Digest, image.WithTags(image.Tags.Remove(tag))));

    // Takes one tag off an image (BatchDeleteImage by tag); an image left without tags is deleted.
    private static RepositoryState Untag(RepositoryState state, ImageDetail image, Tag tag)
    {
        ImageDetail untagged = image.WithTags(image.Tags.Remove(tag));
        if (untagged.Tags.IsEmpty)
        {
            return Remove(state, image);
        }

        return state.With(images: state.Images.SetItem(image.Digest, untagged), tags: state.Tags.Remove(tag.Value));
    }

    private static RepositoryState Remove(RepositoryState state, ImageDetail image)
    {
        ImmutableDictionary<Digest, ImmutableHashSet<Digest>> referencedBy = state.ReferencedBy.Remove(image.Digest);
        foreach (Digest child in image.ReferencedDigests)
        {
            if (referencedBy.TryGetValue(child, out ImmutableHashSet<Digest>? set))
            {
                set = set.Remove(image.Digest);
                referencedBy = set.IsEmpty ? referencedBy.Remove(child) : referencedBy.SetItem(child, set);
            }
        }

        return state.With(
            images: state.Images.Remove(image.Digest),
            tags: state.Tags.RemoveRange(image.Tags.Select(t => t.Value)),
            referencedBy: referencedBy);
    }

    // Looks one id up: by tag, by digest, or by both (which must agree; decision Q7).
    private static bool Find(
        RepositoryState state,
        ImageId id,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageDetail? image,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out ImageFailure? failure)
    {
        image = null;
        failure = null;
        if (id.Digest is null && id.Tag is null)
        {
            failure = ImageFailure.MissingDigestAndTag(id);
            return false;
        }

        Digest? tagged = id.Tag is { } tag && state.Tags.TryGetValue(tag.Value, out Digest bound) ? bound : null;
        if ((id.Tag is not null && tagged is null) || (id.Digest is { } digest && !state.Images.ContainsKey(digest)))
        {
            failure = ImageFailure.NotFound(id);
            return false;
        }

        if (id.Digest is { } asked && tagged is { } named && asked != named)
        {
            failure = ImageFailure.TagDoesNotMatchDigest(id, named);
            return false;
        }

        image = state.Images[id.Digest ?? tagged!.Value];
        return true;
    }

    private static TagStatus Checked(TagStatus status) =>
        status is TagStatus.Any or TagStatus.Tagged or TagStatus.Untagged
            ? status
            : throw new ArgumentOutOfRangeException(nameof(status), status, "tagStatus must be Any, Tagged or Untagged");

    private static bool Passes(ImageDetail image, TagStatus status) => status switch
    {
        TagStatus.Tagged => !image.Tags.IsEmpty,
        TagStatus.Untagged => image.Tags.IsEmpty,
        _ => true,
    };

    private static ImmutableArray<ImageId> Ids(IEnumerable<ImageId> imageIds)
    {
        ArgumentNullException.ThrowIfNull(imageIds);
        ImmutableArray<ImageId> ids = [.. imageIds];
        CheckCount("imageIds", ids.Length, MaxImageIdsPerRequest);
        return ids;
    }

    private ParsedManifest ParseManifest(ReadOnlyMemory<byte> manifest, MediaType? mediaType)
    {
        if (manifest.IsEmpty)
        {
            throw new InvalidParameterException("imageManifest", "Member must have length greater than or equal to 1", null);
        }

        if (manifest.Length > Options.MaxManifestSizeInBytes)
        {
            throw new InvalidParameterException("imageManifest", $"Member must have length less than or equal to {Options.MaxManifestSizeInBytes}", null);
        }

        if (mediaType is { IsDefault: true })
        {
            throw new ArgumentException("mediaType is default(MediaType): pass null when the manifest carries its media type", nameof(mediaType));
        }

        try
        {
            return ManifestParser.Parse(manifest, mediaType, ParserOptions);
        }
        catch (ManifestInvalidException error)
        {
            throw error.Reason switch
            {
                ManifestInvalidReason.MediaTypeMissing =>
                    new InvalidParameterException("imageManifestMediaType", "image manifest media type not provided in manifest or parameter", error),
                ManifestInvalidReason.MediaTypeMismatch or ManifestInvalidReason.InvalidMediaTypeHint =>
                    new InvalidParameterException("imageManifestMediaType", error.Message, error),
                ManifestInvalidReason.InvalidJson or ManifestInvalidReason.InvalidUtf8 =>
                    new InvalidParameterException("imageManifest", "Invalid JSON syntax", error),
                _ => new InvalidParameterException("imageManifest", error.Message, error),
            };
        }
    }

    private void ValidateTag(Tag tag)
    {
        if (tag.IsDefault)
        {
            throw new ArgumentException("tag is default(Tag), which is not a tag: pass null for an untagged push", nameof(tag));
        }

        if (!Tag.IsValid(tag.Value, Options.Grammar))
        {
            try
            {
                Tag.Parse(tag.Value, Options.Grammar);
            }
            catch (InvalidTagException error)
            {
                throw new InvalidParameterException("imageTag", error.Message, error);
            }
        }
    }
}
