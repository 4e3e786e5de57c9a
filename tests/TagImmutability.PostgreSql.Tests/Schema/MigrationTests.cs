using Npgsql;
using TagImmutability.PostgreSql.Tests.Infrastructure;

namespace TagImmutability.PostgreSql.Tests.Schema;

/// <summary>The migrator: applies the shipped migrations once, whatever the number of nodes starting together.</summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class MigrationTests(PostgreSqlCluster cluster)
{
    [Fact]
    public void The_shipped_migrations_are_numbered_from_1_without_gaps_and_have_checksums()
    {
        Assert.NotEmpty(PostgreSqlSchema.Migrations);
        Assert.Equal(Enumerable.Range(1, PostgreSqlSchema.Migrations.Length), PostgreSqlSchema.Migrations.Select(m => m.Version));
        Assert.Equal("0001_initial", PostgreSqlSchema.Migrations[0].ToString());
        Assert.All(PostgreSqlSchema.Migrations, m => Assert.Matches("^[0-9a-f]{64}$", m.Checksum));
    }

    [Fact]
    public async Task Migrating_a_new_schema_applies_every_migration_and_migrating_again_applies_none()
    {
        string schema = PostgreSqlCluster.NewSchemaName("again");
        await using Sql sql = Sql.Open(cluster.AdminConnectionString, schema);
        Assert.Equal(0, await PostgreSqlSchema.GetVersionAsync(sql.DataSource, schema));

        Assert.Equal(PostgreSqlSchema.LatestVersion, await PostgreSqlSchema.MigrateAsync(sql.DataSource, schema));
        Assert.Equal(PostgreSqlSchema.LatestVersion, await PostgreSqlSchema.GetVersionAsync(sql.DataSource, schema));
        Assert.Equal(0, await PostgreSqlSchema.MigrateAsync(sql.DataSource, schema));
        Assert.Equal(PostgreSqlSchema.LatestVersion, await sql.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        foreach (string table in new[] { "settings", "repositories", "images", "tags", "image_references", "tag_history" })
        {
            Assert.True(await sql.ScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", schema + "." + table), table);
        }
    }

    [Fact]
    public async Task Nodes_migrating_one_schema_at_the_same_moment_apply_each_migration_exactly_once()
    {
        string schema = PostgreSqlCluster.NewSchemaName("race");
        const int Nodes = 6;

        // Each "node" has its own pool, as separate processes would; they all start together.
        Sql[] nodes = [.. Enumerable.Range(0, Nodes).Select(_ => Sql.Open(cluster.AdminConnectionString, schema))];
        try
        {
            using var start = new Barrier(Nodes);
            int[] applied = await Task.WhenAll(nodes.Select(node => Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                return PostgreSqlSchema.MigrateAsync(node.DataSource, schema);
            })));

            Assert.Equal(PostgreSqlSchema.LatestVersion, applied.Sum());
            Assert.Equal(Nodes - 1, applied.Count(a => a == 0));
            Assert.Equal(PostgreSqlSchema.LatestVersion, await nodes[0].ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        }
        finally
        {
            foreach (Sql node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_schema_migrated_by_a_newer_node_is_refused()
    {
        await using Sql sql = await Sql.MigratedAsync(cluster, "newer");
        int future = PostgreSqlSchema.LatestVersion + 1;
        await sql.ExecuteAsync("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, 'future', 'x')", future);

        PostgreSqlSchemaException error = await Assert.ThrowsAsync<PostgreSqlSchemaException>(() => PostgreSqlSchema.MigrateAsync(sql.DataSource, sql.Schema));
        Assert.Contains($"version {future}, newer than this node's {PostgreSqlSchema.LatestVersion}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schema_whose_applied_migration_differs_from_the_shipped_one_is_refused()
    {
        await using Sql sql = await Sql.MigratedAsync(cluster, "tampered");
        await sql.ExecuteAsync("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");

        PostgreSqlSchemaException error = await Assert.ThrowsAsync<PostgreSqlSchemaException>(() => PostgreSqlSchema.MigrateAsync(sql.DataSource, sql.Schema));
        Assert.Contains("0001_initial applied with checksum edited", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("1digit")]
    [InlineData("semi;colon")]
    [InlineData("quote\"d")]
    public async Task A_schema_name_outside_the_safe_grammar_is_refused_before_any_sql(string name)
    {
        await using var dataSource = NpgsqlDataSource.Create(cluster.AdminConnectionString);
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => PostgreSqlSchema.MigrateAsync(dataSource, name));
        Assert.Equal("schemaName", error.ParamName);
        Assert.False(PostgreSqlSchema.IsValidSchemaName(name));
    }
}
