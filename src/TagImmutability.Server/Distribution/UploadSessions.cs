using System.Collections.Concurrent;
using System.Globalization;
using TagImmutability.Server.Blobs;

namespace TagImmutability.Server.Distribution;

/// <summary>
/// One blob upload session (distribution spec, "Pushing a blob in chunks"): its random id, its repository, the
/// bytes received so far and when it was last used. Requests on one session run one at a time (<see cref="Gate"/>).
/// </summary>
internal sealed class UploadSession
{
    public UploadSession(string id, RepositoryName repository, IBlobUpload upload, DateTimeOffset now)
    {
        Id = id;
        Repository = repository;
        Upload = upload;
        LastUsed = now;
    }

    public string Id { get; }

    public RepositoryName Repository { get; }

    public IBlobUpload Upload { get; }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Set once the session completed, was cancelled or expired; a request that finds it set answers BLOB_UPLOAD_UNKNOWN.</summary>
    public bool Closed { get; set; }

    public DateTimeOffset LastUsed { get; set; }

    public string Location => $"/v2/{Repository}/blobs/uploads/{Id}";
}

/// <summary>
/// The open upload sessions. A session that sees no request for the configured timeout expires: a request for it
/// answers BLOB_UPLOAD_UNKNOWN, and a sweep that runs every quarter of the timeout (at most every minute) releases
/// its memory or temporary file even if no request ever comes.
/// </summary>
/// <remarks><b>Thread safety:</b> all members may be called concurrently.</remarks>
internal sealed class UploadSessions : IDisposable
{
    /// <summary>The most sessions open at once: each holds memory or a temporary file, so a client cannot open unbounded numbers.</summary>
    public const int MaxOpenSessions = 10_000;

    private readonly ConcurrentDictionary<string, UploadSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly ITimer _sweeper;

    public UploadSessions(TimeProvider time, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _time = time;
        _timeout = timeout;
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(timeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromMinutes(1).Ticks));
        _sweeper = TimeProvider.System.CreateTimer(_ => Sweep(), null, period, period);
    }

    public int Count => _sessions.Count;

    /// <summary>Opens a session for <paramref name="upload"/>; <see langword="null"/> when <see cref="MaxOpenSessions"/> are open (the caller disposes the upload).</summary>
    public UploadSession? Start(RepositoryName repository, IBlobUpload upload)
    {
        if (_sessions.Count >= MaxOpenSessions)
        {
            Sweep();
            if (_sessions.Count >= MaxOpenSessions)
            {
                return null;
            }
        }

        var session = new UploadSession(Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture), repository, upload, _time.GetUtcNow());
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>
    /// Finds the session <paramref name="id"/> of <paramref name="repository"/> and takes its gate; the caller releases
    /// the gate. <see langword="null"/> when there is no such open session (unknown, of another repository, closed or expired).
    /// </summary>
    public async Task<UploadSession?> AcquireAsync(string id, RepositoryName repository, CancellationToken cancellationToken)
    {
        if (!_sessions.TryGetValue(id, out UploadSession? session) || session.Repository != repository)
        {
            return null;
        }

        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (session.Closed)
        {
            session.Gate.Release();
            return null;
        }

        if (_time.GetUtcNow() - session.LastUsed > _timeout)
        {
            Close(session, dispose: true);
            session.Gate.Release();
            return null;
        }

        session.LastUsed = _time.GetUtcNow();
        return session;
    }

    /// <summary>Marks the session used now (after a request finished with it).</summary>
    public void Touch(UploadSession session) => session.LastUsed = _time.GetUtcNow();

    /// <summary>Ends the session; <paramref name="dispose"/> discards its bytes (false after a commit took them).</summary>
    public void Close(UploadSession session, bool dispose)
    {
        session.Closed = true;
        _sessions.TryRemove(new KeyValuePair<string, UploadSession>(session.Id, session));
        if (dispose)
        {
            session.Upload.Dispose();
        }
    }

    /// <summary>Closes every session idle for longer than the timeout that no request is using.</summary>
    public void Sweep()
    {
        DateTimeOffset now = _time.GetUtcNow();
        foreach (UploadSession session in _sessions.Values)
        {
            if (now - session.LastUsed > _timeout && session.Gate.Wait(0))
            {
                try
                {
                    if (!session.Closed)
                    {
                        Close(session, dispose: true);
                    }
                }
                finally
                {
                    session.Gate.Release();
                }
            }
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        foreach (UploadSession session in _sessions.Values)
        {
            Close(session, dispose: true);
        }
    }
}
