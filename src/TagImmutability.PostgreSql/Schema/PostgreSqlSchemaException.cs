namespace TagImmutability.PostgreSql;

/// <summary>
/// The database's registry schema cannot be used by this node: a newer node migrated it past the versions this one
/// knows, an applied migration differs from the one this assembly ships, or the registry settings stored in it
/// (registry id, region) differ from the node's. The node refuses to run rather than guess.
/// </summary>
public sealed class PostgreSqlSchemaException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public PostgreSqlSchemaException()
        : base("The database's registry schema cannot be used by this node.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the schema and the versions or settings involved.</param>
    public PostgreSqlSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public PostgreSqlSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
