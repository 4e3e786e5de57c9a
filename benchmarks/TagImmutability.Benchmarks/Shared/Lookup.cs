namespace TagImmutability.Benchmarks.Shared;

/// <summary>Whether a lookup benchmark asks for keys the structure holds or keys it does not.</summary>
public enum Lookup
{
    /// <summary>Every key is held.</summary>
    Hit,

    /// <summary>No key is held.</summary>
    Miss,
}
