namespace TagImmutability.PostgreSql;

/// <summary>The read statements of the store, kept together so that tests can check their plans.</summary>
internal static class Queries
{
    /// <summary>
    /// Resolves a tag: two unique-index lookups (repositories by name, tags by (repository_id, tag)), never a scan.
    /// $1: repository name; $2: tag. One row (the digest) or none.
    /// </summary>
    public const string ResolveTag =
        "SELECT t.digest FROM repositories AS r JOIN tags AS t ON t.repository_id = r.repository_id WHERE r.name = $1 AND t.tag = $2";
}
