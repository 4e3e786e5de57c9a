namespace TagImmutability.Server.Journal;

/// <summary>
/// The registry's clock and actor source when the server keeps a journal: the configured ones, except on a thread
/// that has pinned an instant and an actor, which reads exactly those. The journal pins them for the length of one
/// write, so every timestamp the write stamps (pushedAt, createdAt, history events) is the instant the record
/// carries, and a replay that pins the record's instant stamps the same ones.
/// </summary>
/// <remarks>
/// <b>Thread safety:</b> the pin is per thread (registry writes are synchronous, so a write runs on the thread that
/// pinned); other threads read the configured clock meanwhile.
/// </remarks>
internal sealed class JournalClock : TimeProvider
{
    [ThreadStatic]
    private static Pin? _pin;

    private readonly TimeProvider _inner;
    private readonly Func<string?>? _actors;

    public JournalClock(TimeProvider inner, Func<string?>? actors)
    {
        _inner = inner;
        _actors = actors;
    }

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => _pin is { } pin && pin.Owner == this ? pin.At : _inner.GetUtcNow();

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        _inner.CreateTimer(callback, state, dueTime, period);

    /// <summary>The actor the registry should record: the pinned one, or the configured provider's.</summary>
    public string? CurrentActor() => _pin is { } pin && pin.Owner == this ? pin.Actor : _actors?.Invoke();

    /// <summary>Whether an actor provider is configured at all (the registry's option is null when not).</summary>
    public bool HasActors => _actors is not null;

    /// <summary>Reads the configured clock and actor now, as a live write will record them.</summary>
    public (DateTimeOffset At, string? Actor) ReadLive() => (_inner.GetUtcNow().ToUniversalTime(), _actors?.Invoke());

    /// <summary>Pins <paramref name="at"/> and <paramref name="actor"/> on this thread until the result is disposed.</summary>
    public PinScope PinTo(DateTimeOffset at, string? actor)
    {
        Pin? previous = _pin;
        _pin = new Pin(this, at, actor);
        return new PinScope(previous);
    }

    /// <summary>Restores the previous pin of the thread when disposed.</summary>
    internal readonly struct PinScope : IDisposable
    {
        private readonly Pin? _previous;

        public PinScope(Pin? previous) => _previous = previous;

        public void Dispose() => _pin = _previous;
    }

    internal sealed record Pin(JournalClock Owner, DateTimeOffset At, string? Actor);
}
