using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using TagImmutability.Storage;

namespace TagImmutability.PostgreSql;

/// <summary>
/// Applies a <see cref="RepositoryChange"/> as one transaction in one round trip: an <see cref="NpgsqlBatch"/> without an
/// explicit transaction, which PostgreSQL runs as one implicit transaction (every statement or none).
/// </summary>
/// <remarks>
/// <para>
/// <b>Compare-and-swap.</b> Every precondition of the node's decision is a statement that raises SQLSTATE TI409 when
/// it does not hold (the schema's <c>expect</c> function), which aborts the whole transaction: the node's decision,
/// taken on what it read, cannot win when what it read is no longer true. A tag binding is never written
/// unconditionally: "only if unbound" is <c>INSERT ... ON CONFLICT DO NOTHING</c> and "only if still bound to E" is
/// <c>UPDATE ... WHERE digest = E</c> (or <c>DELETE ... WHERE digest = E</c>), each followed by a check of the rows it
/// affected.
/// </para>
/// <para>
/// <b>Isolation.</b> READ COMMITTED. The first statement takes the repository's row lock (<c>lock_repository</c>,
/// which also checks the policy version), so the writes of the nodes to one repository apply one transaction at a
/// time, each against the latest committed state; conditional writes under READ COMMITTED re-check their condition on
/// the latest row version, so they are exact even against writers that do not take the lock (raw SQL). SERIALIZABLE
/// would add nothing the conditions do not already guarantee, and would abort transactions for read-write
/// dependencies the registry does not have.
/// </para>
/// </remarks>
internal static class ChangeBatch
{
    /// <summary>SQLSTATE of a failed precondition (the schema's <c>expect</c> and <c>lock_repository</c>).</summary>
    public const string ConflictState = "TI409";

    /// <summary>SQLSTATE of the database refusing to move an immutable tag.</summary>
    public const string ImmutableState = "TI001";

    /// <summary>Runs the change; <see cref="StoreCommitOutcome.Conflict"/> when a precondition failed (nothing applied).</summary>
    /// <exception cref="PostgresException">The database refused the change for another reason (a bug: the node wrote what the schema forbids).</exception>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public static async Task<StoreCommitOutcome> CommitAsync(NpgsqlConnection connection, RepositoryChange change, CancellationToken cancellationToken)
    {
        await using NpgsqlBatch batch = Build(connection, change);
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return StoreCommitOutcome.Committed;
        }
        catch (PostgresException error) when (IsConflict(error))
        {
            return StoreCommitOutcome.Conflict;
        }
    }

    /// <summary>
    /// Whether a database error means "the state changed under the decision": a failed precondition, a unique key
    /// taken meanwhile, or a deferred foreign key broken at commit by a concurrent writer that took no lock.
    /// </summary>
    public static bool IsConflict(PostgresException error) =>
        error.SqlState is ConflictState or PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation
            or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    internal static NpgsqlBatch Build(NpgsqlConnection connection, RepositoryChange change)
    {
        var batch = new NpgsqlBatch(connection);
        long id = change.Repository.Key;

        Add(
            batch,
            "SELECT set_config('tagimm.event_time', $1, true), set_config('tagimm.actor', $2, true), set_config('tagimm.removed_tags', '', true)",
            change.Timestamp.ToString("O", CultureInfo.InvariantCulture),
            change.Actor ?? string.Empty);
        Add(batch, "SELECT lock_repository($1, $2)", id, change.DependsOnPolicy ? change.Repository.PolicyVersion : null);

        foreach (ImageExpectation expectation in change.ImageExpectations)
        {
            AddExpectation(batch, id, expectation);
        }

        foreach (TagChange check in change.TagChanges.Where(c => c.IsCheck))
        {
            Add(
                batch,
                "SELECT expect((SELECT digest FROM tags WHERE repository_id = $1 AND tag = $2) IS NOT DISTINCT FROM $3::text, " +
                "format('tag %L no longer names %s', $2::text, coalesce($3::text, 'nothing')))",
                id,
                check.Tag.Value,
                check.Expected?.ToString());
        }

        // Tags are written in ordinal order, removals first, so the history events the triggers record come out in the
        // order the registry records them in memory.
        foreach (TagChange removal in change.TagChanges.Where(c => !c.IsCheck && c.New is null).OrderBy(c => c.Tag.Value, StringComparer.Ordinal))
        {
            Add(
                batch,
                "WITH d AS (DELETE FROM tags WHERE repository_id = $1 AND tag = $2 AND digest = $3 RETURNING 1) " +
                "SELECT expect(EXISTS (SELECT 1 FROM d), format('tag %L no longer names %s', $2::text, $3::text))",
                id,
                removal.Tag.Value,
                removal.Expected!.Value.ToString());
        }

        foreach (NewImage image in change.AddedImages)
        {
            Add(
                batch,
                "WITH i AS (INSERT INTO images (repository_id, digest, manifest, media_type, size_in_bytes, pushed_at) " +
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1) " +
                "SELECT expect(EXISTS (SELECT 1 FROM i), format('image %s exists already', $2::text))",
                id,
                image.Digest.ToString(),
                image.Manifest,
                image.MediaType.ToString(),
                image.SizeInBytes,
                image.PushedAt);
            string[] children = [.. image.ReferencedDigests.Select(d => d.ToString()).Distinct(StringComparer.Ordinal)];
            if (children.Length > 0)
            {
                Add(
                    batch,
                    "SELECT expect((SELECT count(*) FROM images WHERE repository_id = $1 AND digest = ANY ($2::text[])) = cardinality($2::text[]), " +
                    "format('a manifest index %s references is gone', $3::text))",
                    id,
                    children,
                    image.Digest.ToString());
                Add(
                    batch,
                    "INSERT INTO image_references (repository_id, index_digest, child_digest) SELECT $1, $2, c FROM unnest($3::text[]) AS c",
                    id,
                    image.Digest.ToString(),
                    children);
            }
        }

        foreach (TagChange binding in change.TagChanges.Where(c => !c.IsCheck && c.New is not null).OrderBy(c => c.Tag.Value, StringComparer.Ordinal))
        {
            if (binding.Expected is null)
            {
                Add(
                    batch,
                    "WITH b AS (INSERT INTO tags (repository_id, tag, digest) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1) " +
                    "SELECT expect(EXISTS (SELECT 1 FROM b), format('tag %L is no longer unbound', $2::text))",
                    id,
                    binding.Tag.Value,
                    binding.New!.Value.ToString());
            }
            else
            {
                Add(
                    batch,
                    "WITH m AS (UPDATE tags SET digest = $4 WHERE repository_id = $1 AND tag = $2 AND digest = $3 RETURNING 1) " +
                    "SELECT expect(EXISTS (SELECT 1 FROM m), format('tag %L no longer names %s', $2::text, $3::text))",
                    id,
                    binding.Tag.Value,
                    binding.Expected.Value.ToString(),
                    binding.New!.Value.ToString());
            }
        }

        foreach (Digest digest in change.RemovedImages)
        {
            Add(
                batch,
                "WITH d AS (DELETE FROM images WHERE repository_id = $1 AND digest = $2 RETURNING 1) " +
                "SELECT expect(EXISTS (SELECT 1 FROM d), format('image %s is gone', $2::text))",
                id,
                digest.ToString());
        }

        if (change.NewPolicy is { } policy)
        {
            Add(
                batch,
                "UPDATE repositories SET image_tag_mutability = $2, exclusion_filters = $3, policy_version = policy_version + 1 WHERE repository_id = $1",
                id,
                TagMutabilityPolicy.EcrName(policy.Mode),
                policy.Filters.Select(f => f.Pattern).ToArray());
        }

        if (change.MaxImages is { } max)
        {
            Add(
                batch,
                "SELECT expect((SELECT image_count FROM repositories WHERE repository_id = $1) <= $2, format('the repository would hold more than %s images', $2))",
                id,
                max);
        }

        foreach (TagEvent rejection in change.Events.Where(e => e.Kind == TagEventKind.Rejected))
        {
            Add(
                batch,
                "INSERT INTO tag_history (repository_id, tag, event, old_digest, new_digest, actor) VALUES ($1, $2, 'REJECTED', $3, $4, $5)",
                id,
                rejection.Tag.Value,
                rejection.OldDigest!.Value.ToString(),
                rejection.NewDigest!.Value.ToString(),
                rejection.Actor);
        }

        Add(
            batch,
            "DELETE FROM tag_history WHERE repository_id = $1 AND sequence < (SELECT next_event_sequence FROM repositories WHERE repository_id = $1) - $2",
            id,
            (long)change.MaxHistoryEvents);
        return batch;
    }

    private static void AddExpectation(NpgsqlBatch batch, long id, ImageExpectation expectation)
    {
        string digest = expectation.Digest.ToString();
        if (!expectation.IsPresent)
        {
            Add(
                batch,
                "SELECT expect(NOT EXISTS (SELECT 1 FROM images WHERE repository_id = $1 AND digest = $2), format('image %s exists now', $2::text))",
                id,
                digest);
            return;
        }

        Add(
            batch,
            "SELECT expect(EXISTS (SELECT 1 FROM images WHERE repository_id = $1 AND digest = $2) " +
            "AND coalesce((SELECT array_agg(tag ORDER BY binding_order) FROM tags WHERE repository_id = $1 AND digest = $2), '{}') = $3::text[] " +
            "AND coalesce((SELECT array_agg(index_digest ORDER BY index_digest) FROM image_references WHERE repository_id = $1 AND child_digest = $2), '{}') = $4::text[], " +
            "format('image %s is gone, or its tags or the indexes referencing it changed', $2::text))",
            id,
            digest,
            expectation.Tags.Select(t => t.Value).ToArray(),
            expectation.ReferencedBy.Select(d => d.ToString()).OrderBy(d => d, StringComparer.Ordinal).ToArray());
    }

    private static void Add(NpgsqlBatch batch, string sql, params object?[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (object? value in parameters)
        {
            command.Parameters.Add(value switch
            {
                ReadOnlyMemory<byte> bytes => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = bytes },
                string[] texts => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = texts },
                null => new NpgsqlParameter { Value = DBNull.Value },
                long or int or bool => new NpgsqlParameter { Value = value },
                _ => new NpgsqlParameter { Value = value },
            });
        }

        batch.BatchCommands.Add(command);
    }
}
