using System.CommandLine;
using System.Globalization;
using TagImmutability.Cli.Scenarios;

namespace TagImmutability.Cli;

/// <summary>
/// The <c>tagimm</c> command line. <c>tagimm replay FILE [--pretty] [--clock TIME]</c> replays an ECR scenario file
/// against the library's in-memory registry. Exit codes: 0 every expectation held; 1 at least one failed (each is
/// named on standard error); 2 the scenario or the command line is malformed (the step and the reason are named).
/// <c>tagimm serve</c> runs a local registry until Ctrl-C (<see cref="Serve.ServeCommand"/>); <c>tagimm check</c> is
/// <see cref="Check.CheckCommand"/>.
/// </summary>
internal static class TagImmCommand
{
    /// <summary>Parses <paramref name="args"/> and runs the command, writing to the given writers instead of the console.</summary>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("FILE") { Description = "The scenario: a JSON file of ECR calls (see docs/examples/README.md)." };
        var pretty = new Option<bool>("--pretty") { Description = "Indent each step's JSON object instead of writing one line per step." };
        var clock = new Option<string?>("--clock")
        {
            Description = "Fix the registry's clock at this instant (ISO 8601, such as 2026-01-01T00:00:00Z) for reproducible output.",
            HelpName = "TIME",
        };
        var replay = new Command("replay", "Replay an ECR scenario against an in-memory registry with ECR's tag immutability rules.")
        {
            file,
            pretty,
            clock,
        };
        replay.SetAction(parsed => Replay(parsed.GetValue(file)!, parsed.GetValue(pretty), parsed.GetValue(clock), output, error));
        var root = new RootCommand("tagimm: container registry tag immutability, as Amazon ECR applies it.") { replay };
        root.Subcommands.Add(Serve.ServeCommand.Create(output, error));
        root.Subcommands.Add(Check.CheckCommand.Create(output, error));

        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError problem in result.Errors)
            {
                error.Write($"tagimm: {problem.Message}\n");
            }

            error.Write("tagimm: see 'tagimm --help'\n");
            return ScenarioRunner.Malformed;
        }

        return result.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static int Replay(string path, bool pretty, string? clockText, TextWriter output, TextWriter error)
    {
        TimeProvider clock = TimeProvider.System;
        if (clockText is not null)
        {
            if (!DateTimeOffset.TryParse(clockText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset now))
            {
                error.Write($"tagimm: --clock '{clockText}' is not a date and time; use ISO 8601, such as 2026-01-01T00:00:00Z\n");
                return ScenarioRunner.Malformed;
            }

            clock = new FixedTimeProvider(now);
        }

        Scenario scenario;
        try
        {
            scenario = ScenarioLoader.Load(path);
        }
        catch (ScenarioException problem)
        {
            error.Write($"tagimm: malformed scenario '{path}': {problem.Message}\n");
            return ScenarioRunner.Malformed;
        }

        return ScenarioRunner.Run(scenario, clock, pretty, output, error);
    }
}
