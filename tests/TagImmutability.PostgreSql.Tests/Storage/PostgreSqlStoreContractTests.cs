using TagImmutability.PostgreSql.Tests.Infrastructure;
using TagImmutability.Storage;
using TagImmutability.Tests.Storage;

namespace TagImmutability.PostgreSql.Tests.Storage;

/// <summary>The store contract (<see cref="RegistryStoreContract"/>), run against <see cref="PostgreSqlRegistryStore"/> on a real server.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlStoreContractTests(PostgreSqlCluster cluster) : RegistryStoreContract, IAsyncLifetime
{
    private readonly List<PostgreSqlRegistryStore> _stores = [];

    protected override async Task<RegistryStore> CreateStoreAsync()
    {
        PostgreSqlRegistryStore store = await PostgreSqlRegistryStore.OpenAsync(cluster.AdminConnectionString, RegistryOptions.Default, PostgreSqlCluster.NewSchemaName("contract"));
        _stores.Add(store);
        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (PostgreSqlRegistryStore store in _stores)
        {
            await store.DisposeAsync();
        }
    }
}
