using Npgsql;

namespace TagImmutability.PostgreSql.Tests.Infrastructure;

/// <summary>Raw SQL against a test database, as a person with psql (or a node with a bug) would send it.</summary>
public sealed class Sql : IAsyncDisposable
{
    private Sql(NpgsqlDataSource dataSource, string schema)
    {
        DataSource = dataSource;
        Schema = schema;
    }

    public NpgsqlDataSource DataSource { get; }

    public string Schema { get; }

    /// <summary>A data source whose connections use <paramref name="schema"/> as their search path.</summary>
    public static Sql Open(string connectionString, string schema = PostgreSqlSchema.DefaultSchemaName)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        return new Sql(NpgsqlDataSource.Create(builder.ConnectionString), schema);
    }

    /// <summary>A database and schema of their own, migrated to the latest version.</summary>
    public static async Task<Sql> MigratedAsync(PostgreSqlCluster cluster, string purpose)
    {
        string schema = PostgreSqlCluster.NewSchemaName(purpose);
        Sql sql = Open(cluster.ConnectionString("postgres"), schema);
        await PostgreSqlSchema.MigrateAsync(sql.DataSource, schema);
        return sql;
    }

    public async Task<int> ExecuteAsync(string text, params object[] parameters)
    {
        await using NpgsqlCommand command = Command(text, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string text, params object[] parameters)
    {
        await using NpgsqlCommand command = Command(text, parameters);
        object? value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }

    public async Task<List<object?[]>> RowsAsync(string text, params object[] parameters)
    {
        await using NpgsqlCommand command = Command(text, parameters);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            object?[] row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Runs <paramref name="text"/> and returns the SQLSTATE it failed with, or null when it succeeded.</summary>
    public async Task<string?> SqlStateAsync(string text, params object[] parameters)
    {
        try
        {
            await ExecuteAsync(text, parameters);
            return null;
        }
        catch (PostgresException error)
        {
            return error.SqlState;
        }
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    private NpgsqlCommand Command(string text, object[] parameters)
    {
        NpgsqlCommand command = DataSource.CreateCommand(text);
        foreach (object parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
