using TagImmutability.PostgreSql.Tests.Infrastructure;

namespace TagImmutability.PostgreSql.Tests.Schema;

/// <summary>Resolving a tag is served by index lookups, whatever the size of the repository: never a scan.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class ResolvePlanTests(PostgreSqlCluster cluster)
{
    [Fact]
    public async Task Resolving_a_tag_among_50000_in_one_of_5000_repositories_is_two_unique_index_lookups()
    {
        await using Sql sql = await Sql.MigratedAsync(cluster, "plan");
        await sql.ExecuteAsync("INSERT INTO repositories (name, created_at, image_tag_mutability) SELECT 'repo' || i, now(), 'MUTABLE' FROM generate_series(1, 5000) AS i");

        long repo = await sql.RepositoryAsync("app");
        string digest = await sql.ImageAsync(repo, "a");

        // A bulk load, so without the triggers (they record history row by row): the plan is what is tested here.
        await sql.ExecuteAsync(
            "SET session_replication_role = replica; INSERT INTO tags (repository_id, tag, digest, binding_order) SELECT " + repo + ", 'v' || i, '" + digest + "', i FROM generate_series(1, 50000) AS i; SET session_replication_role = origin");
        await sql.ExecuteAsync("ANALYZE");

        List<object?[]> plan = await sql.RowsAsync("EXPLAIN " + Queries.ResolveTag.Replace("$1", "'app'", StringComparison.Ordinal).Replace("$2", "'v4242'", StringComparison.Ordinal));
        string text = string.Join('\n', plan.Select(r => (string)r[0]!));

        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
        Assert.Contains("tags_pkey", text, StringComparison.Ordinal);
        Assert.Contains("repositories_name_key", text, StringComparison.Ordinal);
        Assert.Equal(digest, await sql.ScalarAsync<string>(Queries.ResolveTag, "app", "v4242"));
    }
}
