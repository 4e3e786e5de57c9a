using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TagImmutability.Server.Blobs;

namespace TagImmutability.Server.Journal;

/// <summary>
/// The server's durable state under <c>DIR/state/</c>: a state snapshot (<c>state.snapshot</c>: the blob links and
/// the <see cref="RegistrySnapshot"/>) and the journal segments after it (<c>journal-NNNNNNNNNNNN.log</c>), each an
/// append-only sequence of <see cref="JournalFrame"/>s holding <see cref="JournalRecord"/>s. Every state-changing
/// call the server makes goes through <see cref="WriteAsync{T}"/>, which serialises them: the record is appended and
/// flushed to disk (<c>fsync</c>) before the call is applied to the registry, and the answer is sent after both; so a
/// reader never sees a change a crash could lose, and the journal's order is the order of application.
/// </summary>
/// <remarks>
/// <para>
/// <b>Opening</b> loads the snapshot (if any), deletes the segments it covers, replays the rest in order with the
/// registry's clock pinned to each record's instant, and cuts away a damaged record at the very end of the newest
/// segment (a crash during an append; logged). Damage anywhere else throws <see cref="JournalCorruptException"/>.
/// </para>
/// <para>
/// <b>Snapshots</b> are taken after every <c>snapshotEvery</c> records and when the journal is disposed (a clean
/// shutdown): a new empty segment G+1 is created, the snapshot naming G+1 as the first segment to replay is written to
/// a temporary file, flushed, renamed over <c>state.snapshot</c> and its directory flushed; then appends move to G+1
/// and older segments are deleted. A crash at any step leaves either the old snapshot with every segment after it, or
/// the new one: nothing is replayed twice or lost.
/// </para>
/// <para><b>Thread safety:</b> <see cref="WriteAsync{T}"/> may be called from any thread; writes run one at a time. Reads of the registry need no lock.</para>
/// </remarks>
internal sealed partial class RegistryJournal : IDisposable
{
    /// <summary>The directory under the data directory that holds the snapshot and the segments.</summary>
    public const string StateDirectoryName = "state";

    /// <summary>The snapshot's file name.</summary>
    public const string SnapshotFileName = "state.snapshot";

    private const string SegmentPrefix = "journal-";
    private const string SegmentSuffix = ".log";
    private const string HeaderFormat = "tagimmutability.server-state";
    private const int HeaderVersion = 1;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _directory;
    private readonly JournalClock _clock;
    private readonly BlobLinks _links;
    private readonly EcrApi _ecr;
    private readonly ILogger _log;
    private readonly int _snapshotEvery;
    private FileStream _segment;
    private long _length;
    private bool _broken;
    private bool _disposed;

    private RegistryJournal(string directory, JournalClock clock, Registry registry, BlobLinks links, int snapshotEvery, ILogger log, FileStream segment, long generation, JournalOpenReport opened)
    {
        _directory = directory;
        _clock = clock;
        Registry = registry;
        _links = links;
        _ecr = new EcrApi(registry);
        _snapshotEvery = snapshotEvery;
        _log = log;
        _segment = segment;
        _length = segment.Length;
        Generation = generation;
        Opened = opened;
        RecordsSinceSnapshot = opened.RecordsReplayed;
    }

    /// <summary>The registry whose writes this journal records.</summary>
    public Registry Registry { get; }

    /// <summary>What opening found: the snapshot, the records replayed, the bytes of a damaged tail cut away.</summary>
    public JournalOpenReport Opened { get; }

    /// <summary>The number of the segment appends go to.</summary>
    public long Generation { get; private set; }

    /// <summary>Records appended (or replayed) since the last snapshot.</summary>
    public int RecordsSinceSnapshot { get; private set; }

    /// <summary>The number of snapshots taken since opening.</summary>
    public int SnapshotsTaken { get; private set; }

    /// <summary>The directory holding the snapshot and the segments.</summary>
    public string Directory => _directory;

    /// <summary>The path of segment <paramref name="generation"/>.</summary>
    public static string SegmentPath(string stateDirectory, long generation) =>
        Path.Combine(stateDirectory, SegmentPrefix + generation.ToString("D12", CultureInfo.InvariantCulture) + SegmentSuffix);

    /// <summary>Opens (or creates) the durable state under <paramref name="dataDirectory"/> and rebuilds the registry and the blob links from it.</summary>
    /// <param name="dataDirectory">The server's data directory; the state lives in its <c>state</c> subdirectory.</param>
    /// <param name="options">The registry's options; the clock and actor provider are wrapped so that writes can be replayed.</param>
    /// <param name="links">The blob links to rebuild; empty, over the data directory's blob store.</param>
    /// <param name="snapshotEvery">Records between snapshots, at least 1.</param>
    /// <param name="log">Where the opening's findings (a damaged tail cut away, blobs reconciled) and snapshot failures go.</param>
    /// <exception cref="JournalCorruptException">The snapshot or a segment is damaged beyond what a crash leaves.</exception>
    /// <exception cref="IOException">The files cannot be read or written.</exception>
    public static RegistryJournal Open(string dataDirectory, RegistryOptions options, BlobLinks links, int snapshotEvery, ILogger log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(snapshotEvery, 1);
        string root = Path.GetFullPath(dataDirectory);
        string directory = Path.Combine(root, StateDirectoryName);
        if (!System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.CreateDirectory(directory);
            DirectorySync.Flush(root);
        }

        foreach (string leftover in System.IO.Directory.EnumerateFiles(directory, "*.tmp"))
        {
            File.Delete(leftover);
        }

        var clock = new JournalClock(options.TimeProvider, options.ActorProvider);
        RegistryOptions pinned = WithClock(options, clock);
        string snapshotPath = Path.Combine(directory, SnapshotFileName);
        Registry registry;
        long first = 1;
        bool loaded = File.Exists(snapshotPath);
        if (loaded)
        {
            (registry, first) = ReadSnapshot(snapshotPath, pinned, links);
        }
        else
        {
            registry = new Registry(pinned);
        }

        SortedDictionary<long, string> segments = Segments(directory);
        foreach ((long generation, string path) in segments.Where(s => s.Key < first).ToList())
        {
            File.Delete(path);
            segments.Remove(generation);
        }

        long expected = first;
        foreach (long generation in segments.Keys)
        {
            if (generation != expected)
            {
                throw new JournalCorruptException(SegmentPath(directory, expected), 0,
                    $"the segment is missing, yet segment {generation.ToString(CultureInfo.InvariantCulture)} after it exists");
            }

            expected++;
        }

        var replay = new Replayer(registry, links, clock);
        int replayed = 0;
        long tornBytes = 0;
        long last = segments.Count == 0 ? first : segments.Keys.Max();

        // A snapshot that failed after creating its segment leaves that segment empty: a damaged tail may then sit in
        // the segment before it, which is still the newest one with records.
        long newestWritten = segments.Where(s => new FileInfo(s.Value).Length > 0).Select(s => s.Key).DefaultIfEmpty(first).Max();
        foreach ((long generation, string path) in segments)
        {
            (int count, long torn) = ReplaySegment(path, generation >= newestWritten, replay, log);
            replayed += count;
            tornBytes += torn;
        }

        string lastPath = SegmentPath(directory, last);
        if (!File.Exists(lastPath))
        {
            using (new FileStream(lastPath, FileMode.CreateNew, FileAccess.Write))
            {
            }

            DirectorySync.Flush(directory);
        }

        (int dropped, int removed) = links.Reconcile();
        if (dropped > 0 || removed > 0)
        {
            JournalLog.BlobsReconciled(log, dropped, removed);
        }

        var segment = new FileStream(lastPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 0, FileOptions.None);
        var report = new JournalOpenReport(loaded, first, segments.Count, replayed, tornBytes);
        JournalLog.Opened(log, directory, loaded, replayed, segments.Count, tornBytes);
        return new RegistryJournal(directory, clock, registry, links, snapshotEvery, log, segment, last, report);
    }

    /// <summary>
    /// Runs one write: <paramref name="body"/> appends its record with <see cref="JournalWrite.Append"/> (flushed to disk
    /// before it returns) and then applies the call to the registry; the registry's clock reads one pinned instant
    /// throughout. Writes run one at a time, in the order they get the lock.
    /// </summary>
    /// <exception cref="IOException">The record could not be written (nothing was applied), or an earlier failure left the journal unusable.</exception>
    /// <exception cref="ObjectDisposedException">The journal is closed.</exception>
    public async Task<T> WriteAsync<T>(Func<JournalWrite, T> body)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_broken)
            {
                throw new IOException($"the journal in '{_directory}' failed to write earlier and could not be repaired; writes are refused until the server restarts");
            }

            (DateTimeOffset at, string? actor) = _clock.ReadLive();
            var write = new JournalWrite(this, at, actor);
            T result;
            using (_clock.PinTo(at, actor))
            {
                result = body(write);
            }

            if (write.Appended && RecordsSinceSnapshot >= _snapshotEvery)
            {
                TakeSnapshot();
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes a snapshot now (between writes).</summary>
    public async Task SnapshotAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            TakeSnapshot();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the journal; on a clean shutdown (no write failure) takes a snapshot first when records were appended since the last one.</summary>
    public void Dispose()
    {
        _gate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            if (!_broken && RecordsSinceSnapshot > 0)
            {
                TakeSnapshot();
            }

            _disposed = true;
            _segment.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the segment without a snapshot, as a crash would leave the files (for tests).</summary>
    internal void CloseAbruptly()
    {
        _gate.Wait();
        try
        {
            _disposed = true;
            _segment.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    // Appends one framed record and flushes it to disk; on failure cuts the file back so that no partial record stays
    // in front of later ones (or, when even that fails, refuses every later write).
    private void Append(JournalRecord record, DateTimeOffset at, string? actor)
    {
        byte[] frame = JournalFrame.Encode(record.ToPayload(at, actor));
        long start = _length;
        try
        {
            _segment.Position = start;
            _segment.Write(frame);
            _segment.Flush(flushToDisk: true);
            _length = start + frame.Length;
            RecordsSinceSnapshot++;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            try
            {
                _segment.SetLength(start);
                _segment.Flush(flushToDisk: true);
            }
            catch (Exception repair) when (repair is IOException or UnauthorizedAccessException)
            {
                _broken = true;
                JournalLog.Broken(_log, _segment.Name, repair);
            }

            throw;
        }
    }

    private void TakeSnapshot()
    {
        long next = Generation + 1;
        string nextPath = SegmentPath(_directory, next);
        FileStream? created = null;
        bool renamed = false;
        try
        {
            created = new FileStream(nextPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 0, FileOptions.None);
            created.Flush(flushToDisk: true);
            DirectorySync.Flush(_directory);

            string snapshotPath = Path.Combine(_directory, SnapshotFileName);
            string temporary = snapshotPath + "." + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture) + ".tmp";
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.None))
            {
                file.Write(JournalFrame.Encode(Header(next, _links.Capture())));
                var registry = new ArrayBufferWriter<byte>(64 * 1024);
                RegistrySnapshot.Write(Registry, registry);
                file.Write(JournalFrame.Encode(registry.WrittenSpan));
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, snapshotPath, overwrite: true);
            renamed = true;
            DirectorySync.Flush(_directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            if (!renamed)
            {
                // The old snapshot and the current segment still hold everything; appends carry on there.
                created?.Dispose();
                try
                {
                    File.Delete(nextPath);
                }
                catch (IOException)
                {
                    // An empty segment after the current one is harmless at the next start.
                }

                JournalLog.SnapshotFailed(_log, _directory, error);
                return;
            }

            // The new snapshot is in place (perhaps not yet durable): appends must move to the segment it names,
            // and the old segments stay until a later snapshot's directory flush succeeds.
            JournalLog.SnapshotFailed(_log, _directory, error);
            Switch(created!, next, deleteOld: false);
            return;
        }

        Switch(created, next, deleteOld: true);
    }

    private void Switch(FileStream segment, long generation, bool deleteOld)
    {
        FileStream old = _segment;
        _segment = segment;
        _length = 0;
        Generation = generation;
        RecordsSinceSnapshot = 0;
        SnapshotsTaken++;
        old.Dispose();
        if (!deleteOld)
        {
            return;
        }

        try
        {
            foreach ((long number, string path) in Segments(_directory))
            {
                if (number < generation)
                {
                    File.Delete(path);
                }
            }
        }
        catch (IOException error)
        {
            // Harmless: the next start deletes the segments the snapshot covers.
            JournalLog.SnapshotFailed(_log, _directory, error);
        }
    }

    private static byte[] Header(long firstSegment, IReadOnlyList<(RepositoryName Repository, Digest[] Digests)> links)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("format", HeaderFormat);
            writer.WriteNumber("version", HeaderVersion);
            writer.WriteNumber("firstSegment", firstSegment);
            writer.WriteStartArray("blobLinks");
            foreach ((RepositoryName repository, Digest[] digests) in links)
            {
                writer.WriteStartObject();
                writer.WriteString("repository", repository.Value);
                writer.WriteStartArray("digests");
                foreach (Digest digest in digests)
                {
                    writer.WriteStringValue(digest.ToString());
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static (Registry Registry, long FirstSegment) ReadSnapshot(string path, RegistryOptions options, BlobLinks links)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (JournalFrame.TryDecode(bytes, out Range headerRange, out int headerLength) is var headerStatus && headerStatus != FrameStatus.Valid)
        {
            throw new JournalCorruptException(path, 0, $"the snapshot's header part is not whole ({headerStatus})");
        }

        if (JournalFrame.TryDecode(bytes.AsSpan(headerLength), out Range stateRange, out int stateLength) is var stateStatus && stateStatus != FrameStatus.Valid)
        {
            throw new JournalCorruptException(path, headerLength, $"the snapshot's registry part is not whole ({stateStatus})");
        }

        if (headerLength + stateLength != bytes.Length)
        {
            throw new JournalCorruptException(path, headerLength + stateLength, "bytes follow the snapshot's last part");
        }

        long first;
        try
        {
            using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(headerRange));
            JsonElement root = header.RootElement;
            if (root.GetProperty("format").GetString() != HeaderFormat || root.GetProperty("version").GetInt32() != HeaderVersion)
            {
                throw new JournalCorruptException(path, 0, $"the snapshot is not a {HeaderFormat} version {HeaderVersion.ToString(CultureInfo.InvariantCulture)} file");
            }

            first = root.GetProperty("firstSegment").GetInt64();
            foreach (JsonElement entry in root.GetProperty("blobLinks").EnumerateArray())
            {
                var repository = RepositoryName.Parse(entry.GetProperty("repository").GetString()!, options.Grammar);
                foreach (JsonElement digest in entry.GetProperty("digests").EnumerateArray())
                {
                    links.ReplayLink(repository, Digest.Parse(digest.GetString()!));
                }
            }
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new JournalCorruptException(path, 0, "the snapshot's header cannot be read: " + error.Message, error);
        }

        try
        {
            Registry registry = RegistrySnapshot.Read(bytes.AsMemory(HeaderLengthPlus(headerLength, stateRange)), options);
            return (registry, first);
        }
        catch (SnapshotInvalidException error)
        {
            throw new JournalCorruptException(path, headerLength, "the registry snapshot cannot be read with this server's options: " + error.Message, error);
        }
    }

    private static Range HeaderLengthPlus(int offset, Range range) => new(range.Start.Value + offset, range.End.Value + offset);

    private static (int Records, long TornBytes) ReplaySegment(string path, bool isLast, Replayer replay, ILogger log)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int offset = 0;
        int records = 0;
        while (true)
        {
            FrameStatus status = JournalFrame.TryDecode(bytes.AsSpan(offset), out Range payload, out int length);
            if (status == FrameStatus.End)
            {
                return (records, 0);
            }

            if (status != FrameStatus.Valid)
            {
                if (!isLast || JournalFrame.ContainsValidFrame(bytes.AsSpan(offset)))
                {
                    throw new JournalCorruptException(path, offset, isLast
                        ? $"a record is damaged ({status}) and valid records follow it"
                        : $"a record is damaged ({status}) in a segment that is not the newest");
                }

                long torn = bytes.Length - offset;
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None))
                {
                    file.SetLength(offset);
                    file.Flush(flushToDisk: true);
                }

                JournalLog.TornTail(log, path, offset, torn, status.ToString());
                return (records, torn);
            }

            JournalRecord record;
            try
            {
                record = JournalRecord.FromPayload(bytes.AsSpan(offset)[payload]);
            }
            catch (FormatException error)
            {
                throw new JournalCorruptException(path, offset, error.Message, error);
            }

            replay.Apply(record);
            records++;
            offset += length;
        }
    }

    private static SortedDictionary<long, string> Segments(string directory)
    {
        var segments = new SortedDictionary<long, string>();
        foreach (string path in System.IO.Directory.EnumerateFiles(directory, SegmentPrefix + "*" + SegmentSuffix))
        {
            string name = Path.GetFileName(path);
            string number = name[SegmentPrefix.Length..^SegmentSuffix.Length];
            if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out long generation))
            {
                segments[generation] = path;
            }
        }

        return segments;
    }

    // The registry's options with the journal's clock and actor source in place of the configured ones.
    private static RegistryOptions WithClock(RegistryOptions options, JournalClock clock) => new()
    {
        RegistryId = options.RegistryId,
        Region = options.Region,
        TimeProvider = clock,
        Grammar = options.Grammar,
        MaxTagsPerImage = options.MaxTagsPerImage,
        MaxImagesPerRepository = options.MaxImagesPerRepository,
        MaxManifestSizeInBytes = options.MaxManifestSizeInBytes,
        MaxHistoryEventsPerRepository = options.MaxHistoryEventsPerRepository,
        ActorProvider = options.ActorProvider is null ? null : clock.CurrentActor,
    };

    /// <summary>One write in progress: appends its record (once) before the body applies the call.</summary>
    internal sealed class JournalWrite
    {
        private readonly RegistryJournal _journal;
        private readonly DateTimeOffset _at;
        private readonly string? _actor;

        public JournalWrite(RegistryJournal journal, DateTimeOffset at, string? actor)
        {
            _journal = journal;
            _at = at;
            _actor = actor;
        }

        /// <summary>Whether the record was appended.</summary>
        public bool Appended { get; private set; }

        /// <summary>Appends <paramref name="record"/> and flushes it to disk.</summary>
        /// <exception cref="IOException">The record could not be written; the caller must not apply the call.</exception>
        public void Append(JournalRecord record)
        {
            _journal.Append(record, _at, _actor);
            Appended = true;
        }
    }
}

/// <summary>What opening the journal found.</summary>
/// <param name="SnapshotLoaded">Whether a state snapshot was loaded.</param>
/// <param name="FirstSegment">The first segment replayed.</param>
/// <param name="SegmentsReplayed">How many segments were replayed.</param>
/// <param name="RecordsReplayed">How many records were replayed.</param>
/// <param name="TornBytes">The bytes of a damaged tail cut from the newest segment; 0 when none.</param>
internal sealed record JournalOpenReport(bool SnapshotLoaded, long FirstSegment, int SegmentsReplayed, int RecordsReplayed, long TornBytes);
