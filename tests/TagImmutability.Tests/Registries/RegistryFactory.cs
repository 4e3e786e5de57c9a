using TagImmutability.Storage;

namespace TagImmutability.Tests.Registries;

/// <summary>
/// How a test gets its registry, so that the same rules run against every store: the default in-memory registry, an
/// in-memory store driven through the read-and-commit contract, and (in TagImmutability.PostgreSql.Tests) PostgreSQL.
/// </summary>
public abstract class RegistryFactory
{
    /// <summary>The default registry: an in-memory store, decided under the repository's lock.</summary>
    public static RegistryFactory InMemory { get; } = new Delegate("in memory", options => new Registry(options));

    /// <summary>An in-memory store, but every write read, decided and committed as a compare-and-swap, as over a shared store.</summary>
    public static RegistryFactory InMemoryStoreContract { get; } =
        new Delegate("in-memory store through the read-and-commit contract", options => Registry.OverStoreContract(new InMemoryRegistryStore(options), options));

    /// <summary>What the factory builds, for test output.</summary>
    public abstract string Name { get; }

    /// <summary>A new, empty registry.</summary>
    public abstract Registry Create(RegistryOptions options);

    /// <summary>
    /// <paramref name="count"/> registries over one new, empty state: "nodes" of one registry. In memory they are one
    /// instance; over a shared store, separate instances with separate connections.
    /// </summary>
    public virtual Registry[] CreateNodes(RegistryOptions options, int count)
    {
        Registry registry = Create(options);
        return [.. Enumerable.Repeat(registry, count)];
    }

    public override string ToString() => Name;

    private sealed class Delegate(string name, Func<RegistryOptions, Registry> create) : RegistryFactory
    {
        public override string Name => name;

        public override Registry Create(RegistryOptions options) => create(options);
    }
}
