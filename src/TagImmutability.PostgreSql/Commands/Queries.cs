namespace TagImmutability.PostgreSql;

/// <summary>The read statements of the store, kept together so that tests can check their plans.</summary>
/// <remarks>
/// Each is one statement, so under READ COMMITTED it reads one snapshot: everything it returns was true at one instant.
/// </remarks>
internal static class Queries
{
    /// <summary>
    /// Resolves a tag: two unique-index lookups (repositories by name, tags by (repository_id, tag)), never a scan.
    /// $1: repository name; $2: tag. One row (the digest) or none.
    /// </summary>
    public const string ResolveTag =
        "SELECT t.digest FROM repositories AS r JOIN tags AS t ON t.repository_id = r.repository_id WHERE r.name = $1 AND t.tag = $2";

    /// <summary>
    /// Reads a repository and the images a query asks for, each with its tags (binding order), the indexes referencing
    /// it and the images it references. $1: name; $2: tags (text[]); $3: digests (text[]); $4: all images (boolean).
    /// No row when the repository does not exist; one row with NULL image columns when no image is asked for or found.
    /// Columns: repository_id, name, created_at, image_tag_mutability, exclusion_filters, policy_version, image_count,
    /// digest, manifest, media_type, size_in_bytes, pushed_at, sequence, tags, referrers, children.
    /// </summary>
    public const string ReadRepository = """
        WITH r AS (SELECT * FROM repositories WHERE name = $1),
             wanted AS (
                 SELECT i.digest FROM r JOIN images AS i ON i.repository_id = r.repository_id WHERE $4
                 UNION SELECT d FROM unnest($3::text[]) AS d
                 UNION SELECT t.digest FROM r JOIN tags AS t ON t.repository_id = r.repository_id WHERE t.tag = ANY ($2::text[]))
        SELECT r.repository_id, r.name, r.created_at, r.image_tag_mutability, r.exclusion_filters, r.policy_version, r.image_count,
               i.digest, i.manifest, i.media_type, i.size_in_bytes, i.pushed_at, i.sequence,
               coalesce((SELECT array_agg(t.tag ORDER BY t.binding_order) FROM tags AS t
                         WHERE t.repository_id = r.repository_id AND t.digest = i.digest), '{}'),
               coalesce((SELECT array_agg(x.index_digest ORDER BY x.index_digest) FROM image_references AS x
                         WHERE x.repository_id = r.repository_id AND x.child_digest = i.digest), '{}'),
               coalesce((SELECT array_agg(x.child_digest ORDER BY x.child_digest) FROM image_references AS x
                         WHERE x.repository_id = r.repository_id AND x.index_digest = i.digest), '{}')
        FROM r LEFT JOIN (images AS i JOIN wanted AS w ON w.digest = i.digest) ON i.repository_id = r.repository_id
        ORDER BY i.sequence
        """;

    /// <summary>
    /// Reads the latest $2 events of the repository named $1, oldest first. No row when the repository does not
    /// exist; one row with NULL event columns when it has no retained event. Columns: next_event_sequence, sequence,
    /// recorded_at, tag, event, old_digest, new_digest, actor.
    /// </summary>
    public const string ReadHistory = """
        SELECT r.next_event_sequence, h.sequence, h.recorded_at, h.tag, h.event, h.old_digest, h.new_digest, h.actor
        FROM repositories AS r
        LEFT JOIN tag_history AS h ON h.repository_id = r.repository_id AND h.sequence >= r.next_event_sequence - $2
        WHERE r.name = $1
        ORDER BY h.sequence
        """;
}
