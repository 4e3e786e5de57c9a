using System.Security.Cryptography;
using System.Text;

namespace TagImmutability.PostgreSql;

/// <summary>
/// One step of the registry's schema, shipped inside this assembly as an SQL resource (<c>Schema/NNNN_name.sql</c>)
/// and applied once per database schema, in order of <see cref="Version"/>, by <see cref="PostgreSqlSchema.MigrateAsync"/>.
/// </summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class PostgreSqlMigration
{
    internal PostgreSqlMigration(int version, string name, string sql)
    {
        Version = version;
        Name = name;
        Sql = sql;
        Checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
    }

    /// <summary>The migration's number, 1 for the first; consecutive.</summary>
    public int Version { get; }

    /// <summary>The migration's name, from its file name, such as <c>initial</c>.</summary>
    public string Name { get; }

    /// <summary>The SQL the migration runs, with <c>\n</c> line ends.</summary>
    public string Sql { get; }

    /// <summary>
    /// The lowercase hex sha256 of <see cref="Sql"/>'s UTF-8 bytes (64 characters). Recorded when the migration is
    /// applied, and compared on every later run: a database whose applied migration differs from the shipped one is
    /// refused rather than trusted.
    /// </summary>
    public string Checksum { get; }

    /// <summary>The number and name, such as <c>0001_initial</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Version:D4}_{Name}";
}
