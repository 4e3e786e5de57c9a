using TagImmutability.Storage;
using TagImmutability.Tests.Registries;
using static TagImmutability.Tests.Registries.RegistryTestExtensions;

namespace TagImmutability.Tests.Storage;

/// <summary>The default store: shared by the registries built over it, and bound to one registry identity.</summary>
public sealed class InMemoryRegistryStoreTests
{
    [Fact]
    public void A_registry_is_over_an_in_memory_store_by_default()
    {
        var registry = new Registry();
        InMemoryRegistryStore store = Assert.IsType<InMemoryRegistryStore>(registry.Store);
        Assert.Same(RegistryOptions.Default, store.Options);
    }

    [Fact]
    public void Registries_over_one_in_memory_store_see_each_others_writes()
    {
        var store = new InMemoryRegistryStore();
        var first = new Registry(store, RegistryOptions.Default);
        var second = new Registry(store, RegistryOptions.Default);
        first.CreateRepository(Name("app"), TagMutabilityPolicy.Immutable);
        ParsedManifest manifest = Registries.Manifests.Image("a", 1);
        second.Push("app", manifest, "v1");

        Assert.Equal(manifest.Digest, first.Resolve("app", "v1"));
        Assert.Throws<ImageTagAlreadyExistsException>(() => first.Push("app", Registries.Manifests.Image("b", 1), "v1"));
        Assert.Equal(2, second.GetHistory(Name("app")).Length);
    }

    [Fact]
    public void A_registry_refuses_an_in_memory_store_of_another_registry_id_or_region()
    {
        var store = new InMemoryRegistryStore(new RegistryOptions { RegistryId = "111111111111" });
        ArgumentException error = Assert.Throws<ArgumentException>(() => new Registry(store, RegistryOptions.Default));
        Assert.Equal("store", error.ParamName);
        Assert.Throws<ArgumentException>(() => new Registry(new InMemoryRegistryStore(new RegistryOptions { Region = "eu-west-1" }), RegistryOptions.Default));
        Assert.Throws<ArgumentNullException>(() => new Registry(null!, RegistryOptions.Default));
        Assert.Throws<ArgumentNullException>(() => new Registry(store, null!));
    }

    [Fact]
    public async Task The_store_contract_sees_what_the_fast_path_wrote_and_the_fast_path_sees_what_was_committed()
    {
        var store = new InMemoryRegistryStore();
        var registry = new Registry(store, RegistryOptions.Default);
        registry.CreateRepository(Name("app"));
        ParsedManifest a = Registries.Manifests.Image("a", 1);
        registry.Push("app", a, "latest");

        RepositorySnapshot snapshot = (await store.ReadAsync(Name("app"), RepositoryQuery.For([Tag.Parse("latest")], []), CancellationToken.None))!;
        Assert.Equal(a.Digest, Assert.Single(snapshot.Images).Digest);

        ParsedManifest b = Registries.Manifests.Image("b", 1);
        var move = new RepositoryChange(snapshot.Repository, DateTimeOffset.UtcNow)
        {
            DependsOnPolicy = true,
            ImageExpectations = [ImageExpectation.Present(a.Digest, [Tag.Parse("latest")], []), ImageExpectation.Absent(b.Digest)],
            AddedImages = [new NewImage(b.Digest, b.Content, b.MediaType, 1, DateTimeOffset.UtcNow, [])],
            TagChanges = [new TagChange(Tag.Parse("latest"), a.Digest, b.Digest)],
        };
        Assert.Equal(StoreCommitOutcome.Committed, await store.CommitAsync(move, CancellationToken.None));
        Assert.Equal(StoreCommitOutcome.Conflict, await store.CommitAsync(move, CancellationToken.None));

        Assert.Equal(b.Digest, registry.Resolve("app", "latest"));
        Assert.Equal(["", "latest"], registry.DescribeImages(Name("app")).Select(i => string.Join(",", i.Tags)));
    }
}
