namespace TagImmutability.Benchmarks.Shared;

/// <summary>
/// The repository sizes the hot-path issue asks for: 10,000 and 1,000,000 tags. Under the dry job (CI's smoke run,
/// <c>--job dry</c>) only 10,000: building a 1,000,000-tag registry through the public API takes 30 to 60 seconds here,
/// and the smoke run checks that every benchmark runs and agrees with its baseline, which the smaller size shows as well.
/// </summary>
public static class TagCounts
{
    /// <summary>The sizes for <c>[ParamsSource]</c>.</summary>
    /// <returns>10,000 and 1,000,000, or 10,000 alone under the dry job.</returns>
    public static IEnumerable<int> Sizes() => IsDryRun ? [10_000] : [10_000, 1_000_000];

    /// <summary>Whether the process was started with <c>--job dry</c> (or <c>-j dry</c>).</summary>
    public static bool IsDryRun { get; } = DryJobAsked(Environment.GetCommandLineArgs());

    private static bool DryJobAsked(string[] args)
    {
        for (int i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] is "--job" or "-j" && args[i + 1].Equals("dry", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
