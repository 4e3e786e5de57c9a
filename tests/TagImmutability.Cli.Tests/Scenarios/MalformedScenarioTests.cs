namespace TagImmutability.Cli.Tests.Scenarios;

/// <summary>
/// A scenario that cannot be replayed exits 2 before any step runs (nothing on standard output), and standard error
/// names the step and the reason. A bad command line exits 2 as well.
/// </summary>
public sealed class MalformedScenarioTests : CliHarness
{
    [Theory]
    [InlineData("{\"steps\":[", "the scenario file is not valid JSON")]
    [InlineData("[]", "the scenario must be a JSON object with a 'steps' array")]
    [InlineData("{}", "the scenario has no 'steps' array")]
    [InlineData("{\"steps\":{}}", "the scenario has no 'steps' array")]
    [InlineData("{\"step\":[]}", "the scenario: unknown member 'step' (allowed: registryId, region, steps)")]
    [InlineData("{\"registryId\":\"12\",\"steps\":[]}", "the scenario's registry id '12' is invalid: it must match [0-9]{12}")]
    [InlineData("{\"region\":\"Tokyo\",\"steps\":[]}", "the scenario's region 'Tokyo' is invalid: it must match [a-z0-9-]{1,32}")]
    [InlineData("{\"registryId\":123456789012,\"steps\":[]}", "the scenario: 'registryId' must be a string")]
    [InlineData("{\"steps\":[{\"operation\":\"ListImages\"},7]}", "step 2: a step must be a JSON object")]
    [InlineData("{\"steps\":[{\"input\":{}}]}", "step 1: 'operation' is missing or empty")]
    [InlineData("{\"steps\":[{\"operation\":\"\"}]}", "step 1: 'operation' is missing or empty")]
    [InlineData("{\"steps\":[{\"operation\":\"ListImages\",\"expected\":\"ok\"}]}", "step 1: unknown member 'expected' (allowed: operation, input, expect, comment)")]
    [InlineData("{\"steps\":[{\"operation\":\"ListImages\",\"expect\":true}]}", "step 1: 'expect' must be a string")]
    [InlineData("{\"steps\":[{\"operation\":\"ListImages\",\"expect\":\"\"}]}", "step 1: 'expect' is empty")]
    [InlineData("{\"steps\":[{\"operation\":\"ListImages\",\"input\":[]}]}", "step 1: 'input' must be a JSON object (the ECR request)")]
    [InlineData("{\"steps\":[{\"operation\":\"PutImage\",\"input\":{\"imageManifestFile\":\"missing.json\"}}]}", "step 1: cannot read the manifest file 'missing.json'")]
    [InlineData("{\"steps\":[{\"operation\":\"PutImage\",\"input\":{\"imageManifestFile\":3}}]}", "step 1: 'input.imageManifestFile' must be a non-empty string")]
    [InlineData("{\"steps\":[{\"operation\":\"PutImage\",\"input\":{\"imageManifestFile\":\"latin1.json\"}}]}", "step 1: the manifest file 'latin1.json' is not UTF-8 text")]
    [InlineData("{\"steps\":[{\"operation\":\"PutImage\",\"input\":{\"imageManifest\":\"{}\",\"imageManifestFile\":\"ok.json\"}}]}", "step 1: 'input' has both 'imageManifest' and 'imageManifestFile'; give one")]
    // an empty scenario checks nothing; duplicate members could hide steps
    [InlineData("{\"steps\":[]}", "the scenario has no steps: an empty scenario checks nothing")]
    [InlineData("{\"steps\":[{\"operation\":\"ListImages\"}],\"steps\":[]}", "the scenario file is not valid JSON")]
    // an unpaired surrogate is not text
    [InlineData("{\"steps\":[{\"operation\":\"ListImages\",\"comment\":\"\\ud800\"}]}", "step 1: a string is not valid Unicode")]
    // manifests are read from the scenario's folder only
    [InlineData("{\"steps\":[{\"operation\":\"PutImage\",\"input\":{\"imageManifestFile\":\"../outside.json\"}}]}", "step 1: the manifest file '../outside.json' is outside the scenario's folder")]
    [InlineData("{\"steps\":[{\"operation\":\"PutImage\",\"input\":{\"imageManifestFile\":\"/etc/hostname\"}}]}", "step 1: the manifest file '/etc/hostname' is outside the scenario's folder")]
    public void A_malformed_scenario_exits_2_naming_the_step_and_the_reason(string scenario, string reason)
    {
        WriteBytes("latin1.json", [0x7B, 0x22, 0xE9, 0x22, 0x7D]);
        Write("ok.json", "{}");
        string path = Write("scenario.json", scenario);
        CliRun run = Tagimm("replay", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        Assert.StartsWith($"tagimm: malformed scenario '{path}': {reason}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_scenario_file_exits_2()
    {
        string path = Path.Combine(Folder, "absent.json");
        CliRun run = Tagimm("replay", path);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"tagimm: malformed scenario '{path}': cannot read the scenario file: ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Steps_after_a_malformed_one_never_run_and_nothing_is_written()
    {
        string path = Write("scenario.json", """{"steps":[{"operation":"CreateRepository","input":{"repositoryName":"app"}},{"operation":5}]}""");
        CliRun run = Tagimm("replay", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        Assert.Contains("step 2: 'operation' must be a string", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("replay", "a.json", "b.json")]
    [InlineData("replay", "a.json", "--colour")]
    [InlineData("play", "a.json")]
    [InlineData]
    public void A_bad_command_line_exits_2(params string[] args)
    {
        CliRun run = Tagimm(args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("tagimm: ", run.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Output);
    }

    [Fact]
    public void A_clock_that_is_not_a_time_exits_2()
    {
        string path = Write("scenario.json", """{"steps":[{"operation":"DescribeRepositories","input":{}}]}""");
        CliRun run = Tagimm("replay", path, "--clock", "yesterday");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("tagimm: --clock 'yesterday' is not a date and time; use ISO 8601, such as 2026-01-01T00:00:00Z\n", run.Error);
        Assert.Equal(0, Tagimm("replay", path, "--clock", "2026-01-01T00:00:00Z").ExitCode);
    }

    [Fact]
    public void Invalid_utf8_in_a_step_exits_2_naming_the_step()
    {
        byte[] scenario = [.. "{\"steps\":[{\"operation\":\"ListImages\",\"comment\":\"a"u8, 0xFF, .. "\"}]}"u8];
        string path = WriteBytes("scenario.json", scenario);
        CliRun run = Tagimm("replay", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("step 1: a string is not valid Unicode", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_file_larger_than_twice_the_limit_exits_2_without_reading_it_all()
    {
        WriteBytes("huge.json", new byte[(8 * 1024 * 1024) + 2]);
        string path = Write("scenario.json", "{\"steps\":[{\"operation\":\"PutImage\",\"input\":{\"repositoryName\":\"rr\",\"imageManifestFile\":\"huge.json\"}}]}");
        CliRun run = Tagimm("replay", path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is larger than 8388608 bytes", run.Error, StringComparison.Ordinal);
    }
}
