using System.Collections.Immutable;
using TagImmutability.Registries;
using TagImmutability.Storage;

namespace TagImmutability;

// A registry over a shared store: read what a write depends on, decide with the same pure transformations as in
// memory, and commit the difference as a compare-and-swap (docs/decisions/0009-store-abstraction.md).
public sealed partial class Registry
{
    private async ValueTask<TResult> WriteToStoreAsync<TResult>(
        RepositoryName name,
        RepositoryQuery query,
        Func<RepositoryState, (RepositoryState State, TResult Result)> change,
        Func<RepositoryState, ImageTagAlreadyExistsException, RepositoryState>? rejected,
        CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            RepositorySnapshot snapshot = await Store.ReadAsync(name, query, cancellationToken).ConfigureAwait(false)
                ?? throw new RepositoryNotFoundException(RegistryId, name);
            RepositoryState before = StateOf(snapshot);
            RepositoryState after;
            TResult result = default!;
            ImageTagAlreadyExistsException? refusal = null;
            try
            {
                (after, result) = change(before);
            }
            catch (ImageTagAlreadyExistsException error) when (rejected is not null)
            {
                after = rejected(before, error);
                refusal = error;
            }

            // Any other exception is a failure decided on one consistent read: nothing to commit, and the read is the
            // call's linearization point. So is a success that changes nothing.
            RepositoryChange difference = Difference(snapshot, query, before, after);
            if (difference.IsEmpty && difference.Events.IsEmpty)
            {
                return result;
            }

            if (await Store.CommitAsync(difference, cancellationToken).ConfigureAwait(false) == StoreCommitOutcome.Committed)
            {
                return refusal is null ? result : throw refusal;
            }

            await AfterConflictAsync(name, "write", attempt, cancellationToken).ConfigureAwait(false);
        }
    }

    // After a conflict: give up after the last attempt; otherwise retry at once, and after a few attempts with a short
    // random pause, so that writers racing for one repository do not keep colliding in step.
    private async ValueTask AfterConflictAsync(RepositoryName name, string operation, int attempt, CancellationToken cancellationToken)
    {
        if (attempt >= Options.MaxStoreAttempts)
        {
            throw new StoreConflictException(
                $"The {operation} to repository '{name}' conflicted with concurrent writes {attempt} times (RegistryOptions.MaxStoreAttempts) and was not applied; it is safe to retry.");
        }

        if (attempt >= 3)
        {
            await Task.Delay(Random.Shared.Next(1, Math.Min(1 << Math.Min(attempt, 6), 50)), cancellationToken).ConfigureAwait(false);
        }
    }

    // The write as the store sees it: every binding that changed as a compare-and-swap from what was read; every tag
    // the call asked about but did not change, and every image it read, as a precondition; images added and removed; a
    // new policy; the events. A policy change replaces the policy whatever it was; every other write depends on it.
    private RepositoryChange Difference(RepositorySnapshot snapshot, RepositoryQuery query, RepositoryState before, RepositoryState after)
    {
        bool policyChanged = after.Info.Policy != before.Info.Policy;
        var asked = new HashSet<string>(query.Tags.Select(t => t.Value), StringComparer.Ordinal);
        var tagChanges = ImmutableArray.CreateBuilder<TagChange>();
        foreach (string key in before.Tags.Keys.Concat(after.Tags.Keys).Concat(asked).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            Digest? old = before.Tags.TryGetValue(key, out Digest b) ? b : null;
            Digest? @new = after.Tags.TryGetValue(key, out Digest a) ? a : null;
            if (old != @new || asked.Contains(key))
            {
                tagChanges.Add(new TagChange(ExistingTag(key), old, @new));
            }
        }

        ImmutableArray<ImageExpectation> expectations =
        [
            .. before.Images.Values.Select(i => ImageExpectation.Present(i.Digest, i.Tags, ReferrersOf(before, i.Digest))),
            .. query.Digests.Where(d => !before.Images.ContainsKey(d)).Select(ImageExpectation.Absent),
        ];
        ImmutableArray<NewImage> added =
        [
            .. after.Images.Values.Where(i => !before.Images.ContainsKey(i.Digest)).OrderBy(i => i.Sequence)
                .Select(i => new NewImage(i.Digest, i.Manifest, i.ManifestMediaType, i.SizeInBytes, i.PushedAt, i.ReferencedDigests)),
        ];
        ImmutableArray<TagEvent> events = [.. after.History.Events.Skip(before.History.Events.Count)];
        return new RepositoryChange(snapshot.Repository, events.IsEmpty ? Now : events[0].Timestamp)
        {
            Actor = events.IsEmpty ? null : events[0].Actor,
            DependsOnPolicy = !policyChanged,
            NewPolicy = policyChanged ? after.Info.Policy : null,
            TagChanges = tagChanges.ToImmutable(),
            ImageExpectations = expectations,
            AddedImages = added,
            RemovedImages = [.. before.Images.Keys.Where(d => !after.Images.ContainsKey(d))],
            MaxImages = added.IsEmpty ? null : Options.MaxImagesPerRepository,
            Events = events,
            MaxHistoryEvents = Options.MaxHistoryEventsPerRepository,
        };
    }

    private static ImmutableArray<Digest> ReferrersOf(RepositoryState state, Digest digest) =>
        state.ReferencedBy.TryGetValue(digest, out ImmutableHashSet<Digest>? indexes)
            ? [.. indexes.OrderBy(d => d.ToString(), StringComparer.Ordinal)]
            : [];

    // A snapshot as the state the pure transformations work on. When it holds only part of the repository, it holds
    // every image the write depends on with all its tags, so the transformations decide exactly as they would on the
    // whole repository; the images it does not hold still count toward the limit (UnloadedImages).
    private RepositoryState StateOf(RepositorySnapshot snapshot)
    {
        RepositoryInfo info = InfoOf(snapshot.Repository);
        var images = ImmutableDictionary.CreateBuilder<Digest, ImageDetail>();
        TagIndex tags = TagIndex.Empty;
        var referencedBy = ImmutableDictionary.CreateBuilder<Digest, ImmutableHashSet<Digest>>();
        long next = 0;
        foreach (StoredImage stored in snapshot.Images)
        {
            NewImage content = stored.Image;
            ParsedManifest parsed = ManifestParser.Parse(content.Manifest, content.MediaType, ParserOptions);
            var image = new ImageDetail(RegistryId, info.Name, parsed, content.Manifest, content.SizeInBytes, content.PushedAt, stored.Tags, stored.Sequence);
            images[image.Digest] = image;
            foreach (Tag tag in stored.Tags)
            {
                tags = tags.SetItem(tag.Value, image);
            }

            if (!stored.ReferencedBy.IsEmpty)
            {
                referencedBy[image.Digest] = [.. stored.ReferencedBy];
            }

            next = Math.Max(next, stored.Sequence + 1);
        }

        return new RepositoryState(
            info,
            images.ToImmutable(),
            tags,
            referencedBy.ToImmutable(),
            next,
            TagHistory.Empty,
            snapshot.Repository.PolicyVersion,
            snapshot.ImageCount - images.Count);
    }

    private RepositoryInfo InfoOf(StoredRepository repository) =>
        new(RegistryId, Options.Region, repository.Name, repository.CreatedAt, repository.Policy);

    // The repository's retained history: in memory from its snapshot, over a store as the store keeps it.
    private async ValueTask<TagHistory> ReadHistoryAsync(RepositoryName name, CancellationToken cancellationToken)
    {
        if (_memory is not null)
        {
            return (await ReadAsync(name, RepositoryQuery.None, cancellationToken).ConfigureAwait(false)).History;
        }

        cancellationToken.ThrowIfCancellationRequested();
        ValidateName(name);
        StoredHistory history = await Store.ReadHistoryAsync(name, Options.MaxHistoryEventsPerRepository, cancellationToken).ConfigureAwait(false)
            ?? throw new RepositoryNotFoundException(RegistryId, name);
        return TagHistory.Restore([.. history.Events], history.Dropped);
    }
}
