using TagImmutability.PostgreSql.Tests.Infrastructure;

namespace TagImmutability.PostgreSql.Tests.Schema;

/// <summary>
/// The database itself keeps immutable tags immutable: these tests bypass the registry entirely and send raw SQL, as a
/// node with a bug or a person with psql would. Each asserts the SQLSTATE and that nothing changed.
/// </summary>
[Collection(PostgreSqlCollection.Name)]
public sealed class DatabaseEnforcementTests(PostgreSqlCluster cluster) : IAsyncLifetime
{
    private Sql _sql = null!;

    public async Task InitializeAsync() => _sql = await Sql.MigratedAsync(cluster, "enforce");

    public async Task DisposeAsync() => await _sql.DisposeAsync();

    // --- tags: moves ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_raw_update_moving_a_tag_of_an_IMMUTABLE_repository_fails_and_changes_nothing()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        string a = await _sql.ImageAsync(repo, "a");
        string b = await _sql.ImageAsync(repo, "b");
        await _sql.BindAsync(repo, "v1", a);

        Assert.Equal("TI001", await _sql.SqlStateAsync("UPDATE tags SET digest = $1 WHERE repository_id = $2 AND tag = 'v1'", b, repo));
        Assert.Equal(a, await _sql.BoundAsync(repo, "v1"));
        Assert.Equal([$"0 CREATED v1 - {a} sql:postgres"], await _sql.EventsAsync(repo));
    }

    [Fact]
    public async Task A_raw_update_moving_a_tag_of_a_MUTABLE_repository_succeeds_and_is_recorded_as_MOVED()
    {
        long repo = await _sql.RepositoryAsync("app");
        string a = await _sql.ImageAsync(repo, "a");
        string b = await _sql.ImageAsync(repo, "b");
        await _sql.BindAsync(repo, "latest", a);

        Assert.Equal(1, await _sql.ExecuteAsync("UPDATE tags SET digest = $1 WHERE repository_id = $2 AND tag = 'latest'", b, repo));
        Assert.Equal(b, await _sql.BoundAsync(repo, "latest"));
        Assert.Equal([$"0 CREATED latest - {a} sql:postgres", $"1 MOVED latest {a} {b} sql:postgres"], await _sql.EventsAsync(repo));
    }

    [Theory]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", "latest", "latest", false)]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", "latest", "v1", true)]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", "dev-*", "dev-42", false)]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", "dev-*", "Dev-42", true)]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", "release_*", "release_1", false)]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", "release_*", "releaseX1", true)]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", "v1.*", "v1x2", true)]
    [InlineData("MUTABLE_WITH_EXCLUSION", "release-*", "release-1", true)]
    [InlineData("MUTABLE_WITH_EXCLUSION", "release-*", "latest", false)]
    [InlineData("MUTABLE_WITH_EXCLUSION", "*-stable", "1.0-stable", true)]
    public async Task Exclusion_filters_decide_in_the_database_as_in_ECR(string mode, string filter, string tag, bool immutable)
    {
        long repo = await _sql.RepositoryAsync("app", mode, filter);
        string a = await _sql.ImageAsync(repo, "a");
        string b = await _sql.ImageAsync(repo, "b");
        await _sql.BindAsync(repo, tag, a);

        string? state = await _sql.SqlStateAsync("UPDATE tags SET digest = $1 WHERE repository_id = $2 AND tag = $3", b, repo, tag);

        Assert.Equal(immutable ? "TI001" : null, state);
        Assert.Equal(immutable ? a : b, await _sql.BoundAsync(repo, tag));
    }

    [Fact]
    public async Task Switching_to_IMMUTABLE_makes_the_tags_bound_before_immutable_too()
    {
        long repo = await _sql.RepositoryAsync("app");
        string a = await _sql.ImageAsync(repo, "a");
        string b = await _sql.ImageAsync(repo, "b");
        await _sql.BindAsync(repo, "latest", a);
        await _sql.ExecuteAsync("UPDATE repositories SET image_tag_mutability = 'IMMUTABLE' WHERE repository_id = $1", repo);

        Assert.Equal("TI001", await _sql.SqlStateAsync("UPDATE tags SET digest = $1 WHERE repository_id = $2", b, repo));
        Assert.Equal(a, await _sql.BoundAsync(repo, "latest"));
    }

    [Fact]
    public async Task A_binding_cannot_be_renamed_or_moved_to_another_repository()
    {
        long repo = await _sql.RepositoryAsync("app");
        long other = await _sql.RepositoryAsync("other");
        string a = await _sql.ImageAsync(repo, "a");
        await _sql.BindAsync(repo, "v1", a);

        Assert.Equal("TI002", await _sql.SqlStateAsync("UPDATE tags SET tag = 'v2' WHERE repository_id = $1", repo));
        Assert.Equal("TI002", await _sql.SqlStateAsync("UPDATE tags SET repository_id = $1 WHERE repository_id = $2", other, repo));
        Assert.Equal(a, await _sql.BoundAsync(repo, "v1"));
    }

    // --- tags: one binding, to an image that exists ---------------------------------------------------------------------

    [Fact]
    public async Task A_tag_has_at_most_one_binding_per_repository()
    {
        long repo = await _sql.RepositoryAsync("app");
        string a = await _sql.ImageAsync(repo, "a");
        string b = await _sql.ImageAsync(repo, "b");
        await _sql.BindAsync(repo, "v1", a);

        Assert.Equal("23505", await _sql.SqlStateAsync("INSERT INTO tags (repository_id, tag, digest) VALUES ($1, 'v1', $2)", repo, b));
        Assert.Equal(a, await _sql.BoundAsync(repo, "v1"));
    }

    [Fact]
    public async Task Tags_are_case_sensitive_keys()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        string a = await _sql.ImageAsync(repo, "a");
        string b = await _sql.ImageAsync(repo, "b");
        await _sql.BindAsync(repo, "v1", a);
        await _sql.BindAsync(repo, "V1", b);

        Assert.Equal(a, await _sql.BoundAsync(repo, "v1"));
        Assert.Equal(b, await _sql.BoundAsync(repo, "V1"));
    }

    [Fact]
    public async Task A_tag_must_name_an_image_of_its_own_repository()
    {
        long repo = await _sql.RepositoryAsync("app");
        long other = await _sql.RepositoryAsync("other");
        string elsewhere = await _sql.ImageAsync(other, "x");

        Assert.Equal("23503", await _sql.SqlStateAsync("INSERT INTO tags (repository_id, tag, digest) VALUES ($1, 'v1', $2)", repo, elsewhere));
        Assert.Equal("23503", await _sql.SqlStateAsync("INSERT INTO tags (repository_id, tag, digest) VALUES ($1, 'v1', $2)", repo, "sha256:" + new string('0', 64)));
    }

    // --- tags: removal --------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Removing_an_immutable_tag_is_allowed_and_a_later_transaction_may_bind_it_again()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        string a = await _sql.ImageAsync(repo, "a");
        string b = await _sql.ImageAsync(repo, "b");
        await _sql.BindAsync(repo, "v1", a);

        Assert.Equal(1, await _sql.ExecuteAsync("DELETE FROM tags WHERE repository_id = $1 AND tag = 'v1'", repo));
        Assert.Equal(1, await _sql.BindAsync(repo, "v1", b));
        Assert.Equal(
            [$"0 CREATED v1 - {a} sql:postgres", $"1 REMOVED v1 {a} - sql:postgres", $"2 CREATED v1 - {b} sql:postgres"],
            await _sql.EventsAsync(repo));
    }

    [Fact]
    public async Task Removing_an_immutable_tag_and_binding_it_to_another_digest_in_one_transaction_is_a_move_and_fails()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        string a = await _sql.ImageAsync(repo, "a");
        string b = await _sql.ImageAsync(repo, "b");
        await _sql.BindAsync(repo, "v1", a);

        string? state = await _sql.SqlStateAsync(
            $"DELETE FROM tags WHERE repository_id = {repo} AND tag = 'v1'; INSERT INTO tags (repository_id, tag, digest) VALUES ({repo}, 'v1', '{b}')");

        Assert.Equal("TI001", state);
        Assert.Equal(a, await _sql.BoundAsync(repo, "v1"));
        Assert.Single(await _sql.EventsAsync(repo));
    }

    [Fact]
    public async Task Removing_a_mutable_tag_and_binding_it_again_in_one_transaction_is_allowed()
    {
        long repo = await _sql.RepositoryAsync("app");
        string a = await _sql.ImageAsync(repo, "a");
        string b = await _sql.ImageAsync(repo, "b");
        await _sql.BindAsync(repo, "latest", a);

        Assert.Null(await _sql.SqlStateAsync(
            $"DELETE FROM tags WHERE repository_id = {repo} AND tag = 'latest'; INSERT INTO tags (repository_id, tag, digest) VALUES ({repo}, 'latest', '{b}')"));
        Assert.Equal(b, await _sql.BoundAsync(repo, "latest"));
    }

    // --- images ---------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task An_image_is_stored_only_under_the_sha256_of_its_bytes()
    {
        long repo = await _sql.RepositoryAsync("app");
        string wrong = RawSql.DigestOf(RawSql.Manifest("other"));

        Assert.Equal("23514", await _sql.SqlStateAsync(
            "INSERT INTO images (repository_id, digest, manifest, media_type, size_in_bytes, pushed_at) VALUES ($1, $2, $3, 'x', 0, now())",
            repo,
            wrong,
            RawSql.Manifest("a")));
        Assert.Equal(0L, await _sql.ScalarAsync<long>("SELECT count(*) FROM images"));
    }

    [Fact]
    public async Task An_image_never_changes()
    {
        long repo = await _sql.RepositoryAsync("app");
        string a = await _sql.ImageAsync(repo, "a");

        Assert.Equal("TI002", await _sql.SqlStateAsync("UPDATE images SET media_type = 'other' WHERE digest = $1", a));
        Assert.Equal("TI002", await _sql.SqlStateAsync("UPDATE images SET pushed_at = now() - interval '1 day' WHERE digest = $1", a));
    }

    [Fact]
    public async Task An_image_a_tag_names_or_an_index_references_cannot_be_deleted()
    {
        long repo = await _sql.RepositoryAsync("app");
        string tagged = await _sql.ImageAsync(repo, "tagged");
        string child = await _sql.ImageAsync(repo, "child");
        string index = await _sql.ImageAsync(repo, "index");
        await _sql.BindAsync(repo, "v1", tagged);
        await _sql.ExecuteAsync("INSERT INTO image_references (repository_id, index_digest, child_digest) VALUES ($1, $2, $3)", repo, index, child);

        Assert.Equal("23503", await _sql.SqlStateAsync("DELETE FROM images WHERE digest = $1", tagged));
        Assert.Equal("23503", await _sql.SqlStateAsync("DELETE FROM images WHERE digest = $1", child));
        Assert.Equal(1, await _sql.ExecuteAsync("DELETE FROM images WHERE digest = $1", index));
        Assert.Equal(1, await _sql.ExecuteAsync("DELETE FROM images WHERE digest = $1", child));
        Assert.Equal(1L, await _sql.ScalarAsync<long>("SELECT image_count FROM repositories WHERE repository_id = $1", repo));
    }

    [Fact]
    public async Task Images_are_numbered_in_push_order_and_counted_by_the_database()
    {
        long repo = await _sql.RepositoryAsync("app");
        string[] digests = [await _sql.ImageAsync(repo, "a"), await _sql.ImageAsync(repo, "b"), await _sql.ImageAsync(repo, "c")];

        List<object?[]> rows = await _sql.RowsAsync("SELECT digest FROM images WHERE repository_id = $1 ORDER BY sequence", repo);
        Assert.Equal(digests, rows.Select(r => (string)r[0]!));
        Assert.Equal(3L, await _sql.ScalarAsync<long>("SELECT image_count FROM repositories WHERE repository_id = $1", repo));
    }

    // --- history ----------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task History_events_never_change()
    {
        long repo = await _sql.RepositoryAsync("app");
        string a = await _sql.ImageAsync(repo, "a");
        await _sql.BindAsync(repo, "v1", a);

        Assert.Equal("TI002", await _sql.SqlStateAsync("UPDATE tag_history SET actor = 'someone else'"));
        Assert.Equal("TI002", await _sql.SqlStateAsync("UPDATE tag_history SET new_digest = NULL, event = 'REMOVED'"));
    }

    [Theory]
    [InlineData("CREATED")]
    [InlineData("MOVED")]
    [InlineData("REMOVED")]
    public async Task Binding_events_are_recorded_by_the_database_and_cannot_be_forged(string kind)
    {
        long repo = await _sql.RepositoryAsync("app");
        string a = await _sql.ImageAsync(repo, "a");
        string b = await _sql.ImageAsync(repo, "b");

        Assert.Equal("TI003", await _sql.SqlStateAsync(
            "INSERT INTO tag_history (repository_id, sequence, recorded_at, tag, event, old_digest, new_digest) VALUES ($1, 0, now(), 'v1', $2, $3, $4)",
            repo,
            kind,
            kind == "CREATED" ? DBNull.Value : a,
            kind == "REMOVED" ? DBNull.Value : b));
        Assert.Empty(await _sql.EventsAsync(repo));
    }

    [Fact]
    public async Task A_rejection_is_recorded_only_while_it_is_true()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE_WITH_EXCLUSION", "latest");
        string a = await _sql.ImageAsync(repo, "a");
        string b = await _sql.ImageAsync(repo, "b");
        await _sql.BindAsync(repo, "v1", a);
        await _sql.BindAsync(repo, "latest", a);
        const string Reject = "INSERT INTO tag_history (repository_id, tag, event, old_digest, new_digest, actor) VALUES ($1, $2, 'REJECTED', $3, $4, 'ci')";

        Assert.Equal("TI409", await _sql.SqlStateAsync(Reject, repo, "latest", a, b)); // mutable: nothing to refuse
        Assert.Equal("TI409", await _sql.SqlStateAsync(Reject, repo, "v1", b, a)); // v1 does not name b
        Assert.Equal("TI409", await _sql.SqlStateAsync(Reject, repo, "v2", a, b)); // v2 names nothing
        Assert.Null(await _sql.SqlStateAsync(Reject, repo, "v1", a, b));

        Assert.Equal($"2 REJECTED v1 {a} {b} ci", (await _sql.EventsAsync(repo))[^1]);
    }

    [Fact]
    public async Task Deleting_a_repository_deletes_its_images_tags_references_and_history_and_records_nothing()
    {
        long repo = await _sql.RepositoryAsync("app", "IMMUTABLE");
        string child = await _sql.ImageAsync(repo, "child");
        string index = await _sql.ImageAsync(repo, "index");
        await _sql.BindAsync(repo, "v1", index);
        await _sql.ExecuteAsync("INSERT INTO image_references (repository_id, index_digest, child_digest) VALUES ($1, $2, $3)", repo, index, child);

        Assert.Equal(1, await _sql.ExecuteAsync("DELETE FROM repositories WHERE repository_id = $1", repo));
        foreach (string table in new[] { "images", "tags", "image_references", "tag_history" })
        {
            Assert.Equal(0L, await _sql.ScalarAsync<long>($"SELECT count(*) FROM {table}"));
        }
    }

    // --- repositories -------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("MUTABLE", new[] { "latest" })]
    [InlineData("IMMUTABLE", new[] { "latest" })]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", new string[0])]
    [InlineData("MUTABLE_WITH_EXCLUSION", new[] { "a", "b", "c", "d", "e", "f" })]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", new[] { "not a filter" })]
    [InlineData("IMMUTABLE_WITH_EXCLUSION", new[] { "a%" })]
    [InlineData("SOMETIMES", new string[0])]
    public async Task A_policy_ECR_would_refuse_cannot_be_stored(string mode, string[] filters)
    {
        Assert.Equal("23514", await _sql.SqlStateAsync(
            "INSERT INTO repositories (name, created_at, image_tag_mutability, exclusion_filters) VALUES ('app', now(), $1, $2)", mode, filters));
    }
}
