using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TagImmutability.Cli.Tests.Scenarios;

/// <summary>
/// <c>tagimm replay</c>: one JSON line per step, expectations and exit codes (0 held, 1 failed, 2 malformed),
/// <c>imageManifestFile</c> read byte for byte, <c>--pretty</c>, and <c>--clock</c>.
/// </summary>
public sealed class ReplayCommandTests : CliHarness
{
    private const string Clock = "2026-01-01T00:00:00Z";
    private const long ClockSeconds = 1767225600;

    private static string Manifest(char fill) =>
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
        + new string(fill, 64) + "\",\"size\":2},\"layers\":[]}";

    private string Scenario(string steps) =>
        Write("scenario.json", $$"""{"registryId":"210987654321","region":"eu-west-1","steps":[{{steps}}]}""");

    private const string Create = """{"operation":"CreateRepository","input":{"repositoryName":"app","imageTagMutability":"IMMUTABLE"},"expect":"ok"}""";

    private static string Push(string file, string tag, string? expect = null) =>
        $$"""{"operation":"PutImage","input":{"repositoryName":"app","imageTag":"{{tag}}","imageManifestFile":"{{file}}"}{{(expect is null ? "" : $",\"expect\":\"{expect}\"")}}}""";

    [Fact]
    public void Every_step_writes_one_JSON_line_with_its_number_operation_and_output_or_error()
    {
        Write("one.json", Manifest('a'));
        Write("two.json", Manifest('b'));
        CliRun run = Tagimm("replay", Scenario(string.Join(',', Create, Push("one.json", "v1"), Push("two.json", "v1"))), "--clock", Clock);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(3, run.Lines.Length);
        JsonElement[] lines = [.. run.Lines.Select(l => JsonDocument.Parse(l).RootElement)];
        Assert.Equal([1, 2, 3], lines.Select(l => l.GetProperty("step").GetInt32()));
        Assert.Equal(["CreateRepository", "PutImage", "PutImage"], lines.Select(l => l.GetProperty("operation").GetString()));
        Assert.Equal(["step", "operation", "output"], lines[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["step", "operation", "error"], lines[2].EnumerateObject().Select(p => p.Name));
        Assert.Equal("arn:aws:ecr:eu-west-1:210987654321:repository/app", lines[0].GetProperty("output").GetProperty("repository").GetProperty("repositoryArn").GetString());
        Assert.Equal(
            """{"__type":"ImageTagAlreadyExistsException","message":"The image tag 'v1' already exists in the 'app' repository and cannot be overwritten because the tag is immutable."}""",
            lines[2].GetProperty("error").GetRawText());
    }

    [Fact]
    public void ImageManifestFile_is_read_byte_for_byte_so_line_endings_and_a_final_newline_change_the_digest()
    {
        byte[] unix = Encoding.UTF8.GetBytes(Manifest('a').Replace(",", ",\n", StringComparison.Ordinal) + "\n");
        byte[] windows = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(unix).Replace("\n", "\r\n", StringComparison.Ordinal));
        WriteBytes("m/unix.json", unix);
        WriteBytes("m/windows.json", windows);
        CliRun run = Tagimm("replay", Scenario(string.Join(',', Create, Push("m/unix.json", "unix", "ok"), Push("m/windows.json", "windows", "ok"))));
        Assert.Equal(0, run.ExitCode);
        string Digest(int line) => JsonDocument.Parse(run.Lines[line]).RootElement.GetProperty("output").GetProperty("image").GetProperty("imageId").GetProperty("imageDigest").GetString()!;
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(unix)), Digest(1));
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(windows)), Digest(2));
        Assert.Equal(Encoding.UTF8.GetString(windows), JsonDocument.Parse(run.Lines[2]).RootElement.GetProperty("output").GetProperty("image").GetProperty("imageManifest").GetString());
    }

    [Fact]
    public void A_failed_expectation_exits_1_names_the_step_and_why_and_the_replay_goes_on()
    {
        Write("one.json", Manifest('a'));
        Write("two.json", Manifest('b'));
        string scenario = Scenario(string.Join(
            ',',
            Create,
            Push("one.json", "v1", "ImageTagAlreadyExistsException"),
            Push("two.json", "v1", "ok"),
            """{"operation":"ListImages","input":{"repositoryName":"app"},"expect":"ok"}"""));
        CliRun run = Tagimm("replay", scenario);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(4, run.Lines.Length);
        Assert.Equal(
            "tagimm: step 2 (PutImage): expected ImageTagAlreadyExistsException, the call succeeded\n"
            + "tagimm: step 3 (PutImage): expected success, got ImageTagAlreadyExistsException: The image tag 'v1' already exists in the 'app' repository and cannot be overwritten because the tag is immutable.\n"
            + "tagimm: 2 of 4 expectations failed\n",
            run.Error);
    }

    [Fact]
    public void An_expected_error_of_another_type_fails_and_a_step_without_expect_never_fails()
    {
        CliRun run = Tagimm("replay", Scenario("""
            {"operation":"DeleteRepository","input":{"repositoryName":"nope"},"expect":"RepositoryNotEmptyException"},
            {"operation":"DeleteRepository","input":{"repositoryName":"nope"}}
            """));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "tagimm: step 1 (DeleteRepository): expected RepositoryNotEmptyException, got RepositoryNotFoundException: The repository with name 'nope' does not exist in the registry with id '210987654321'\n"
            + "tagimm: 1 of 1 expectations failed\n",
            run.Error);
        Assert.Equal(2, run.Lines.Length);
    }

    [Fact]
    public void An_unknown_operation_is_the_services_answer_not_a_malformed_scenario()
    {
        CliRun run = Tagimm("replay", Scenario("""{"operation":"TagResource","expect":"UnknownOperationException"}"""));
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("""{"step":1,"operation":"TagResource","error":{"__type":"UnknownOperationException"}}""", run.Output.TrimEnd('\n'));
    }

    [Fact]
    public void Clock_makes_output_reproducible_and_fixes_every_timestamp()
    {
        Write("one.json", Manifest('a'));
        string scenario = Scenario(string.Join(',', Create, Push("one.json", "v1"), """{"operation":"DescribeImages","input":{"repositoryName":"app"}}"""));
        CliRun first = Tagimm("replay", scenario, "--clock", Clock);
        CliRun second = Tagimm("replay", scenario, "--clock", "2026-01-01T09:00:00+09:00");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Output, second.Output);
        Assert.Equal(ClockSeconds, JsonDocument.Parse(first.Lines[0]).RootElement.GetProperty("output").GetProperty("repository").GetProperty("createdAt").GetInt64());
        Assert.Equal(ClockSeconds, JsonDocument.Parse(first.Lines[2]).RootElement.GetProperty("output").GetProperty("imageDetails")[0].GetProperty("imagePushedAt").GetInt64());
    }

    [Fact]
    public void Without_clock_the_registry_uses_the_system_clock()
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        CliRun run = Tagimm("replay", Scenario(Create));
        double createdAt = JsonDocument.Parse(run.Lines[0]).RootElement.GetProperty("output").GetProperty("repository").GetProperty("createdAt").GetDouble();
        Assert.InRange(createdAt, before, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public void Pretty_indents_each_object_and_says_the_same_thing()
    {
        Write("one.json", Manifest('a'));
        string scenario = Scenario(string.Join(',', Create, Push("one.json", "v1"), Push("one.json", "v1")));
        CliRun compact = Tagimm("replay", scenario, "--clock", Clock);
        CliRun pretty = Tagimm("replay", scenario, "--clock", Clock, "--pretty");
        Assert.Equal(0, pretty.ExitCode);
        Assert.Contains("\n  \"operation\": \"CreateRepository\",\n", pretty.Output, StringComparison.Ordinal);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(pretty.Output), new JsonReaderOptions { AllowMultipleValues = true });
        var objects = new List<string>();
        while (reader.Read())
        {
            using JsonDocument document = JsonDocument.ParseValue(ref reader);
            objects.Add(Canonical(document.RootElement));
        }

        Assert.Equal(compact.Lines.Select(l => Canonical(JsonDocument.Parse(l).RootElement)), objects);
    }

    private static string Canonical(JsonElement element) => JsonSerializer.Serialize(element);

    [Fact]
    public void Help_lists_replay_and_exits_0()
    {
        CliRun run = Tagimm("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("replay", run.Output, StringComparison.Ordinal);
        CliRun replay = Tagimm("replay", "--help");
        Assert.Contains("--clock", replay.Output, StringComparison.Ordinal);
        Assert.Contains("--pretty", replay.Output, StringComparison.Ordinal);
    }
}
