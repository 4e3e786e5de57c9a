namespace TagImmutability.Server.Journal;

/// <summary>
/// The server's durable state (its journal or its state snapshot under the data directory) is damaged in a way a
/// crash cannot explain: a record that fails its checksum or cannot be read while valid records follow it, a missing
/// journal segment, or a snapshot that is not whole. The server refuses to start rather than drop acknowledged writes.
/// </summary>
/// <remarks>
/// A damaged record at the very end of the newest segment, with nothing valid after it, is what a crash during an
/// append leaves; it was never acknowledged, and it is cut away (and logged) instead of raising this exception.
/// <para><b>Thread safety:</b> immutable once thrown.</para>
/// </remarks>
public sealed class JournalCorruptException : IOException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public JournalCorruptException()
        : base("The server's journal or state snapshot is damaged.")
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What is damaged, and where.</param>
    public JournalCorruptException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the error that revealed the damage.</summary>
    /// <param name="message">What is damaged, and where.</param>
    /// <param name="innerException">The error that revealed it.</param>
    public JournalCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception naming the damaged file and the byte offset of the damage.</summary>
    /// <param name="path">The damaged file.</param>
    /// <param name="offset">The byte offset of the first damaged record or part; 0 for the whole file.</param>
    /// <param name="problem">What is wrong there.</param>
    /// <param name="innerException">The error that revealed it, if any.</param>
    public JournalCorruptException(string path, long offset, string problem, Exception? innerException = null)
        : base($"The journal file '{path}' is damaged at byte offset {offset}: {problem}. Acknowledged writes may follow the damage, so the server does not start; restore the data directory from a backup, or move the file away to start from the state before it.", innerException)
    {
        Path = path;
        Offset = offset;
    }

    /// <summary>The damaged file; empty when the exception was created without one.</summary>
    public string Path { get; }

    /// <summary>The byte offset of the damage in <see cref="Path"/>.</summary>
    public long Offset { get; }
}
