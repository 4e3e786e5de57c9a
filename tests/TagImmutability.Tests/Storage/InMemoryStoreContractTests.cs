using TagImmutability.Storage;

namespace TagImmutability.Tests.Storage;

/// <summary>The store contract (<see cref="RegistryStoreContract"/>), run against <see cref="InMemoryRegistryStore"/>.</summary>
public sealed class InMemoryStoreContractTests : RegistryStoreContract
{
    protected override Task<RegistryStore> CreateStoreAsync() => Task.FromResult<RegistryStore>(new InMemoryRegistryStore());
}
