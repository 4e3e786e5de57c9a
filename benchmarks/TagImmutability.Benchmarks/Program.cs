using System.Globalization;
using BenchmarkDotNet.Running;
using TagImmutability.Benchmarks.Concurrency;
using TagImmutability.Benchmarks.Memory;

// Two measured programs beside BenchmarkDotNet (docs/benchmarks.md):
//   --memory [--tags N]                 benchmark 7, managed memory per tag (default 1,000,000 tags)
//   --concurrency [--rounds N] [--tags N]  benchmark 6 with its cases interleaved (default 30 rounds, 10,000 and 1,000,000 tags)
if (args.Length > 0 && args[0] == "--memory")
{
    MemoryPerTag.Run(Option(args, "--tags") ?? 1_000_000, Console.Out);
    return 0;
}

if (args.Length > 0 && args[0] == "--concurrency")
{
    int[] sizes = Option(args, "--tags") is { } tags ? [tags] : [10_000, 1_000_000];
    InterleavedConcurrencyRun.Run(sizes, Option(args, "--rounds") ?? 30, Console.Out);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

static int? Option(string[] args, string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
}

/// <summary>The entry point's type, named so that the switcher can find this assembly.</summary>
public partial class Program;
