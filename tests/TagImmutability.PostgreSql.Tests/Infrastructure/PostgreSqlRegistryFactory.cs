using TagImmutability.Tests.Registries;

namespace TagImmutability.PostgreSql.Tests.Infrastructure;

/// <summary>
/// Registries over PostgreSQL for the core's rule tests: each registry (or each set of nodes) gets a schema of its own
/// in the test cluster; each node has its own <see cref="PostgreSqlRegistryStore"/>, so its own connection pool, as
/// separate processes would.
/// </summary>
public sealed class PostgreSqlRegistryFactory(PostgreSqlCluster cluster) : RegistryFactory, IAsyncDisposable
{
    private readonly List<PostgreSqlRegistryStore> _stores = [];

    public override string Name => "PostgreSQL";

    public override Registry Create(RegistryOptions options) => CreateNodes(options, 1)[0];

    public override Registry[] CreateNodes(RegistryOptions options, int count)
    {
        string schema = PostgreSqlCluster.NewSchemaName("registry");
        var registries = new Registry[count];
        lock (_stores)
        {
            for (int i = 0; i < count; i++)
            {
                PostgreSqlRegistryStore store = PostgreSqlRegistryStore.OpenAsync(cluster.AdminConnectionString, options, schema).GetAwaiter().GetResult();
                _stores.Add(store);
                registries[i] = new Registry(store, options);
            }
        }

        return registries;
    }

    /// <summary>Closes the connections of every store made so far (their registries are then unusable).</summary>
    public async ValueTask DisposeAsync()
    {
        PostgreSqlRegistryStore[] stores;
        lock (_stores)
        {
            stores = [.. _stores];
            _stores.Clear();
        }

        foreach (PostgreSqlRegistryStore store in stores)
        {
            await store.DisposeAsync();
        }
    }
}
