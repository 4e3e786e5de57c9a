using TagImmutability.Registries;
using TagImmutability.Storage;

namespace TagImmutability;

/// <summary>
/// Tag writes that return their decision as a value: the policy's answer (<see cref="TagWriteOutcome"/>) is a result,
/// not an exception, so a registry or proxy that refuses pushes all day pays for no stack trace. In memory an allowed
/// write allocates only the new snapshot, and a decision (<see cref="ExplainPush"/>) or an unchanged write nothing.
/// </summary>
public sealed partial class Registry
{
    /// <summary>
    /// The decision a push of <paramref name="digest"/> under <paramref name="tag"/> would get now, under the repository's
    /// policy and current binding, without writing anything (no history either). In memory it neither locks nor allocates.
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="digest">The digest the push would bind; the repository need not hold the image.</param>
    /// <returns>The decision: <see cref="TagWriteOutcome.Created"/>, <see cref="TagWriteOutcome.Moved"/>, <see cref="TagWriteOutcome.Unchanged"/> or <see cref="TagWriteOutcome.RejectedImmutable"/>, with the ruling that decided it.</returns>
    /// <exception cref="ArgumentException"><paramref name="repository"/>, <paramref name="tag"/> or <paramref name="digest"/> is a default value.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> or <paramref name="tag"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    /// <remarks>Thread safety: safe during writes; the answer is as of one snapshot. Rules: ECR's <c>imageTagMutability</c> (decision Q1: an immutable tag refuses even its own digest).</remarks>
    public TagWriteDecision ExplainPush(RepositoryName repository, Tag tag, Digest digest)
    {
        CheckTagWrite(repository, tag, digest);
        RepositoryState state = Sync(ReadAsync(repository, _memory is not null ? RepositoryQuery.None : RepositoryQuery.For([tag], []), CancellationToken.None));
        return state.Info.Policy.Evaluate(tag, state.Tags.Find(tag.Value), digest);
    }

    /// <summary>
    /// Binds <paramref name="tag"/> to an image the repository holds, exactly as ECR's <c>PutImage</c> of that image's
    /// manifest with that tag would (the same rules, the same history events), but returns the policy's decision
    /// instead of throwing it: <see cref="TagWriteOutcome.Created"/> and <see cref="TagWriteOutcome.Moved"/> are applied;
    /// <see cref="TagWriteOutcome.Unchanged"/> (the mutable tag names the digest already; ECR's
    /// <c>ImageAlreadyExistsException</c>) changes nothing; <see cref="TagWriteOutcome.RejectedImmutable"/> (ECR's
    /// <c>ImageTagAlreadyExistsException</c>) changes no binding and records its <see cref="TagEventKind.Rejected"/>
    /// event, as a refused push does (decision 0006).
    /// </summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="digest">The digest of an image the repository holds.</param>
    /// <returns>The decision, as applied.</returns>
    /// <exception cref="ArgumentException"><paramref name="repository"/>, <paramref name="tag"/> or <paramref name="digest"/> is a default value.</exception>
    /// <exception cref="InvalidParameterException"><paramref name="repository"/> or <paramref name="tag"/> breaks the registry's grammar profile.</exception>
    /// <exception cref="RepositoryNotFoundException">The repository does not exist.</exception>
    /// <exception cref="ImageNotFoundException">The repository holds no image with <paramref name="digest"/>.</exception>
    /// <exception cref="LimitExceededException">The image has <see cref="RegistryOptions.MaxTagsPerImage"/> tags already.</exception>
    /// <remarks>
    /// Atomic and linearizable like every write; a failure changes nothing. In memory a refused or unchanged write takes
    /// the repository's lock but allocates only the refusal's history event.
    /// </remarks>
    public TagWriteDecision TagImage(RepositoryName repository, Tag tag, Digest digest)
    {
        CheckTagWrite(repository, tag, digest);
        if (_memory is not { } memory)
        {
            return TagImageInStore(repository, tag, digest);
        }

        // The fast path of WriteAsync, without its delegate: nothing here allocates unless the state changes.
        if (!memory.Repositories.TryGetValue(repository.Value, out RepositoryCell? cell))
        {
            throw new RepositoryNotFoundException(RegistryId, repository);
        }

        lock (cell.Gate)
        {
            if (cell.Deleted)
            {
                throw new RepositoryNotFoundException(RegistryId, repository);
            }

            (RepositoryState state, TagWriteDecision decision) = TagImageCore(cell.State, tag, digest);
            cell.State = state;
            return decision;
        }
    }

    // Apart from TagImage, so that its delegate's closure is not allocated on the in-memory path too.
    private TagWriteDecision TagImageInStore(RepositoryName repository, Tag tag, Digest digest) =>
        Sync(WriteAsync(repository, RepositoryQuery.For([tag], [digest]), state => TagImageCore(state, tag, digest), null, CancellationToken.None));

    private void CheckTagWrite(RepositoryName repository, Tag tag, Digest digest)
    {
        ValidateName(repository);
        ValidateTag(tag);
        if (digest.IsDefault)
        {
            throw new ArgumentException("digest is default(Digest), which names no content", nameof(digest));
        }
    }

    private (RepositoryState State, TagWriteDecision Decision) TagImageCore(RepositoryState state, Tag tag, Digest digest)
    {
        if (!state.Images.TryGetValue(digest, out ImageDetail? image))
        {
            throw new ImageNotFoundException(RegistryId, state.Info.Name, digest, tag);
        }

        Digest? current = state.Tags.Find(tag.Value);
        TagWriteDecision decision = state.Info.Policy.Evaluate(tag, current, digest);
        switch (decision.Outcome)
        {
            case TagWriteOutcome.RejectedImmutable:
                return (RecordRejection(state, tag, decision.ExistingDigest!.Value, digest), decision);
            case TagWriteOutcome.Unchanged:
                return (state, decision);
        }

        if (image.Tags.Length >= Options.MaxTagsPerImage)
        {
            throw LimitExceededException.TagsPerImage(RegistryId, state.Info.Name, tag, digest, Options.MaxTagsPerImage);
        }

        RepositoryState after = decision.Outcome == TagWriteOutcome.Moved
            ? DetachForMove(state, state.Images[current!.Value], tag)
            : state;
        ImageDetail tagged = image.WithTags(image.Tags.Add(tag));
        after = after.With(images: after.Images.SetItem(digest, tagged), tags: after.Tags.SetItem(tag.Value, tagged));
        return (RecordTagChanges(state, after, [tag]), decision);
    }
}
