using TagImmutability.Server.Journal;

namespace TagImmutability.Server.Tests.Journal;

public sealed class RegistryJournalTests : IDisposable
{
    private readonly JournalFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task A_restart_after_a_crash_replays_every_record_with_its_instant()
    {
        RegistryJournal journal = _fixture.Open();
        await CreateAsync(journal, "app", "IMMUTABLE");
        await PutAsync(journal, "app", "v1", 1);
        EcrResponse refused = await PutAsync(journal, "app", "v1", 2);
        Assert.Equal("ImageTagAlreadyExistsException", refused.ErrorType);
        string live = JournalFixture.SnapshotText(journal.Registry);
        journal.CloseAbruptly();

        _fixture.Clock.Advance(TimeSpan.FromDays(3));
        RegistryJournal reopened = _fixture.Open();

        Assert.Equal(live, JournalFixture.SnapshotText(reopened.Registry));
        Assert.Equal(3, reopened.Opened.RecordsReplayed);
        Assert.False(reopened.Opened.SnapshotLoaded);
        Assert.Contains(reopened.Registry.GetHistory(RepositoryName.Parse("app")), e => e.Kind == TagEventKind.Rejected);
        reopened.Dispose();
    }

    [Fact]
    public async Task A_clean_close_snapshots_so_the_next_start_replays_nothing()
    {
        RegistryJournal journal = _fixture.Open();
        await CreateAsync(journal, "app", "MUTABLE");
        await PutAsync(journal, "app", "latest", 1);
        string live = JournalFixture.SnapshotText(journal.Registry);
        journal.Dispose();

        RegistryJournal reopened = _fixture.Open();

        Assert.True(reopened.Opened.SnapshotLoaded);
        Assert.Equal(0, reopened.Opened.RecordsReplayed);
        Assert.Equal(live, JournalFixture.SnapshotText(reopened.Registry));
        Assert.Single(Directory.GetFiles(_fixture.StateDirectory, "journal-*.log"));
        reopened.Dispose();
    }

    [Fact]
    public async Task Snapshots_every_N_records_start_a_new_segment_and_delete_the_old()
    {
        RegistryJournal journal = _fixture.Open(snapshotEvery: 2);
        await CreateAsync(journal, "app", "MUTABLE");
        await PutAsync(journal, "app", "a", 1);
        await PutAsync(journal, "app", "b", 2);
        Assert.Equal(1, journal.SnapshotsTaken);
        Assert.Equal(2, journal.Generation);
        Assert.Equal(1, journal.RecordsSinceSnapshot);
        Assert.Equal([RegistryJournal.SegmentPath(_fixture.StateDirectory, 2)], Directory.GetFiles(_fixture.StateDirectory, "journal-*.log"));
        string live = JournalFixture.SnapshotText(journal.Registry);
        journal.CloseAbruptly();

        RegistryJournal reopened = _fixture.Open(snapshotEvery: 2);

        Assert.True(reopened.Opened.SnapshotLoaded);
        Assert.Equal(1, reopened.Opened.RecordsReplayed);
        Assert.Equal(live, JournalFixture.SnapshotText(reopened.Registry));
        reopened.Dispose();
    }

    [Fact]
    public async Task A_torn_last_record_is_cut_away_at_every_byte_offset()
    {
        RegistryJournal journal = _fixture.Open();
        await CreateAsync(journal, "app", "IMMUTABLE");
        await PutAsync(journal, "app", "v1", 1);
        string beforeLast = JournalFixture.SnapshotText(journal.Registry);
        string segment = RegistryJournal.SegmentPath(_fixture.StateDirectory, 1);
        long lastStart = new FileInfo(segment).Length;
        await PutAsync(journal, "app", "v2", 2);
        journal.CloseAbruptly();
        long lastEnd = new FileInfo(segment).Length;

        for (long cut = lastStart; cut < lastEnd; cut++)
        {
            string copy = _fixture.Copy();
            string copied = RegistryJournal.SegmentPath(Path.Combine(copy, RegistryJournal.StateDirectoryName), 1);
            using (var file = new FileStream(copied, FileMode.Open))
            {
                file.SetLength(cut);
            }

            RegistryJournal reopened = _fixture.Open(root: copy);
            Assert.Equal(beforeLast, JournalFixture.SnapshotText(reopened.Registry));
            Assert.Equal(2, reopened.Opened.RecordsReplayed);
            Assert.Equal(cut - lastStart, reopened.Opened.TornBytes);
            reopened.CloseAbruptly();
            Assert.Equal(lastStart, new FileInfo(copied).Length);
        }
    }

    [Fact]
    public async Task A_tail_of_zeros_left_by_a_power_failure_is_cut_away_and_appends_continue_after_the_last_record()
    {
        RegistryJournal journal = _fixture.Open();
        await CreateAsync(journal, "app", "MUTABLE");
        journal.CloseAbruptly();
        string segment = RegistryJournal.SegmentPath(_fixture.StateDirectory, 1);
        long length = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write(new byte[4096]);
        }

        RegistryJournal reopened = _fixture.Open();
        Assert.Equal(4096, reopened.Opened.TornBytes);
        await PutAsync(reopened, "app", "latest", 1);
        string live = JournalFixture.SnapshotText(reopened.Registry);
        reopened.CloseAbruptly();
        Assert.True(new FileInfo(segment).Length > length);

        RegistryJournal third = _fixture.Open();
        Assert.Equal(live, JournalFixture.SnapshotText(third.Registry));
        Assert.Equal(0, third.Opened.TornBytes);
        third.Dispose();
    }

    [Fact]
    public async Task A_damaged_record_with_valid_records_after_it_is_refused_with_its_offset()
    {
        RegistryJournal journal = _fixture.Open();
        await CreateAsync(journal, "app", "MUTABLE");
        string segment = RegistryJournal.SegmentPath(_fixture.StateDirectory, 1);
        long second = new FileInfo(segment).Length;
        await PutAsync(journal, "app", "a", 1);
        await PutAsync(journal, "app", "b", 2);
        journal.CloseAbruptly();
        byte[] bytes = File.ReadAllBytes(segment);
        bytes[second + JournalFrame.HeaderLength + 10] ^= 0x20;
        File.WriteAllBytes(segment, bytes);

        JournalCorruptException error = Assert.Throws<JournalCorruptException>(() => _fixture.Open());

        Assert.Equal(segment, error.Path);
        Assert.Equal(second, error.Offset);
        Assert.Contains("valid records follow", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes.Length, new FileInfo(segment).Length);
    }

    [Fact]
    public async Task A_damaged_record_in_a_segment_that_is_not_the_newest_is_refused()
    {
        RegistryJournal journal = _fixture.Open();
        await CreateAsync(journal, "app", "MUTABLE");
        journal.CloseAbruptly();
        string first = RegistryJournal.SegmentPath(_fixture.StateDirectory, 1);
        byte[] bytes = File.ReadAllBytes(first);
        File.WriteAllBytes(first, bytes[..^3]);
        File.WriteAllBytes(RegistryJournal.SegmentPath(_fixture.StateDirectory, 2), bytes);

        JournalCorruptException error = Assert.Throws<JournalCorruptException>(() => _fixture.Open());

        Assert.Equal(first, error.Path);
        Assert.Contains("not the newest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_segment_between_others_is_refused()
    {
        RegistryJournal journal = _fixture.Open();
        await CreateAsync(journal, "app", "MUTABLE");
        journal.CloseAbruptly();
        File.Copy(RegistryJournal.SegmentPath(_fixture.StateDirectory, 1), RegistryJournal.SegmentPath(_fixture.StateDirectory, 3));

        JournalCorruptException error = Assert.Throws<JournalCorruptException>(() => _fixture.Open());

        Assert.Equal(RegistryJournal.SegmentPath(_fixture.StateDirectory, 2), error.Path);
    }

    [Fact]
    public async Task A_damaged_snapshot_is_refused_not_ignored()
    {
        RegistryJournal journal = _fixture.Open();
        await CreateAsync(journal, "app", "MUTABLE");
        journal.Dispose();
        string snapshot = Path.Combine(_fixture.StateDirectory, RegistryJournal.SnapshotFileName);
        byte[] bytes = File.ReadAllBytes(snapshot);
        bytes[^20] ^= 0x01;
        File.WriteAllBytes(snapshot, bytes);

        JournalCorruptException error = Assert.Throws<JournalCorruptException>(() => _fixture.Open());

        Assert.Equal(snapshot, error.Path);
    }

    [Fact]
    public async Task A_crash_between_the_snapshot_rename_and_the_segment_switch_replays_nothing_twice()
    {
        RegistryJournal journal = _fixture.Open();
        await CreateAsync(journal, "app", "IMMUTABLE");
        await PutAsync(journal, "app", "v1", 1);
        await PutAsync(journal, "app", "v1", 2);
        string segment = RegistryJournal.SegmentPath(_fixture.StateDirectory, 1);
        byte[] covered = File.ReadAllBytes(segment);
        await journal.SnapshotAsync();
        string live = JournalFixture.SnapshotText(journal.Registry);
        journal.CloseAbruptly();

        // The snapshot names segment 2, but segment 1 is still there (its deletion never happened).
        File.WriteAllBytes(segment, covered);
        RegistryJournal reopened = _fixture.Open();

        Assert.Equal(live, JournalFixture.SnapshotText(reopened.Registry));
        Assert.Equal(0, reopened.Opened.RecordsReplayed);
        Assert.False(File.Exists(segment));
        reopened.Dispose();
    }

    [Fact]
    public async Task A_crash_after_the_new_segment_is_created_but_before_the_rename_replays_the_old_segment()
    {
        RegistryJournal journal = _fixture.Open();
        await CreateAsync(journal, "app", "IMMUTABLE");
        await PutAsync(journal, "app", "v1", 1);
        string live = JournalFixture.SnapshotText(journal.Registry);
        journal.CloseAbruptly();
        File.WriteAllBytes(RegistryJournal.SegmentPath(_fixture.StateDirectory, 2), []);
        File.WriteAllBytes(Path.Combine(_fixture.StateDirectory, RegistryJournal.SnapshotFileName + ".0123.tmp"), [1, 2, 3]);

        RegistryJournal reopened = _fixture.Open();

        Assert.Equal(live, JournalFixture.SnapshotText(reopened.Registry));
        Assert.Equal(2, reopened.Opened.RecordsReplayed);
        Assert.Empty(Directory.GetFiles(_fixture.StateDirectory, "*.tmp"));
        reopened.Dispose();
    }

    private Task<EcrResponse> CreateAsync(RegistryJournal journal, string repository, string mode) =>
        _fixture.EcrAsync(journal, "CreateRepository", $"{{\"repositoryName\":\"{repository}\",\"imageTagMutability\":\"{mode}\"}}");

    private Task<EcrResponse> PutAsync(RegistryJournal journal, string repository, string tag, int build) =>
        _fixture.EcrAsync(journal, "PutImage", $"{{\"repositoryName\":\"{repository}\",\"imageTag\":\"{tag}\",\"imageManifest\":{System.Text.Json.JsonSerializer.Serialize(ManifestOf(build))}}}");

    internal static string ManifestOf(int build) => System.Text.Encoding.UTF8.GetString(Distribution.TestImage.Scratch("build-" + build).Manifest);
}
