using Microsoft.Extensions.Logging;

namespace TagImmutability.Server.Journal;

/// <summary>The journal's log messages.</summary>
internal static partial class JournalLog
{
    [LoggerMessage(EventId = 101, EventName = "JournalOpened", Level = LogLevel.Information,
        Message = "Durable state in {Directory}: snapshot loaded {SnapshotLoaded}, {Records} journal records replayed from {Segments} segment(s), {TornBytes} bytes of a damaged tail cut away")]
    public static partial void Opened(ILogger logger, string directory, bool snapshotLoaded, int records, int segments, long tornBytes);

    [LoggerMessage(EventId = 102, EventName = "JournalTornTail", Level = LogLevel.Warning,
        Message = "Journal {Path}: cut away a damaged tail of {Bytes} bytes at offset {Offset} ({Status}); it is what a crash during an append leaves, and was never acknowledged")]
    public static partial void TornTail(ILogger logger, string path, long offset, long bytes, string status);

    [LoggerMessage(EventId = 103, EventName = "JournalSnapshotFailed", Level = LogLevel.Error,
        Message = "Journal in {Directory}: a snapshot step failed; the journal keeps every record and the next snapshot retries")]
    public static partial void SnapshotFailed(ILogger logger, string directory, Exception error);

    [LoggerMessage(EventId = 104, EventName = "JournalBroken", Level = LogLevel.Critical,
        Message = "Journal {Path}: a failed append could not be cut back; every later write is refused until the server restarts")]
    public static partial void Broken(ILogger logger, string path, Exception error);

    [LoggerMessage(EventId = 105, EventName = "BlobsReconciled", Level = LogLevel.Information,
        Message = "Blob links reconciled with the blob files: {Dropped} link(s) to missing content dropped, {Removed} unlinked blob file(s) removed")]
    public static partial void BlobsReconciled(ILogger logger, int dropped, int removed);
}
