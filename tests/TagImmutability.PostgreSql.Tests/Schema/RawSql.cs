using System.Security.Cryptography;
using System.Text;
using TagImmutability.PostgreSql.Tests.Infrastructure;

namespace TagImmutability.PostgreSql.Tests.Schema;

/// <summary>Builds rows with plain SQL, the way a node with a bug (or a person with psql) could.</summary>
public static class RawSql
{
    public static byte[] Manifest(string label) => Encoding.UTF8.GetBytes($"{{\"schemaVersion\":2,\"label\":\"{label}\"}}");

    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public static Task<long> RepositoryAsync(this Sql sql, string name, string mode = "MUTABLE", params string[] filters) =>
        sql.ScalarAsync<long>(
            "INSERT INTO repositories (name, created_at, image_tag_mutability, exclusion_filters) VALUES ($1, now(), $2, $3) RETURNING repository_id",
            name,
            mode,
            filters);

    public static async Task<string> ImageAsync(this Sql sql, long repository, string label)
    {
        byte[] content = Manifest(label);
        string digest = DigestOf(content);
        await sql.ExecuteAsync(
            "INSERT INTO images (repository_id, digest, manifest, media_type, size_in_bytes, pushed_at) VALUES ($1, $2, $3, 'application/vnd.oci.image.manifest.v1+json', 0, now())",
            repository,
            digest,
            content);
        return digest;
    }

    public static Task<int> BindAsync(this Sql sql, long repository, string tag, string digest) =>
        sql.ExecuteAsync("INSERT INTO tags (repository_id, tag, digest) VALUES ($1, $2, $3)", repository, tag, digest);

    public static Task<string> BoundAsync(this Sql sql, long repository, string tag) =>
        sql.ScalarAsync<string>("SELECT digest FROM tags WHERE repository_id = $1 AND tag = $2", repository, tag);

    public static async Task<List<string>> EventsAsync(this Sql sql, long repository) =>
        [.. (await sql.RowsAsync(
            "SELECT sequence, event, tag, coalesce(old_digest, '-'), coalesce(new_digest, '-'), coalesce(actor, '-') FROM tag_history WHERE repository_id = $1 ORDER BY sequence",
            repository)).Select(r => string.Join(' ', r))];
}
