using TagImmutability.Tests.Registries;
using TagImmutability.Tests.Registries.Model;
using Xunit.Abstractions;

namespace TagImmutability.Tests.Storage;

/// <summary>The ECR rules, over an in-memory store driven through the read-and-commit contract (as over a shared store).</summary>
public sealed class EcrTagMutabilityOverStoreContractTests() : EcrTagMutabilityTests(RegistryFactory.InMemoryStoreContract);

/// <summary>The order of checks (Q11), over an in-memory store driven through the read-and-commit contract.</summary>
public sealed class CheckOrderOverStoreContractTests() : CheckOrderTests(RegistryFactory.InMemoryStoreContract);

/// <summary>
/// The model-based test and the linearizability check, over an in-memory store driven through the read-and-commit
/// contract: the registry's partial reads, its difference of states and the store's compare-and-swap agree with the
/// reference model, alone and under concurrency.
/// </summary>
public sealed class StoreContractRegistryTests(ITestOutputHelper output)
{
    [Property(MaxTest = 150, QuietOnSuccess = true)]
    public Property Registry_over_the_store_contract_agrees_with_the_reference_model_after_every_step() =>
        Prop.ForAll(StepGenerators.Scenarios, (Scenario scenario) => RegistryModelTests.Run(scenario, RegistryFactory.InMemoryStoreContract));

    [Theory]
    [MemberData(nameof(RegistryConcurrencyTests.Modes), MemberType = typeof(RegistryConcurrencyTests))]
    public void Concurrent_histories_over_the_store_contract_are_linearizable(ImageTagMutability mode, RegistryConcurrencyTests.Churn churn) =>
        output.WriteLine(RegistryConcurrencyTests.CheckLinearizable(mode, churn, RegistryFactory.InMemoryStoreContract, rounds: 8, maxReads: 800));
}

public sealed class ResolveOverStoreContractTests() : ResolveTests(RegistryFactory.InMemoryStoreContract);

public sealed class TaggingOverStoreContractTests() : TaggingTests(RegistryFactory.InMemoryStoreContract);
