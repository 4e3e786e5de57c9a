using System.Collections.Immutable;
using TagImmutability.Storage;
using TagImmutability.Tests.Registries;

namespace TagImmutability.Tests.Storage;

/// <summary>
/// The contract every <see cref="RegistryStore"/> keeps (docs/decisions/0009-store-abstraction.md), as tests any store
/// runs by deriving from this class: consistent reads, atomic commits, and a conflict, with nothing applied, whenever
/// something a write's decision read is no longer true. The in-memory store runs it here; the PostgreSQL store runs it
/// in TagImmutability.PostgreSql.Tests (this file is linked there).
/// </summary>
public abstract class RegistryStoreContract
{
    protected static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    protected static readonly RepositoryName App = RepositoryName.Parse("app");

    /// <summary>A new, empty store of the kind under test (ECR grammar, default registry id and region).</summary>
    protected abstract Task<RegistryStore> CreateStoreAsync();

    protected static Tag T(string tag) => Tag.Parse(tag, GrammarProfile.Ecr);

    // A real Docker image manifest (stores that parse what they store must accept it), as a write adds it.
    protected static NewImage Image(string label)
    {
        ParsedManifest manifest = Registries.Manifests.Image(label, 100);
        return new NewImage(manifest.Digest, manifest.Content, manifest.MediaType, 100, Now, []);
    }

    // A real OCI image index over the images of the given labels.
    protected static NewImage Index(string label, params string[] children)
    {
        ParsedManifest manifest = Registries.Manifests.Index([.. children.Select(c => Registries.Manifests.Image(c, 100))]);
        return new NewImage(manifest.Digest, manifest.Content, manifest.MediaType, 100, Now, [.. children.Select(c => Registries.Manifests.Image(c, 100).Digest)]);
    }

    private static TagEvent Event(TagEventKind kind, string tag, NewImage? old, NewImage? @new, string? actor = "ci") =>
        new(0, Now, App, T(tag), kind, old?.Digest, @new?.Digest, actor);

    // What the registry commits for a push of a new image bound to a tag (created, or moved from `from`).
    private static RepositoryChange Push(StoredRepository repo, NewImage image, string tag, NewImage? from = null) => new(repo, Now)
    {
        Actor = "ci",
        DependsOnPolicy = true,
        ImageExpectations = from is null ? [ImageExpectation.Absent(image.Digest)] : [ImageExpectation.Absent(image.Digest), ImageExpectation.Present(from.Digest, [T(tag)], [])],
        AddedImages = [image],
        TagChanges = [new TagChange(T(tag), from?.Digest, image.Digest)],
        MaxImages = 1000,
        Events = [Event(from is null ? TagEventKind.Created : TagEventKind.Moved, tag, from, image)],
    };

    private static async Task<StoredRepository> CreateAsync(RegistryStore store, TagMutabilityPolicy? policy = null) =>
        (await store.CreateRepositoryAsync(App, policy ?? TagMutabilityPolicy.Mutable, Now, CancellationToken.None))!;

    private static async Task<string> HistoryAsync(RegistryStore store, int max = 100)
    {
        StoredHistory history = (await store.ReadHistoryAsync(App, max, CancellationToken.None))!;
        return $"dropped {history.Dropped}: " + string.Join("; ", history.Events.Select(e => $"#{e.Sequence} {e.Kind} {e.Tag} {e.Actor ?? "-"}"));
    }

    [Fact]
    public async Task A_repository_is_created_once_and_read_back_as_created()
    {
        RegistryStore store = await CreateStoreAsync();
        var policy = TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest"), TagFilter.Parse("dev-*")]);

        StoredRepository created = (await store.CreateRepositoryAsync(App, policy, Now, CancellationToken.None))!;
        Assert.Null(await store.CreateRepositoryAsync(App, TagMutabilityPolicy.Mutable, Now, CancellationToken.None));

        StoredRepository read = (await store.GetRepositoryAsync(App, CancellationToken.None))!;
        Assert.Equal((created.Key, App, Now, policy, 0L), (read.Key, read.Name, read.CreatedAt, read.Policy, read.PolicyVersion));
        Assert.Equal([App], (await store.ListRepositoriesAsync(CancellationToken.None)).Select(r => r.Name));
        Assert.Null(await store.GetRepositoryAsync(RepositoryName.Parse("other"), CancellationToken.None));
        Assert.Null(await store.ReadAsync(RepositoryName.Parse("other"), RepositoryQuery.All, CancellationToken.None));
    }

    [Fact]
    public async Task A_committed_push_is_resolved_and_read_with_its_tags()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store);
        NewImage a = Image("a");

        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(Push(repo, a, "v1"), CancellationToken.None));

        Assert.Equal(a.Digest, await store.ResolveTagAsync(App, T("v1"), CancellationToken.None));
        Assert.Null(await store.ResolveTagAsync(App, T("v2"), CancellationToken.None));
        RepositorySnapshot snapshot = (await store.ReadAsync(App, RepositoryQuery.For([T("v1")], []), CancellationToken.None))!;
        StoredImage image = Assert.Single(snapshot.Images);
        Assert.Equal((a.Digest, "v1", 1L), (image.Digest, string.Join(",", image.Tags), snapshot.ImageCount));
        Assert.True(image.Image.Manifest.Span.SequenceEqual(a.Manifest.Span));
        Assert.Equal((a.MediaType, a.SizeInBytes, a.PushedAt), (image.Image.MediaType, image.Image.SizeInBytes, image.Image.PushedAt));
        Assert.Equal("dropped 0: #0 Created v1 ci", await HistoryAsync(store));
    }

    [Fact]
    public async Task A_tag_expected_unbound_that_another_write_bound_conflicts_and_nothing_is_applied()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store, TagMutabilityPolicy.Immutable);
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(Push(repo, a, "v1"), CancellationToken.None));

        Assert.Equal(StoreCommitOutcome.Conflict, await store.CommitAsync(Push(repo, b, "v1"), CancellationToken.None));

        Assert.Equal(a.Digest, await store.ResolveTagAsync(App, T("v1"), CancellationToken.None));
        Assert.Empty((await store.ReadAsync(App, RepositoryQuery.For([], [b.Digest]), CancellationToken.None))!.Images);
        Assert.Equal("dropped 0: #0 Created v1 ci", await HistoryAsync(store));
    }

    [Fact]
    public async Task A_move_from_a_digest_the_tag_no_longer_names_conflicts()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store);
        NewImage a = Image("a");
        NewImage b = Image("b");
        NewImage c = Image("c");
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(Push(repo, a, "latest"), CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(Push(repo, b, "latest", from: a), CancellationToken.None));

        Assert.Equal(StoreCommitOutcome.Conflict, await store.CommitAsync(Push(repo, c, "latest", from: a), CancellationToken.None));

        Assert.Equal(b.Digest, await store.ResolveTagAsync(App, T("latest"), CancellationToken.None));
        RepositorySnapshot all = (await store.ReadAsync(App, RepositoryQuery.All, CancellationToken.None))!;
        Assert.Equal([(a.Digest, ""), (b.Digest, "latest")], all.Images.Select(i => (i.Digest, string.Join(",", i.Tags))));
        Assert.Equal("dropped 0: #0 Created latest ci; #1 Moved latest ci", await HistoryAsync(store));
    }

    [Fact]
    public async Task A_write_that_depends_on_the_policy_conflicts_once_the_policy_changed()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store);
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(Push(repo, a, "latest"), CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(new RepositoryChange(repo, Now) { NewPolicy = TagMutabilityPolicy.Immutable }, CancellationToken.None));

        Assert.Equal(StoreCommitOutcome.Conflict, await store.CommitAsync(Push(repo, b, "latest", from: a), CancellationToken.None));

        StoredRepository now = (await store.GetRepositoryAsync(App, CancellationToken.None))!;
        Assert.Equal((TagMutabilityPolicy.Immutable, 1L), (now.Policy, now.PolicyVersion));
        Assert.Equal(a.Digest, await store.ResolveTagAsync(App, T("latest"), CancellationToken.None));
    }

    [Fact]
    public async Task Tags_added_to_an_image_since_the_read_make_the_write_conflict()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store);
        NewImage a = Image("a");
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(Push(repo, a, "one"), CancellationToken.None));
        RepositoryChange TagWith(string tag) => new(repo, Now)
        {
            Actor = "ci",
            DependsOnPolicy = true,
            ImageExpectations = [ImageExpectation.Present(a.Digest, [T("one")], [])],
            TagChanges = [new TagChange(T(tag), null, a.Digest)],
            Events = [Event(TagEventKind.Created, tag, null, a)],
        };

        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(TagWith("two"), CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Conflict, await store.CommitAsync(TagWith("three"), CancellationToken.None));

        RepositorySnapshot snapshot = (await store.ReadAsync(App, RepositoryQuery.For([], [a.Digest]), CancellationToken.None))!;
        Assert.Equal(["one", "two"], snapshot.Images.Single().Tags.Select(t => t.Value));
    }

    [Fact]
    public async Task Removing_an_image_with_its_tags_records_one_removal_per_tag_in_ordinal_order()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store);
        NewImage a = Image("a");
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(Push(repo, a, "b"), CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(
            new RepositoryChange(repo, Now)
            {
                Actor = "ci",
                ImageExpectations = [ImageExpectation.Present(a.Digest, [T("b")], [])],
                TagChanges = [new TagChange(T("a"), null, a.Digest)],
                Events = [Event(TagEventKind.Created, "a", null, a)],
            },
            CancellationToken.None));

        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(
            new RepositoryChange(repo, Now)
            {
                Actor = "ops",
                ImageExpectations = [ImageExpectation.Present(a.Digest, [T("b"), T("a")], [])],
                TagChanges = [new TagChange(T("b"), a.Digest, null), new TagChange(T("a"), a.Digest, null)],
                RemovedImages = [a.Digest],
                Events = [Event(TagEventKind.Removed, "a", a, null, "ops"), Event(TagEventKind.Removed, "b", a, null, "ops")],
            },
            CancellationToken.None));

        RepositorySnapshot all = (await store.ReadAsync(App, RepositoryQuery.All, CancellationToken.None))!;
        Assert.Equal((0L, 0), (all.ImageCount, all.Images.Length));
        Assert.Equal("dropped 0: #0 Created b ci; #1 Created a ci; #2 Removed a ops; #3 Removed b ops", await HistoryAsync(store));
    }

    [Fact]
    public async Task An_index_is_added_only_with_its_children_and_its_children_are_kept_while_it_exists()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store);
        NewImage child = Image("child");
        NewImage index = Index("index", "child");

        Assert.Equal(StoreCommitOutcome.Conflict, await store.CommitAsync(new RepositoryChange(repo, Now) { AddedImages = [index] }, CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(new RepositoryChange(repo, Now) { AddedImages = [child] }, CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(new RepositoryChange(repo, Now) { AddedImages = [index] }, CancellationToken.None));

        RepositorySnapshot snapshot = (await store.ReadAsync(App, RepositoryQuery.For([], [child.Digest]), CancellationToken.None))!;
        Assert.Equal(new[] { index.Digest }, snapshot.Images.Single().ReferencedBy.ToArray());

        // A removal decided as if nothing referenced the child conflicts.
        Assert.Equal(StoreCommitOutcome.Conflict, await store.CommitAsync(
            new RepositoryChange(repo, Now) { ImageExpectations = [ImageExpectation.Present(child.Digest, [], [])], RemovedImages = [child.Digest] },
            CancellationToken.None));
        Assert.Equal(2L, (await store.ReadAsync(App, RepositoryQuery.None, CancellationToken.None))!.ImageCount);
    }

    [Fact]
    public async Task An_index_and_the_images_it_references_can_be_removed_together_whatever_their_order()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store);
        NewImage child = Image("child");
        NewImage index = Index("index", "child");
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(new RepositoryChange(repo, Now) { AddedImages = [child] }, CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(new RepositoryChange(repo, Now) { AddedImages = [index] }, CancellationToken.None));

        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(
            new RepositoryChange(repo, Now)
            {
                ImageExpectations = [ImageExpectation.Present(child.Digest, [], [index.Digest]), ImageExpectation.Present(index.Digest, [], [])],
                RemovedImages = [child.Digest, index.Digest],
            },
            CancellationToken.None));
        Assert.Equal(0L, (await store.ReadAsync(App, RepositoryQuery.None, CancellationToken.None))!.ImageCount);
    }

    [Fact]
    public async Task The_image_limit_is_checked_at_commit()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store);
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(new RepositoryChange(repo, Now) { AddedImages = [Image("a")], MaxImages = 1 }, CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Conflict, await store.CommitAsync(new RepositoryChange(repo, Now) { AddedImages = [Image("b")], MaxImages = 1 }, CancellationToken.None));
        Assert.Equal(1L, (await store.ReadAsync(App, RepositoryQuery.None, CancellationToken.None))!.ImageCount);
    }

    [Fact]
    public async Task A_rejection_is_recorded_only_while_the_tag_still_names_the_digest_under_an_immutable_policy()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store, TagMutabilityPolicy.Immutable);
        NewImage a = Image("a");
        NewImage b = Image("b");
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(Push(repo, a, "v1"), CancellationToken.None));
        RepositoryChange Reject(NewImage existing) => new(repo, Now)
        {
            Actor = "bob",
            DependsOnPolicy = true,
            TagChanges = [new TagChange(T("v1"), existing.Digest, existing.Digest)],
            Events = [Event(TagEventKind.Rejected, "v1", existing, b, "bob")],
        };

        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(Reject(a), CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Conflict, await store.CommitAsync(Reject(b), CancellationToken.None));
        Assert.Equal("dropped 0: #0 Created v1 ci; #1 Rejected v1 bob", await HistoryAsync(store));
    }

    [Fact]
    public async Task The_history_keeps_the_latest_events_and_counts_the_dropped_ones()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store);
        NewImage? previous = null;
        for (int i = 0; i < 5; i++)
        {
            NewImage image = Image("i" + i);
            RepositoryChange push = Push(repo, image, "latest", from: previous);
            Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(
                new RepositoryChange(repo, Now)
                {
                    Actor = "ci",
                    DependsOnPolicy = true,
                    ImageExpectations = push.ImageExpectations,
                    AddedImages = push.AddedImages,
                    TagChanges = push.TagChanges,
                    Events = push.Events,
                    MaxHistoryEvents = 3,
                },
                CancellationToken.None));
            previous = image;
        }

        Assert.Equal("dropped 2: #2 Moved latest ci; #3 Moved latest ci; #4 Moved latest ci", await HistoryAsync(store));
        Assert.Equal("dropped 3: #3 Moved latest ci; #4 Moved latest ci", await HistoryAsync(store, max: 2));
    }

    [Fact]
    public async Task Deleting_a_repository_needs_the_same_incarnation_and_when_asked_no_images()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store);
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(Push(repo, Image("a"), "v1"), CancellationToken.None));

        Assert.Equal(StoreCommitOutcome.Conflict, await store.DeleteRepositoryAsync(repo, onlyIfEmpty: true, CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Committed, await store.DeleteRepositoryAsync(repo, onlyIfEmpty: false, CancellationToken.None));
        Assert.Null(await store.GetRepositoryAsync(App, CancellationToken.None));

        StoredRepository again = await CreateAsync(store);
        Assert.NotEqual(repo.Key, again.Key);
        Assert.Equal(StoreCommitOutcome.Conflict, await store.DeleteRepositoryAsync(repo, onlyIfEmpty: false, CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Conflict, await store.CommitAsync(Push(repo, Image("b"), "v1"), CancellationToken.None));
        Assert.Equal("dropped 0: ", await HistoryAsync(store));
        Assert.Null(await store.ResolveTagAsync(App, T("v1"), CancellationToken.None));
    }

    [Fact]
    public async Task Racing_pushes_of_different_digests_to_one_new_tag_have_exactly_one_winner()
    {
        RegistryStore store = await CreateStoreAsync();
        StoredRepository repo = await CreateAsync(store, TagMutabilityPolicy.Immutable);
        const int Racers = 8;
        for (int round = 0; round < 10; round++)
        {
            NewImage[] images = [.. Enumerable.Range(0, Racers).Select(i => Image($"{round}/{i}"))];
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task<StoreCommitOutcome>[] racers = [.. images.Select(image => Task.Run(async () =>
            {
                await start.Task;
                return await store.CommitAsync(Push(repo, image, "v" + round), CancellationToken.None);
            }))];
            start.SetResult();
            StoreCommitOutcome[] outcomes = await Task.WhenAll(racers);

            Assert.Equal(1, outcomes.Count(o => o == StoreCommitOutcome.Committed));
            Assert.Equal(images[Array.IndexOf(outcomes, StoreCommitOutcome.Committed)].Digest, await store.ResolveTagAsync(App, T("v" + round), CancellationToken.None));
        }

        Assert.Equal(10L, (await store.ReadAsync(App, RepositoryQuery.None, CancellationToken.None))!.ImageCount);
    }
}
