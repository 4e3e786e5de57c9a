using System.Security.Cryptography;
using TagImmutability.Server.Blobs;

namespace TagImmutability.Server.Tests.Blobs;

/// <summary>What every blob store does: verify, commit, read back, roll back a failed chunk, deduplicate.</summary>
public abstract class BlobStoreTests : IDisposable
{
    private protected abstract IBlobStore Store { get; }

    [Fact]
    public async Task A_committed_upload_reads_back_under_its_digest()
    {
        byte[] content = RandomNumberGenerator.GetBytes(200_001);
        using IBlobUpload upload = Store.BeginUpload();
        Assert.Equal(content.Length, await upload.AppendAsync(new MemoryStream(content), long.MaxValue, CancellationToken.None));
        Digest digest = upload.ComputeDigest(DigestAlgorithm.Sha256);
        Assert.Equal(Digest.Compute(content), digest);
        Assert.False(Store.TryGetLength(digest, out _));
        upload.Commit(digest);

        Assert.True(Store.TryGetLength(digest, out long length));
        Assert.Equal(content.Length, length);
        using Stream read = Store.OpenRead(digest)!;
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task A_sha512_digest_is_computed_from_the_bytes_too()
    {
        byte[] content = RandomNumberGenerator.GetBytes(70_000);
        using IBlobUpload upload = Store.BeginUpload();
        await upload.AppendAsync(new MemoryStream(content), long.MaxValue, CancellationToken.None);
        Assert.Equal(Digest.Compute(content, DigestAlgorithm.Sha512), upload.ComputeDigest(DigestAlgorithm.Sha512));
    }

    [Fact]
    public async Task A_chunk_over_the_limit_is_rolled_back_entirely()
    {
        byte[] first = RandomNumberGenerator.GetBytes(100);
        using IBlobUpload upload = Store.BeginUpload();
        await upload.AppendAsync(new MemoryStream(first), 150, CancellationToken.None);
        BlobLimitException error = await Assert.ThrowsAsync<BlobLimitException>(() => upload.AppendAsync(new MemoryStream(new byte[100]), 150, CancellationToken.None));
        Assert.Equal(BlobLimit.BlobSize, error.Limit);
        Assert.Equal(100, upload.Length);
        Assert.Equal(Digest.Compute(first), upload.ComputeDigest(DigestAlgorithm.Sha256));
    }

    [Fact]
    public async Task Truncate_rehashes_what_is_kept()
    {
        byte[] content = RandomNumberGenerator.GetBytes(100_000);
        using IBlobUpload upload = Store.BeginUpload();
        await upload.AppendAsync(new MemoryStream(content), long.MaxValue, CancellationToken.None);
        upload.Truncate(65_537);
        Assert.Equal(Digest.Compute(content.AsSpan(0, 65_537)), upload.ComputeDigest(DigestAlgorithm.Sha256));
        await upload.AppendAsync(new MemoryStream(content[65_537..]), long.MaxValue, CancellationToken.None);
        Assert.Equal(Digest.Compute(content), upload.ComputeDigest(DigestAlgorithm.Sha256));
    }

    [Fact]
    public async Task Committing_content_the_store_holds_keeps_one_copy()
    {
        byte[] content = RandomNumberGenerator.GetBytes(1000);
        Digest digest = Digest.Compute(content);
        foreach (int _ in Enumerable.Range(0, 2))
        {
            using IBlobUpload upload = Store.BeginUpload();
            await upload.AppendAsync(new MemoryStream(content), long.MaxValue, CancellationToken.None);
            upload.Commit(digest);
        }

        Assert.True(Store.TryGetLength(digest, out long length));
        Assert.Equal(1000, length);
        Store.Delete(digest);
        Assert.False(Store.TryGetLength(digest, out _));
        Assert.Null(Store.OpenRead(digest));
    }

    public virtual void Dispose()
    {
        Store.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class MemoryBlobStoreTests : BlobStoreTests
{
    private readonly MemoryBlobStore _store = new(1 << 20);

    private protected override IBlobStore Store => _store;

    [Fact]
    public async Task The_cap_counts_the_memory_uploads_hold_and_is_released_by_delete_and_dispose()
    {
        var store = new MemoryBlobStore(10_000);
        IBlobUpload first = store.BeginUpload();
        await first.AppendAsync(new MemoryStream(new byte[6000]), long.MaxValue, CancellationToken.None);
        Assert.Equal(8192, store.UsedBytes);
        using IBlobUpload second = store.BeginUpload();
        BlobLimitException full = await Assert.ThrowsAsync<BlobLimitException>(() => second.AppendAsync(new MemoryStream(new byte[6000]), long.MaxValue, CancellationToken.None));
        Assert.Equal(BlobLimit.StoreCapacity, full.Limit);
        Assert.Equal(8192, store.UsedBytes);

        first.Dispose();
        Assert.Equal(0, store.UsedBytes);
        await second.AppendAsync(new MemoryStream(new byte[6000]), long.MaxValue, CancellationToken.None);
        second.Commit(Digest.Compute(new byte[6000]));
        Assert.Equal(6000, store.UsedBytes);
        store.Delete(Digest.Compute(new byte[6000]));
        Assert.Equal(0, store.UsedBytes);
    }

    [Fact]
    public async Task A_small_blob_holds_its_size_once_committed_and_a_large_one_full_segments()
    {
        var store = new MemoryBlobStore(1 << 20);
        byte[] large = RandomNumberGenerator.GetBytes(200_000);
        foreach (byte[] content in new[] { new byte[300], large })
        {
            using IBlobUpload upload = store.BeginUpload();
            await upload.AppendAsync(new MemoryStream(content), long.MaxValue, CancellationToken.None);
            upload.Commit(Digest.Compute(content));
        }

        Assert.Equal(200_300, store.UsedBytes);
        using var copy = new MemoryStream();
        await store.OpenRead(Digest.Compute(large))!.CopyToAsync(copy);
        Assert.Equal(large, copy.ToArray());
    }
}

public sealed class FileBlobStoreTests : BlobStoreTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tagimm-store-" + Guid.NewGuid().ToString("N"));
    private readonly FileBlobStore _store;

    public FileBlobStoreTests() => _store = new FileBlobStore(_directory);

    private protected override IBlobStore Store => _store;

    [Fact]
    public async Task An_upload_lives_in_the_uploads_folder_until_it_is_committed_by_rename()
    {
        byte[] content = RandomNumberGenerator.GetBytes(5000);
        Digest digest = Digest.Compute(content);
        string target = Path.Combine(_directory, "blobs", "sha256", digest.Encoded[..2], digest.Encoded);
        using (IBlobUpload upload = _store.BeginUpload())
        {
            await upload.AppendAsync(new MemoryStream(content), long.MaxValue, CancellationToken.None);
            Assert.Single(Directory.GetFiles(Path.Combine(_directory, "uploads")));
            Assert.False(File.Exists(target));
            upload.Commit(digest);
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(_directory, "uploads")));
        Assert.Equal(content, await File.ReadAllBytesAsync(target));
    }

    [Fact]
    public void Uploads_left_by_a_previous_run_are_removed_at_start()
    {
        File.WriteAllText(Path.Combine(_directory, "uploads", "left-over"), "partial");
        using var restarted = new FileBlobStore(_directory);
        Assert.Empty(Directory.GetFiles(Path.Combine(_directory, "uploads")));
    }

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

public sealed class UploadSessionsTests
{
    [Fact]
    public async Task A_sweep_releases_idle_sessions_and_keeps_busy_and_fresh_ones()
    {
        var clock = new Distribution.ManualClock(DateTimeOffset.UnixEpoch);
        var store = new MemoryBlobStore(1 << 20);
        using var sessions = new TagImmutability.Server.Distribution.UploadSessions(clock, TimeSpan.FromMinutes(5));
        RepositoryName repository = RepositoryName.Parse("team/app");
        var idle = sessions.Start(repository, store.BeginUpload())!;
        await idle.Upload.AppendAsync(new MemoryStream(new byte[100]), long.MaxValue, CancellationToken.None);
        var busy = sessions.Start(repository, store.BeginUpload())!;
        clock.Advance(TimeSpan.FromMinutes(4));
        var fresh = sessions.Start(repository, store.BeginUpload())!;
        clock.Advance(TimeSpan.FromMinutes(2));
        await busy.Gate.WaitAsync();

        sessions.Sweep();

        Assert.True(idle.Closed);
        Assert.False(busy.Closed);
        Assert.False(fresh.Closed);
        Assert.Equal(0, store.UsedBytes);
        Assert.Equal(2, sessions.Count);
        busy.Gate.Release();
        Assert.NotNull(await sessions.AcquireAsync(fresh.Id, repository, CancellationToken.None));
    }

    [Fact]
    public void The_number_of_open_sessions_is_capped_until_idle_ones_expire()
    {
        var clock = new Distribution.ManualClock(DateTimeOffset.UnixEpoch);
        var store = new MemoryBlobStore(1 << 20);
        using var sessions = new TagImmutability.Server.Distribution.UploadSessions(clock, TimeSpan.FromMinutes(5));
        RepositoryName repository = RepositoryName.Parse("team/app");
        for (int i = 0; i < TagImmutability.Server.Distribution.UploadSessions.MaxOpenSessions; i++)
        {
            Assert.NotNull(sessions.Start(repository, store.BeginUpload()));
        }

        Assert.Null(sessions.Start(repository, store.BeginUpload()));
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.NotNull(sessions.Start(repository, store.BeginUpload()));
        Assert.Equal(1, sessions.Count);
    }
}
