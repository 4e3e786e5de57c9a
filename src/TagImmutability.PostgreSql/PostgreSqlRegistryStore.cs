using System.Collections.Immutable;
using Npgsql;
using TagImmutability.Storage;

namespace TagImmutability.PostgreSql;

/// <summary>
/// A <see cref="RegistryStore"/> in PostgreSQL, which many registry nodes can share: each node is a
/// <see cref="Registry"/> over its own <see cref="PostgreSqlRegistryStore"/>, and they all see and keep one truth.
/// </summary>
/// <remarks>
/// <para>
/// <b>Where immutability is enforced.</b> Each node decides a write on what it read, and commits it as one transaction
/// whose every precondition is checked by the database (<c>INSERT ... ON CONFLICT DO NOTHING</c> for "only if
/// unbound", <c>UPDATE ... WHERE digest = E</c> for "only if still bound to E"), so a decision taken on a stale read
/// cannot win. Beneath that, triggers and constraints refuse any statement, from any client, that would move an
/// immutable tag, change an image or forge history (<c>Schema/0001_initial.sql</c>; <c>docs/scaling.md</c>).
/// </para>
/// <para>
/// <b>Failures.</b> A database that cannot be reached makes every call fail with <see cref="NpgsqlException"/>: writes
/// fail closed, nothing is half applied (each write is one transaction; a node killed mid-write leaves its transaction
/// to be rolled back by the server).
/// </para>
/// <para><b>Thread safety:</b> safe to use from many threads at once (a pooled <see cref="NpgsqlDataSource"/>).</para>
/// </remarks>
public sealed class PostgreSqlRegistryStore : RegistryStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly GrammarProfile _grammar;

    private PostgreSqlRegistryStore(NpgsqlDataSource dataSource, string schemaName, GrammarProfile grammar)
    {
        _dataSource = dataSource;
        SchemaName = schemaName;
        _grammar = grammar;
    }

    /// <summary>The schema holding the registry's tables.</summary>
    public string SchemaName { get; }

    /// <summary>
    /// Connects to the database, brings the schema up to date (<see cref="PostgreSqlSchema.MigrateAsync"/>, unless
    /// <paramref name="migrate"/> is <see langword="false"/>), and checks that the registry id and region stored in the
    /// schema are <paramref name="registry"/>'s, storing them when the schema is new: all nodes of one registry must
    /// agree on its identity.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string (its <c>Search Path</c> is replaced by <paramref name="schemaName"/>).</param>
    /// <param name="registry">The registry's options: its id and region are checked against the schema's; its grammar profile reads tags back.</param>
    /// <param name="schemaName">The schema, see <see cref="PostgreSqlSchema.IsValidSchemaName"/>.</param>
    /// <param name="migrate">Whether to apply missing migrations; when <see langword="false"/>, a schema that is not at <see cref="PostgreSqlSchema.LatestVersion"/> is refused.</param>
    /// <param name="cancellationToken">Cancels the opening.</param>
    /// <returns>The store; dispose it to close its connections.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="connectionString"/> or <paramref name="registry"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="schemaName"/> is not a valid schema name, or the connection string is malformed.</exception>
    /// <exception cref="PostgreSqlSchemaException">The schema is newer than this node, differs from the shipped migrations, is not migrated (with <paramref name="migrate"/> off), or belongs to another registry id or region.</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public static async Task<PostgreSqlRegistryStore> OpenAsync(
        string connectionString,
        RegistryOptions registry,
        string schemaName = PostgreSqlSchema.DefaultSchemaName,
        bool migrate = true,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentNullException.ThrowIfNull(registry);
        PostgreSqlSchema.Quote(schemaName);
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schemaName };
        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            if (migrate)
            {
                await PostgreSqlSchema.MigrateAsync(dataSource, schemaName, cancellationToken).ConfigureAwait(false);
            }
            else if (await PostgreSqlSchema.GetVersionAsync(dataSource, schemaName, cancellationToken).ConfigureAwait(false) is var version && version != PostgreSqlSchema.LatestVersion)
            {
                throw new PostgreSqlSchemaException($"schema '{schemaName}' is at version {version}, and this node needs {PostgreSqlSchema.LatestVersion}: migrate it first");
            }

            await CheckSettingsAsync(dataSource, schemaName, registry, cancellationToken).ConfigureAwait(false);
            return new PostgreSqlRegistryStore(dataSource, schemaName, registry.Grammar);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<StoredRepository?> CreateRepositoryAsync(RepositoryName name, TagMutabilityPolicy policy, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        await using NpgsqlCommand command = _dataSource.CreateCommand(
            "INSERT INTO repositories (name, created_at, image_tag_mutability, exclusion_filters) VALUES ($1, $2, $3, $4) " +
            "ON CONFLICT (name) DO NOTHING RETURNING repository_id");
        command.Parameters.Add(new NpgsqlParameter { Value = name.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = createdAt.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter { Value = TagMutabilityPolicy.EcrName(policy.Mode) });
        command.Parameters.Add(new NpgsqlParameter { Value = policy.Filters.Select(f => f.Pattern).ToArray() });
        object? key = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return key is long id ? new StoredRepository(id, name, TruncateToMicroseconds(createdAt), policy, 0) : null;
    }

    /// <inheritdoc/>
    public override async ValueTask<StoredRepository?> GetRepositoryAsync(RepositoryName name, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = _dataSource.CreateCommand(
            "SELECT repository_id, name, created_at, image_tag_mutability, exclusion_filters, policy_version FROM repositories WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = name.Value });
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Repository(reader, 0) : null;
    }

    /// <inheritdoc/>
    public override async ValueTask<ImmutableArray<StoredRepository>> ListRepositoriesAsync(CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = _dataSource.CreateCommand(
            "SELECT repository_id, name, created_at, image_tag_mutability, exclusion_filters, policy_version FROM repositories ORDER BY name");
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = ImmutableArray.CreateBuilder<StoredRepository>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(Repository(reader, 0));
        }

        return list.ToImmutable();
    }

    /// <inheritdoc/>
    public override async ValueTask<StoreCommitOutcome> DeleteRepositoryAsync(StoredRepository repository, bool onlyIfEmpty, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command("SELECT lock_repository($1, NULL)", repository.Key));
        batch.BatchCommands.Add(Command(
            "SELECT expect(NOT $2 OR (SELECT image_count FROM repositories WHERE repository_id = $1) = 0, 'the repository holds images')",
            repository.Key,
            onlyIfEmpty));
        batch.BatchCommands.Add(Command("DELETE FROM repositories WHERE repository_id = $1", repository.Key));
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return StoreCommitOutcome.Committed;
        }
        catch (PostgresException error) when (ChangeBatch.IsConflict(error))
        {
            return StoreCommitOutcome.Conflict;
        }
    }

    /// <inheritdoc/>
    public override async ValueTask<Digest?> ResolveTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = _dataSource.CreateCommand(Queries.ResolveTag);
        command.Parameters.Add(new NpgsqlParameter { Value = repository.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = tag.Value });
        object? digest = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return digest is string text ? Digest.Parse(text) : null;
    }

    /// <inheritdoc/>
    public override async ValueTask<RepositorySnapshot?> ReadAsync(RepositoryName repository, RepositoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using NpgsqlCommand command = _dataSource.CreateCommand(Queries.ReadRepository);
        command.Parameters.Add(new NpgsqlParameter { Value = repository.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = query.Tags.Select(t => t.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = query.Digests.Select(d => d.ToString()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = query.AllImages });
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        StoredRepository? stored = null;
        long count = 0;
        var images = ImmutableArray.CreateBuilder<StoredImage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (stored is null)
            {
                stored = Repository(reader, 0);
                count = reader.GetInt64(6);
            }

            if (!reader.IsDBNull(7))
            {
                images.Add(Image(reader, 7));
            }
        }

        return stored is null ? null : new RepositorySnapshot(stored, count, images.ToImmutable(), query.AllImages);
    }

    /// <inheritdoc/>
    public override async ValueTask<StoredHistory?> ReadHistoryAsync(RepositoryName repository, int maxEvents, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        await using NpgsqlCommand command = _dataSource.CreateCommand(Queries.ReadHistory);
        command.Parameters.Add(new NpgsqlParameter { Value = repository.Value });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)maxEvents });
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        long? next = null;
        var events = ImmutableArray.CreateBuilder<TagEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            next ??= reader.GetInt64(0);
            if (!reader.IsDBNull(1))
            {
                events.Add(new TagEvent(
                    reader.GetInt64(1),
                    new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero),
                    repository,
                    Tag.Parse(reader.GetString(3), _grammar),
                    reader.GetString(4) switch
                    {
                        "CREATED" => TagEventKind.Created,
                        "MOVED" => TagEventKind.Moved,
                        "REMOVED" => TagEventKind.Removed,
                        _ => TagEventKind.Rejected,
                    },
                    reader.IsDBNull(5) ? null : Digest.Parse(reader.GetString(5)),
                    reader.IsDBNull(6) ? null : Digest.Parse(reader.GetString(6)),
                    reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }

        return next is not { } nextSequence ? null : new StoredHistory(events.ToImmutable(), events.Count > 0 ? events[0].Sequence : nextSequence);
    }

    /// <inheritdoc/>
    public override async ValueTask<StoreCommitOutcome> CommitAsync(RepositoryChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ChangeBatch.CommitAsync(connection, change, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the store's connections.</summary>
    /// <returns>A task that completes when they are closed.</returns>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    // PostgreSQL keeps microseconds; the value returned at creation must equal the one read back later.
    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value)
    {
        DateTimeOffset utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    private static async Task CheckSettingsAsync(NpgsqlDataSource dataSource, string schemaName, RegistryOptions registry, CancellationToken cancellationToken)
    {
        await using NpgsqlBatch batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command("INSERT INTO settings (name, value) VALUES ('registry_id', $1), ('region', $2) ON CONFLICT (name) DO NOTHING", registry.RegistryId, registry.Region));
        batch.BatchCommands.Add(Command("SELECT name, value FROM settings WHERE name IN ('registry_id', 'region') ORDER BY name"));
        await using NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stored[reader.GetString(0)] = reader.GetString(1);
        }

        if (stored.GetValueOrDefault("registry_id") != registry.RegistryId || stored.GetValueOrDefault("region") != registry.Region)
        {
            throw new PostgreSqlSchemaException(
                $"schema '{schemaName}' holds registry {stored.GetValueOrDefault("registry_id")} in {stored.GetValueOrDefault("region")}, but this node is registry {registry.RegistryId} in {registry.Region}: nodes of one registry must agree on its identity");
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (object value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    // Columns from `first`: repository_id, name, created_at, image_tag_mutability, exclusion_filters, policy_version.
    private StoredRepository Repository(NpgsqlDataReader reader, int first)
    {
        string mode = reader.GetString(first + 3);
        string[] filters = reader.GetFieldValue<string[]>(first + 4);
        var policy = TagMutabilityPolicy.Create(
            mode switch
            {
                "MUTABLE" => ImageTagMutability.Mutable,
                "IMMUTABLE" => ImageTagMutability.Immutable,
                "IMMUTABLE_WITH_EXCLUSION" => ImageTagMutability.ImmutableWithExclusion,
                _ => ImageTagMutability.MutableWithExclusion,
            },
            filters.Select(TagFilter.Parse));
        return new StoredRepository(
            reader.GetInt64(first),
            RepositoryName.Parse(reader.GetString(first + 1), _grammar),
            new DateTimeOffset(reader.GetDateTime(first + 2), TimeSpan.Zero),
            policy,
            reader.GetInt64(first + 5));
    }

    // Columns from `first`: digest, manifest, media_type, size_in_bytes, pushed_at, sequence, tags, referrers, children.
    private StoredImage Image(NpgsqlDataReader reader, int first)
    {
        var image = new NewImage(
            Digest.Parse(reader.GetString(first)),
            reader.GetFieldValue<byte[]>(first + 1),
            MediaType.Parse(reader.GetString(first + 2)),
            reader.GetInt64(first + 3),
            new DateTimeOffset(reader.GetDateTime(first + 4), TimeSpan.Zero),
            [.. reader.GetFieldValue<string[]>(first + 8).Select(Digest.Parse)]);
        return new StoredImage(
            image,
            reader.GetInt64(first + 5),
            [.. reader.GetFieldValue<string[]>(first + 6).Select(t => Tag.Parse(t, _grammar))],
            [.. reader.GetFieldValue<string[]>(first + 7).Select(Digest.Parse)]);
    }
}
