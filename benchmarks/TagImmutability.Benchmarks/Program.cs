using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>The entry point's type, named so that the switcher can find this assembly.</summary>
public partial class Program;
