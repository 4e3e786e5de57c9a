using TagImmutability.PostgreSql.Tests.Infrastructure;
using TagImmutability.Tests.Registries;
using TagImmutability.Tests.Registries.Model;
using Xunit.Abstractions;

namespace TagImmutability.PostgreSql.Tests.Registries;

/// <summary>Every ECR rule test of the core (EcrTagMutabilityTests), against a registry over PostgreSQL.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlEcrTagMutabilityTests : EcrTagMutabilityTests, IAsyncLifetime
{
    private readonly PostgreSqlRegistryFactory _factory;

    public PostgreSqlEcrTagMutabilityTests(PostgreSqlCluster cluster)
        : this(new PostgreSqlRegistryFactory(cluster))
    {
    }

    private PostgreSqlEcrTagMutabilityTests(PostgreSqlRegistryFactory factory)
        : base(factory) => _factory = factory;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}

/// <summary>The order of checks (decision Q11), against a registry over PostgreSQL.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlCheckOrderTests : CheckOrderTests, IAsyncLifetime
{
    private readonly PostgreSqlRegistryFactory _factory;

    public PostgreSqlCheckOrderTests(PostgreSqlCluster cluster)
        : this(new PostgreSqlRegistryFactory(cluster))
    {
    }

    private PostgreSqlCheckOrderTests(PostgreSqlRegistryFactory factory)
        : base(factory) => _factory = factory;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}

/// <summary>
/// The model-based test (RegistryModelTests) against a registry over PostgreSQL: random scenarios, the reference
/// model's outcome and whole state compared after every step.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlRegistryModelTests(PostgreSqlCluster cluster) : IAsyncLifetime
{
    private readonly PostgreSqlRegistryFactory _factory = new(cluster);

    [Property(MaxTest = 60, QuietOnSuccess = true)]
    public Property Registry_over_PostgreSQL_agrees_with_the_reference_model_after_every_step() =>
        Prop.ForAll(StepGenerators.Scenarios, (Scenario scenario) => RegistryModelTests.Run(scenario, _factory));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}

/// <summary>
/// The linearizability check (RegistryConcurrencyTests) against PostgreSQL with one node per thread: 3 writers, a reader
/// and the final snapshot each on a registry with its own store and connection pool over one schema, as 5 registry nodes
/// would be. Each history must be linearizable with respect to the reference model, and every node must end with the
/// same view.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlLinearizabilityTests(PostgreSqlCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly PostgreSqlRegistryFactory _factory = new(cluster);

    [Theory]
    [MemberData(nameof(RegistryConcurrencyTests.Modes), MemberType = typeof(RegistryConcurrencyTests))]
    public void Concurrent_histories_over_several_nodes_on_one_database_are_linearizable(ImageTagMutability mode, RegistryConcurrencyTests.Churn churn) =>
        output.WriteLine(RegistryConcurrencyTests.CheckLinearizable(mode, churn, _factory, rounds: 3, maxReads: 400));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}

/// <summary>
/// The reliability checker's short concurrent histories (TagImmutability.Tests/Concurrency/LinearizabilityTests: three
/// workers, histories split by repository, a Wing–Gong search against the reference model), against PostgreSQL.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class PostgreSqlShortHistoryTests(PostgreSqlCluster cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly PostgreSqlRegistryFactory _factory = new(cluster);

    [Fact]
    public void Short_concurrent_histories_over_PostgreSQL_are_linearizable()
    {
        int seed = Environment.TickCount;
        (string? violation, string summary) = TagImmutability.Tests.Concurrency.LinearizabilityTests.CheckHistories(_factory, seed, rounds: 150);
        output.WriteLine(summary);
        Assert.True(violation is null, violation);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}
