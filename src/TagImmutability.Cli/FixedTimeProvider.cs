namespace TagImmutability.Cli;

/// <summary>A clock that always answers the same instant: <c>--clock</c> makes replay output reproducible.</summary>
internal sealed class FixedTimeProvider : TimeProvider
{
    private readonly DateTimeOffset _now;

    public FixedTimeProvider(DateTimeOffset now) => _now = now.ToUniversalTime();

    public override DateTimeOffset GetUtcNow() => _now;
}
