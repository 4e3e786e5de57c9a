using TagImmutability.Tests.Registries;

namespace TagImmutability.PostgreSql.Tests.Infrastructure;

/// <summary>
/// Registries over PostgreSQL for the core's rule tests: each registry (or each set of nodes) gets a schema of its own
/// in the test cluster; each node has its own <see cref="PostgreSqlRegistryStore"/>, so its own connection pool, as
/// separate processes would. The tests use one registry (or set) at a time, so only the latest few keep their
/// connections open: older ones are closed as new ones are made, and the server's connection limit is never reached.
/// </summary>
public sealed class PostgreSqlRegistryFactory(PostgreSqlCluster cluster) : RegistryFactory, IAsyncDisposable
{
    private const int LiveGroups = 4;
    private readonly List<PostgreSqlRegistryStore[]> _stores = [];

    public override string Name => "PostgreSQL";

    public override Registry Create(RegistryOptions options) => CreateNodes(options, 1)[0];

    public override Registry[] CreateNodes(RegistryOptions options, int count)
    {
        string schema = PostgreSqlCluster.NewSchemaName("registry");
        PostgreSqlRegistryStore[] stores = [.. Enumerable.Range(0, count)
            .Select(_ => PostgreSqlRegistryStore.OpenAsync(cluster.AdminConnectionString, options, schema).GetAwaiter().GetResult())];
        PostgreSqlRegistryStore[][] retired = [];
        lock (_stores)
        {
            _stores.Add(stores);
            if (_stores.Count > LiveGroups)
            {
                retired = [.. _stores.Take(_stores.Count - LiveGroups)];
                _stores.RemoveRange(0, retired.Length);
            }
        }

        foreach (PostgreSqlRegistryStore store in retired.SelectMany(g => g))
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return [.. stores.Select(store => new Registry(store, options))];
    }

    /// <summary>Closes the connections of every store made so far (their registries are then unusable).</summary>
    public async ValueTask DisposeAsync()
    {
        PostgreSqlRegistryStore[] stores;
        lock (_stores)
        {
            stores = [.. _stores.SelectMany(g => g)];
            _stores.Clear();
        }

        foreach (PostgreSqlRegistryStore store in stores)
        {
            await store.DisposeAsync();
        }
    }
}
