using TagImmutability.Tests.Registries.Model;

namespace TagImmutability.Tests.Registries;

/// <summary>
/// The oracles of the model-based and concurrency tests, fed states and histories that are wrong on purpose: each
/// check must fail on what it exists to catch, and pass on what is right.
/// </summary>
public sealed class OracleSelfTests
{
    private static readonly string I0 = ManifestPool.Entries[0].DigestText, I1 = ManifestPool.Entries[1].DigestText;
    private static readonly string Docker = ManifestPool.DockerManifest;

    private static Registry RegistryWithApp()
    {
        var registry = new Registry();
        registry.CreateRepository(RegistryDriver.Name("app"));
        return registry;
    }

    private static RegistryView View(string mode, ImageView[] images, (string, string)[] resolved, string[]? listed = null) =>
        new([new RepoView("app", mode, [], 0, images, resolved, listed ?? [.. images.SelectMany(i => i.Tags.Length == 0 ? [Outcomes.Id(i.Digest, null)] : i.Tags.Select(t => Outcomes.Id(i.Digest, t)))])]);

    private static ImageView Image(string digest, params string[] tags) => new(digest, tags, 1, 0, Docker);

    // --- Invariants.Check ---------------------------------------------------------------------------------------------

    [Fact]
    public void Invariants_accept_a_consistent_state() =>
        Assert.Null(Invariants.Check(RegistryWithApp(), View("MUTABLE", [Image(I0, "a"), Image(I1)], [("a", I0)])));

    [Fact]
    public void Invariants_catch_a_tag_on_two_images() =>
        Assert.Contains("two images", Invariants.Check(RegistryWithApp(), View("MUTABLE", [Image(I0, "a"), Image(I1, "a")], [("a", I0)])));

    [Fact]
    public void Invariants_catch_a_tag_naming_a_missing_image() =>
        Assert.Contains("does not exist", Invariants.Check(RegistryWithApp(), View("MUTABLE", [Image(I0)], [("a", I1)])));

    [Fact]
    public void Invariants_catch_an_image_tag_that_does_not_resolve() =>
        Assert.Contains("does not resolve", Invariants.Check(RegistryWithApp(), View("MUTABLE", [Image(I0, "a")], [])));

    [Fact]
    public void Invariants_catch_a_digest_twice() =>
        Assert.Contains("digest appears twice", Invariants.Check(RegistryWithApp(), View("MUTABLE", [Image(I0), Image(I0)], [])));

    [Fact]
    public void Invariants_catch_ListImages_disagreeing_with_DescribeImages() =>
        Assert.Contains("ListImages", Invariants.Check(RegistryWithApp(), View("MUTABLE", [Image(I0, "a")], [("a", I0)], ["{i0}"])));

    [Fact]
    public void Invariants_catch_an_index_without_its_children() =>
        Assert.Contains("references", Invariants.Check(RegistryWithApp(), View("MUTABLE", [Image(ManifestPool.Entries[4].DigestText), Image(I0)], [])));

    [Fact]
    public void History_check_accepts_a_replayable_history_and_catches_bindings_it_does_not_explain()
    {
        Registry registry = RegistryWithApp();
        Assert.Null(Invariants.CheckHistory(registry, View("MUTABLE", [], [])));
        Assert.Contains("replaying the history", Invariants.CheckHistory(registry, View("MUTABLE", [Image(I0, "a")], [("a", I0)])));
    }

    // --- Invariants.CheckTransition -----------------------------------------------------------------------------------

    [Fact]
    public void Transition_check_catches_an_immutable_tag_that_moved_even_through_a_successful_push() =>
        Assert.Contains("immutable tag a", Invariants.CheckTransition(
            View("IMMUTABLE", [Image(I0, "a")], [("a", I0)]),
            View("IMMUTABLE", [Image(I0), Image(I1, "a")], [("a", I1)]),
            new Push("app", 1, "a", DigestArgument.None),
            "ok i1[a]"));

    [Fact]
    public void Transition_check_accepts_a_mutable_tag_moved_by_a_push_of_it() =>
        Assert.Null(Invariants.CheckTransition(
            View("MUTABLE", [Image(I0, "a")], [("a", I0)]),
            View("MUTABLE", [Image(I0), Image(I1, "a")], [("a", I1)]),
            new Push("app", 1, "a", DigestArgument.None),
            "ok i1[a]"));

    [Fact]
    public void Transition_check_catches_a_tag_moved_by_something_else() =>
        Assert.Contains("without a PutImage", Invariants.CheckTransition(
            View("MUTABLE", [Image(I0, "a")], [("a", I0)]),
            View("MUTABLE", [Image(I0), Image(I1, "a")], [("a", I1)]),
            new Push("app", 1, "b", DigestArgument.None),
            "ok i1[b]"));

    [Fact]
    public void Transition_check_catches_a_tag_that_vanished_without_a_delete() =>
        Assert.Contains("vanished", Invariants.CheckTransition(
            View("MUTABLE", [Image(I0, "a")], [("a", I0)]),
            View("MUTABLE", [Image(I0)], []),
            new Push("app", 1, null, DigestArgument.None),
            "ok i1[]"));

    [Fact]
    public void Transition_check_catches_a_repository_that_vanished_without_DeleteRepository() =>
        Assert.Contains("vanished", Invariants.CheckTransition(
            View("MUTABLE", [], []),
            new RegistryView([]),
            new DeleteRepo("app", Force: true),
            "throws RepositoryNotEmptyException"));

    // --- LinearizabilityChecker ---------------------------------------------------------------------------------------

    private static ReferenceRegistry ModelWithApp(ImageTagMutability mode)
    {
        var model = new ReferenceRegistry(Limits.Ecr);
        model.Apply(new CreateRepo("app", mode, []));
        return model;
    }

    private static List<HistoryOp> Thread(int thread, params (Step Step, string Outcome, long Invoke, long Response)[] ops) =>
        [.. ops.Select((o, i) => new HistoryOp(thread, i, o.Step, o.Outcome, o.Invoke, o.Response))];

    [Fact]
    public void Linearizability_rejects_two_sequential_successful_pushes_to_one_immutable_tag() =>
        Assert.NotNull(new LinearizabilityChecker([
            Thread(0, (new Push("app", 0, "a", DigestArgument.None), "ok i0[a]", 1, 2)),
            Thread(1, (new Push("app", 1, "a", DigestArgument.None), "ok i1[a]", 3, 4)),
        ]).Check(ModelWithApp(ImageTagMutability.Immutable)));

    [Fact]
    public void Linearizability_rejects_a_read_that_misses_a_completed_write() =>
        Assert.NotNull(new LinearizabilityChecker([
            Thread(0, (new Push("app", 0, "a", DigestArgument.None), "ok i0[a]", 1, 2)),
            Thread(1, (new Resolve("app", "a"), "ok none", 3, 4)),
        ]).Check(ModelWithApp(ImageTagMutability.Mutable)));

    [Fact]
    public void Linearizability_accepts_a_read_overlapping_the_write_that_it_misses() =>
        Assert.Null(new LinearizabilityChecker([
            Thread(0, (new Push("app", 0, "a", DigestArgument.None), "ok i0[a]", 1, 4)),
            Thread(1, (new Resolve("app", "a"), "ok none", 2, 3)),
        ]).Check(ModelWithApp(ImageTagMutability.Mutable)));

    [Fact]
    public void Linearizability_accepts_a_loser_that_overlaps_the_winner_and_orders_them()
    {
        // The loser returned first, yet must be placed after the winner: only the overlap allows it.
        Assert.Null(new LinearizabilityChecker([
            Thread(0, (new Push("app", 0, "a", DigestArgument.None), "ok i0[a]", 1, 4)),
            Thread(1, (new Push("app", 1, "a", DigestArgument.None), "throws ImageTagAlreadyExistsException", 2, 3)),
        ]).Check(ModelWithApp(ImageTagMutability.Immutable)));
        Assert.NotNull(new LinearizabilityChecker([
            Thread(0, (new Push("app", 0, "a", DigestArgument.None), "ok i0[a]", 3, 4)),
            Thread(1, (new Push("app", 1, "a", DigestArgument.None), "throws ImageTagAlreadyExistsException", 1, 2)),
        ]).Check(ModelWithApp(ImageTagMutability.Immutable)));
    }

    [Fact]
    public void Linearizability_rejects_a_final_state_no_order_produces() =>
        Assert.NotNull(new LinearizabilityChecker([
            Thread(0, (new Push("app", 0, "a", DigestArgument.None), "ok i0[a]", 1, 2)),
            Thread(1, (new Snapshot(), "repo app:MUTABLE@0\n  tags \n  list \n", 3, 4)),
        ]).Check(ModelWithApp(ImageTagMutability.Mutable)));

    // --- the concurrency test's reader checks -------------------------------------------------------------------------

    [Fact]
    public void Reader_check_catches_a_digest_never_pushed_to_the_tag() =>
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => RegistryConcurrencyTests.CheckReaders(
            [Thread(0, (new Push("app", 0, "a", DigestArgument.None), "ok i0[a]", 1, 2)), Thread(1, (new Resolve("app", "a"), "ok i1", 3, 4))],
            null,
            "self-test"));

    [Fact]
    public void Reader_check_catches_an_immutable_tag_changing_without_a_delete() =>
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => RegistryConcurrencyTests.CheckReaders(
            [
                Thread(0, (new Push("app", 0, "a", DigestArgument.None), "ok i0[a]", 1, 2), (new Push("app", 1, "a", DigestArgument.None), "ok i1[a]", 5, 6)),
                Thread(1, (new Resolve("app", "a"), "ok i0", 3, 4), (new Resolve("app", "a"), "ok i1", 7, 8)),
            ],
            new CreateRepo("app", ImageTagMutability.Immutable, []),
            "self-test"));

    [Fact]
    public void Reader_check_accepts_an_immutable_tag_changing_after_a_delete_of_it() =>
        RegistryConcurrencyTests.CheckReaders(
            [
                Thread(0, (new Push("app", 0, "a", DigestArgument.None), "ok i0[a]", 1, 2), (new DeleteImages("app", [new IdSpec(null, "a")]), "ok deleted=[{i0:a}] failures=[]", 5, 6), (new Push("app", 1, "a", DigestArgument.None), "ok i1[a]", 7, 8)),
                Thread(1, (new Resolve("app", "a"), "ok i0", 3, 4), (new Resolve("app", "a"), "ok i1", 9, 10)),
            ],
            new CreateRepo("app", ImageTagMutability.Immutable, []),
            "self-test");
}
