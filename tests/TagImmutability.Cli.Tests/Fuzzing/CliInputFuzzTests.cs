using System.Diagnostics;
using System.Text;
using TagImmutability.Cli.Scenarios;

namespace TagImmutability.Cli.Tests.Fuzzing;

/// <summary>
/// Mutation fuzzing of the files the CLI reads: replay scenarios (the walkthrough, damaged) are either refused with a
/// <see cref="ScenarioException"/> before anything runs, or replayed to an exit code of 0 or 1; state files for
/// <c>tagimm check</c> end in exit code 0, 1 or 2, never an exception. Nothing hangs. Seeds are fixed (the same inputs
/// every run; <c>TAGIMM_SEED</c> chooses others).
/// </summary>
public sealed class CliInputFuzzTests : CliHarness
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("TAGIMM_SEED"), out int seed) ? seed : 20_261_129;

    private static readonly byte[][] Hostile =
    [
        [0x00], [0xFF], [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], .. new[] { "\"", "\\", "{", "}", "[", "]", ",", ":", "null", "1e400", "\\ud800", "\\u0000", "../", "/etc/passwd", "-99999999999999999999" }.Select(Encoding.UTF8.GetBytes),
    ];

    /// <summary>One to four mutations: truncation, a changed byte, a hostile insertion, a deleted or duplicated range, deep nesting, a long run.</summary>
    private static byte[] Mutate(byte[] input, Random random)
    {
        byte[] current = input;
        for (int n = random.Next(1, 5); n > 0; n--)
        {
            int at = random.Next(current.Length + 1);
            int end = Math.Min(current.Length, at + random.Next(1, 40));
            current = random.Next(8) switch
            {
                0 => current[..at],
                1 when current.Length > 0 => [.. current[..Math.Min(at, current.Length - 1)], (byte)random.Next(256), .. current[(Math.Min(at, current.Length - 1) + 1)..]],
                2 or 3 => [.. current[..at], .. Hostile[random.Next(Hostile.Length)], .. current[at..]],
                4 => [.. current[..at], .. current[end..]],
                5 => [.. current[..end], .. current[at..end], .. current[end..]],
                6 => [.. current[..at], .. Enumerable.Repeat((byte)'[', 5_000), .. current[at..]],
                _ => [.. current[..at], .. Enumerable.Repeat((byte)'a', 100_000), .. current[at..]],
            };
        }

        return current;
    }

    [Fact]
    public void Damaged_scenarios_are_refused_as_malformed_or_replayed()
    {
        string examples = Path.Combine(RepositoryRoot.Path, "docs", "examples");
        byte[] scenario = File.ReadAllBytes(Path.Combine(examples, "immutable-tags.json"));
        byte[] manifest = File.ReadAllBytes(Path.Combine(examples, "immutable-tags", "manifest-0001.json"));
        WriteBytes("immutable-tags/manifest-0002.json", File.ReadAllBytes(Path.Combine(examples, "immutable-tags", "manifest-0002.json")));
        var random = new Random(Seed);
        int refused = 0, replayed = 0;
        for (int i = 0; i < 400; i++)
        {
            string path = WriteBytes("scenario.json", Mutate(scenario, random));
            WriteBytes("immutable-tags/manifest-0001.json", i % 3 == 0 ? Mutate(manifest, random) : manifest);
            var watch = Stopwatch.StartNew();
            try
            {
                Scenario loaded = ScenarioLoader.Load(path);
                int code = ScenarioRunner.Run(loaded, new FixedTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), pretty: i % 2 == 0, TextWriter.Null, TextWriter.Null);
                Assert.True(code is ScenarioRunner.Success or ScenarioRunner.ExpectationFailed, $"input {i}: exit {code}");
                replayed++;
            }
            catch (ScenarioException)
            {
                refused++;
            }

            Assert.True(watch.Elapsed < Bound, $"input {i} took {watch.Elapsed.TotalSeconds:F1} s");
        }

        Assert.True(refused > 0 && replayed > 0, $"{refused} refused, {replayed} replayed: the fuzzer does not reach both outcomes");
    }

    [Fact]
    public void Damaged_state_files_make_check_exit_2_or_decide()
    {
        byte[] repositories = Encoding.UTF8.GetBytes(Check.CheckCommandTestsData.Repositories);
        byte[] images = Encoding.UTF8.GetBytes(Check.CheckCommandTestsData.Images);
        var random = new Random(Seed);
        var codes = new Dictionary<int, int>();
        for (int i = 0; i < 300; i++)
        {
            bool damageImages = i % 2 == 0;
            string repositoriesPath = WriteBytes("repos.json", damageImages ? repositories : Mutate(repositories, random));
            string imagesPath = WriteBytes("images.json", damageImages ? Mutate(images, random) : images);
            var watch = Stopwatch.StartNew();
            CliRun run = Tagimm("check", "--repositories", repositoriesPath, "--images", imagesPath, "--push", $"team/app:v1.0.0={Check.CheckCommandTestsData.D2}");
            Assert.True(run.ExitCode is 0 or 1 or 2, $"input {i}: exit {run.ExitCode}");
            Assert.True(run.ExitCode != 2 || (run.Output.Length == 0 && run.Error.StartsWith("tagimm: ", StringComparison.Ordinal)), $"input {i}: {run.Error}");
            Assert.True(watch.Elapsed < Bound, $"input {i} took {watch.Elapsed.TotalSeconds:F1} s");
            codes[run.ExitCode] = codes.GetValueOrDefault(run.ExitCode) + 1;
        }

        Assert.True(codes.GetValueOrDefault(2) > 0 && codes.GetValueOrDefault(1) > 0, string.Join(", ", codes.Select(p => $"exit {p.Key}: {p.Value}")));
    }
}

/// <summary>What the fuzzer found, kept as an example: this scenario once crashed <c>tagimm replay</c> with an InvalidOperationException.</summary>
public sealed class CliFuzzFindingsTests : CliHarness
{
    [Fact]
    public void A_member_name_with_an_escaped_lone_surrogate_is_a_malformed_scenario()
    {
        string path = Write("scenario.json", """{"steps":[{"operation":"ListImages","\ud800":1}]}""");
        CliRun run = Tagimm("replay", path);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"tagimm: malformed scenario '{path}': the scenario holds a member name that is not valid Unicode", run.Error, StringComparison.Ordinal);
    }
}
