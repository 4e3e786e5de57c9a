namespace TagImmutability.Storage;

/// <summary>How <see cref="RegistryStore.CommitAsync"/> ended.</summary>
public enum StoreCommitOutcome
{
    /// <summary>Every precondition held, and the whole change is applied.</summary>
    Committed = 0,

    /// <summary>
    /// A precondition failed (the state changed since it was read: another node or thread wrote first). Nothing was
    /// applied; the registry reads again and decides again.
    /// </summary>
    Conflict = 1,
}
