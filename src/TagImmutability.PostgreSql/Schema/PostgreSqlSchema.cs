using System.Collections.Immutable;
using System.Globalization;
using System.Buffers.Binary;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace TagImmutability.PostgreSql;

/// <summary>
/// The registry's schema in PostgreSQL: its migrations (shipped in this assembly) and the migrator that applies them,
/// idempotently and safely when several nodes start at once.
/// </summary>
/// <remarks>
/// <para>
/// Every registry lives in one PostgreSQL schema (<see cref="DefaultSchemaName"/> unless chosen), so one database can
/// hold several registries, and tests can isolate themselves cheaply. The schema's tables, triggers and functions are
/// described in <c>docs/scaling.md</c>.
/// </para>
/// <para><b>Thread safety:</b> stateless; safe to call from several threads and several processes at once.</para>
/// </remarks>
public static class PostgreSqlSchema
{
    /// <summary>The schema a registry uses unless told otherwise: <c>tagimm</c>.</summary>
    public const string DefaultSchemaName = "tagimm";

    private const string ResourcePrefix = "TagImmutability.PostgreSql.Schema.";

    /// <summary>The migrations this assembly ships, in order: versions 1, 2, ... without gaps.</summary>
    public static ImmutableArray<PostgreSqlMigration> Migrations { get; } = LoadMigrations();

    /// <summary>The newest schema version this assembly knows: the last migration's <see cref="PostgreSqlMigration.Version"/>.</summary>
    public static int LatestVersion => Migrations[^1].Version;

    /// <summary>Whether <paramref name="name"/> can name a registry's schema: 1..63 characters of <c>[a-z0-9_]</c>, not starting with a digit.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidSchemaName(string? name) =>
        name is { Length: >= 1 and <= 63 }
        && name[0] is (>= 'a' and <= 'z') or '_'
        && !name.AsSpan().ContainsAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789_");

    /// <summary>
    /// Brings the schema to <see cref="LatestVersion"/>: creates it when missing and applies, in order and in one
    /// transaction, each migration not applied yet. Holds a transaction-scoped advisory lock on the schema's name while
    /// it works, so nodes that start together apply each migration exactly once; the later ones wait and find nothing
    /// to do. Running it again is a no-op.
    /// </summary>
    /// <param name="dataSource">Connections to the database; the role needs <c>CREATE</c> on it (or the schema must exist and be the role's).</param>
    /// <param name="schemaName">The schema, see <see cref="IsValidSchemaName"/>.</param>
    /// <param name="cancellationToken">Cancels the migration; nothing is applied then (the transaction rolls back).</param>
    /// <returns>The number of migrations applied by this call (0 when the schema was up to date).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="schemaName"/> is not a valid schema name.</exception>
    /// <exception cref="PostgreSqlSchemaException">
    /// The schema holds a migration newer than <see cref="LatestVersion"/> (a newer node migrated it), or an applied
    /// migration's checksum differs from the shipped one.
    /// </exception>
    /// <exception cref="NpgsqlException">The database cannot be reached or refuses a statement.</exception>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, string schemaName = DefaultSchemaName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        string schema = Quote(schemaName);
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", LockKey(schemaName))).ConfigureAwait(false);
        await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {schema}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"SET LOCAL search_path TO {schema}", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(
            connection,
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer PRIMARY KEY CHECK (version >= 1),
                name        text NOT NULL,
                checksum    text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """,
            cancellationToken).ConfigureAwait(false);

        Dictionary<int, string> applied = await ReadAppliedAsync(connection, cancellationToken).ConfigureAwait(false);
        Verify(schemaName, applied);
        int count = 0;
        foreach (PostgreSqlMigration migration in Migrations.Where(m => !applied.ContainsKey(m.Version)))
        {
            await ExecuteAsync(connection, migration.Sql, cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(
                connection,
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)",
                cancellationToken,
                ("version", migration.Version),
                ("name", migration.Name),
                ("checksum", migration.Checksum)).ConfigureAwait(false);
            count++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>The schema's version: the highest migration applied to it, or 0 when the schema or its migration table does not exist.</summary>
    /// <param name="dataSource">Connections to the database.</param>
    /// <param name="schemaName">The schema, see <see cref="IsValidSchemaName"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The version, 0 or more.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="dataSource"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="schemaName"/> is not a valid schema name.</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public static async Task<int> GetVersionAsync(NpgsqlDataSource dataSource, string schemaName = DefaultSchemaName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        string schema = Quote(schemaName);
        await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT to_regclass(@table) IS NOT NULL", connection);
        exists.Parameters.AddWithValue("table", schema + ".schema_migrations");
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return 0;
        }

        await using var max = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema}.schema_migrations", connection);
        return (int)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The schema's name as an SQL identifier, in double quotes.</summary>
    internal static string Quote(string schemaName) =>
        IsValidSchemaName(schemaName)
            ? "\"" + schemaName + "\""
            : throw new ArgumentException($"schema name '{schemaName}' is invalid: it must be 1..63 characters of [a-z0-9_], not starting with a digit", nameof(schemaName));

    // The advisory lock's key: a stable 64-bit hash of the schema's name, so that migrations of different schemas do
    // not wait for each other.
    private static long LockKey(string schemaName) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("tagimm.migrate:" + schemaName)));

    private static void Verify(string schemaName, Dictionary<int, string> applied)
    {
        foreach ((int version, string checksum) in applied.OrderBy(p => p.Key))
        {
            if (version > LatestVersion)
            {
                throw new PostgreSqlSchemaException(
                    $"schema '{schemaName}' is at version {applied.Keys.Max()}, newer than this node's {LatestVersion}: a newer node migrated it; upgrade this node");
            }

            PostgreSqlMigration shipped = Migrations[version - 1];
            if (!string.Equals(shipped.Checksum, checksum, StringComparison.Ordinal))
            {
                throw new PostgreSqlSchemaException(
                    $"schema '{schemaName}' has migration {shipped} applied with checksum {checksum}, but this node ships it with checksum {shipped.Checksum}: the schema was changed by hand or by another build");
            }
        }
    }

    private static async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied.Add(reader.GetInt32(0), reader.GetString(1));
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach ((string name, object value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static ImmutableArray<PostgreSqlMigration> LoadMigrations()
    {
        Assembly assembly = typeof(PostgreSqlSchema).Assembly;
        ImmutableArray<PostgreSqlMigration> migrations = [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                string file = n[ResourcePrefix.Length..^".sql".Length];
                int underscore = file.IndexOf('_', StringComparison.Ordinal);
                using Stream stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                string sql = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
                return new PostgreSqlMigration(int.Parse(file[..underscore], NumberStyles.None, CultureInfo.InvariantCulture), file[(underscore + 1)..], sql);
            })
            .OrderBy(m => m.Version)];
        for (int i = 0; i < migrations.Length; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"the shipped migrations are not numbered 1, 2, ... without gaps: {string.Join(", ", migrations)}");
            }
        }

        return migrations;
    }
}
