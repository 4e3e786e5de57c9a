using System.Diagnostics;

namespace TagImmutability.Tests.Fuzzing;

/// <summary>
/// The contract every parser of untrusted bytes keeps: it returns, or throws one of its documented exception types;
/// never anything else (no <see cref="NullReferenceException"/>, <see cref="IndexOutOfRangeException"/>,
/// <see cref="InvalidOperationException"/>, <see cref="OverflowException"/>, stack overflow...), and never hangs:
/// each input completes well within <see cref="Bound"/> (inputs are at most a few hundred kilobytes).
/// </summary>
public static class HostileInput
{
    /// <summary>A generous bound on one input: far above what a linear parser needs, far below what a hang takes.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="parse"/>; true when it returned, false when it threw a documented type; anything else propagates.</summary>
    public static bool Survives(Action parse, params Type[] documented)
    {
        var watch = Stopwatch.StartNew();
        bool returned = true;
        try
        {
            parse();
        }
        catch (Exception error) when (documented.Any(type => type.IsInstanceOfType(error)))
        {
            returned = false;
        }

        Assert.True(watch.Elapsed < Bound, $"one input took {watch.Elapsed.TotalSeconds:F2} s");
        return returned;
    }
}
