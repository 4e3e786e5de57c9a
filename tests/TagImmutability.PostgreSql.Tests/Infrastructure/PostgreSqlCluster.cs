using Npgsql;

namespace TagImmutability.PostgreSql.Tests.Infrastructure;

/// <summary>
/// The test assembly's PostgreSQL server (<see cref="TemporaryPostgreSqlCluster"/>, durability off: these are
/// correctness tests), shared by every test class of <see cref="PostgreSqlCollection"/>; each test isolates itself in a
/// database or schema of its own. Never a mock: without the server binaries the fixture fails, with how to install them.
/// </summary>
public sealed class PostgreSqlCluster : IAsyncLifetime
{
    private static int _names;
    private TemporaryPostgreSqlCluster? _cluster;

    private TemporaryPostgreSqlCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

    /// <summary>The server's TCP port on 127.0.0.1.</summary>
    public int Port => Cluster.Port;

    /// <summary>The major version of the server, such as 15.</summary>
    public int MajorVersion => Cluster.MajorVersion;

    /// <summary>A connection string for the <c>postgres</c> database as the superuser <c>postgres</c>.</summary>
    public string AdminConnectionString => Cluster.AdminConnectionString;

    /// <summary>A connection string for <paramref name="database"/> as the superuser.</summary>
    public string ConnectionString(string database) => Cluster.ConnectionString(database);

    public Task InitializeAsync()
    {
        _cluster = TemporaryPostgreSqlCluster.Start(durable: false);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Creates an empty database of its own for one test and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose)
    {
        string name = "t" + NewSchemaName(purpose);
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>A fresh schema name, unique within the test run.</summary>
    public static string NewSchemaName(string purpose) =>
        $"s{Interlocked.Increment(ref _names)}_{new string([.. purpose.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(40)])}";
}

[CollectionDefinition(Name)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlCluster>
{
    public const string Name = "PostgreSQL";
}
