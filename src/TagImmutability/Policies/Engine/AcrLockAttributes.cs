using System.Diagnostics.CodeAnalysis;

namespace TagImmutability;

/// <summary>
/// Azure Container Registry's changeable attributes on one object (a repository, a tag or a manifest):
/// <c>writeEnabled</c>, <c>deleteEnabled</c>, <c>readEnabled</c>, <c>listEnabled</c>, independent of each other
/// (Azure docs, "Lock a container image in an Azure container registry"; <c>az acr repository update</c>).
/// </summary>
/// <remarks>
/// <c>default(AcrLockAttributes)</c> is <see cref="Unlocked"/>: every attribute enabled, as ACR creates objects.
/// ACR's precedence: <c>writeEnabled=false</c> blocks update and delete; <c>deleteEnabled=false</c> blocks only delete
/// (<see cref="EffectiveDeleteEnabled"/>); there is no "block update, allow delete".
/// <para><b>Thread safety:</b> an immutable value; safe to share between threads.</para>
/// </remarks>
public readonly struct AcrLockAttributes : IEquatable<AcrLockAttributes>
{
    // Stored inverted, so that default(AcrLockAttributes) is the unlocked state ACR starts from.
    private readonly bool _writeDisabled;
    private readonly bool _deleteDisabled;
    private readonly bool _readDisabled;
    private readonly bool _listDisabled;

    /// <summary>Creates attributes.</summary>
    /// <param name="writeEnabled"><c>writeEnabled</c>.</param>
    /// <param name="deleteEnabled"><c>deleteEnabled</c>.</param>
    /// <param name="readEnabled"><c>readEnabled</c>.</param>
    /// <param name="listEnabled"><c>listEnabled</c>.</param>
    public AcrLockAttributes(bool writeEnabled = true, bool deleteEnabled = true, bool readEnabled = true, bool listEnabled = true)
    {
        _writeDisabled = !writeEnabled;
        _deleteDisabled = !deleteEnabled;
        _readDisabled = !readEnabled;
        _listDisabled = !listEnabled;
    }

    /// <summary>Every attribute enabled.</summary>
    public static AcrLockAttributes Unlocked => default;

    /// <summary><c>writeEnabled=false</c>: ACR's "lock" (no update, no delete).</summary>
    public static AcrLockAttributes Locked => new(writeEnabled: false);

    /// <summary><c>writeEnabled</c>: the object may be updated (a tag moved, a repository pushed to).</summary>
    public bool WriteEnabled => !_writeDisabled;

    /// <summary><c>deleteEnabled</c> as set.</summary>
    public bool DeleteEnabled => !_deleteDisabled;

    /// <summary><c>readEnabled</c>: the object may be pulled.</summary>
    public bool ReadEnabled => !_readDisabled;

    /// <summary><c>listEnabled</c>: the object appears in listings.</summary>
    public bool ListEnabled => !_listDisabled;

    /// <summary>Whether the object may be deleted: <c>writeEnabled &amp;&amp; deleteEnabled</c> (write-disabled implies delete-disabled).</summary>
    public bool EffectiveDeleteEnabled => WriteEnabled && DeleteEnabled;

    /// <summary>Whether every field is equal.</summary>
    /// <param name="other">The other attributes.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals(AcrLockAttributes other) => _writeDisabled == other._writeDisabled && _deleteDisabled == other._deleteDisabled
        && _readDisabled == other._readDisabled && _listDisabled == other._listDisabled;

    /// <summary>Whether <paramref name="obj"/> is equal attributes.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is AcrLockAttributes other && Equals(other);

    /// <summary>A hash code over every field.</summary>
    /// <returns>The hash code.</returns>
    public override int GetHashCode() => HashCode.Combine(_writeDisabled, _deleteDisabled, _readDisabled, _listDisabled);

    /// <summary>The attributes as ACR's JSON names, such as <c>writeEnabled=false deleteEnabled=true readEnabled=true listEnabled=true</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"writeEnabled={Lower(WriteEnabled)} deleteEnabled={Lower(DeleteEnabled)} readEnabled={Lower(ReadEnabled)} listEnabled={Lower(ListEnabled)}";

    /// <summary>Whether two attribute sets are equal.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(AcrLockAttributes left, AcrLockAttributes right) => left.Equals(right);

    /// <summary>Whether two attribute sets differ.</summary>
    /// <param name="left">The first.</param>
    /// <param name="right">The second.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(AcrLockAttributes left, AcrLockAttributes right) => !left.Equals(right);

    private static string Lower(bool value) => value ? "true" : "false";
}
