using System.Globalization;
using BenchmarkDotNet.Running;
using TagImmutability.Benchmarks.Memory;

// --memory [--tags N]: benchmark 7 (managed memory per tag) in this process, without BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--memory")
{
    int tags = args.Length >= 3 && args[1] == "--tags" ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000_000;
    MemoryPerTag.Run(tags, Console.Out);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

/// <summary>The entry point's type, named so that the switcher can find this assembly.</summary>
public partial class Program;
