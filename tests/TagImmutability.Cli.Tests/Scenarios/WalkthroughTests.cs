using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TagImmutability.Cli.Tests.Scenarios;

/// <summary>
/// The walkthrough in docs/examples: it replays with every expectation held, the 2019 rejection has ECR's message, its
/// manifests are intact real Docker manifests, and the output its README shows is the output the command prints.
/// </summary>
public sealed class WalkthroughTests
{
    private const string Seed = "The image tag 'latest' already exists in the 'immutable-repo' repository and cannot be overwritten because the tag is immutable.";
    private const string EmptyLayer = "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";

    private static readonly string Examples = Path.Combine(RepositoryRoot.Path, "docs", "examples");
    private static readonly string ScenarioPath = Path.Combine(Examples, "immutable-tags.json");

    private static JsonElement Step(CliRun run, int number) => JsonDocument.Parse(run.Lines[number - 1]).RootElement;

    [Fact]
    public void The_walkthrough_replays_with_every_expectation_held_and_the_second_push_is_refused_with_ECRs_message()
    {
        CliRun run = CliHarness.Tagimm("replay", ScenarioPath);
        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(12, run.Lines.Length);

        JsonElement rejection = Step(run, 4);
        Assert.Equal("PutImage", rejection.GetProperty("operation").GetString());
        Assert.Equal("ImageTagAlreadyExistsException", rejection.GetProperty("error").GetProperty("__type").GetString());
        Assert.Equal(Seed, rejection.GetProperty("error").GetProperty("message").GetString());

        JsonElement[] first = [.. Step(run, 3).GetProperty("output").GetProperty("imageDetails").EnumerateArray()];
        Assert.Single(first);
        Assert.Equal("""["latest"]""", first[0].GetProperty("imageTags").GetRawText());
        Assert.Equal(32, first[0].GetProperty("imageSizeInBytes").GetInt64());

        Assert.Equal(
            "The image tag 'v1.0.0' already exists in the 'immutable-repo' repository and cannot be overwritten because the tag is immutable.",
            Step(run, 11).GetProperty("error").GetProperty("message").GetString());
        JsonElement[] last = [.. Step(run, 12).GetProperty("output").GetProperty("imageDetails").EnumerateArray()];
        Assert.Equal("""["v1.0.0","latest"]""", last[0].GetProperty("imageTags").GetRawText());
        Assert.False(last[1].TryGetProperty("imageTags", out _));
    }

    [Theory]
    [InlineData("0001", "sha256:34385587981a17c801ff5e1dd256308669e4689558165913dde9375aeed93abf")]
    [InlineData("0002", "sha256:f3e38de386b677309d351c2cc34f4fb4c8a89d490857d53aae7252d95871b7c2")]
    public void The_walkthrough_manifests_are_Docker_schema_2_manifests_of_their_configs_byte_for_byte(string build, string digest)
    {
        byte[] manifest = File.ReadAllBytes(Path.Combine(Examples, "immutable-tags", $"manifest-{build}.json"));
        byte[] config = File.ReadAllBytes(Path.Combine(Examples, "immutable-tags", $"config-{build}.json"));
        Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest)));
        Assert.DoesNotContain((byte)'\r', manifest);

        JsonElement root = JsonDocument.Parse(manifest).RootElement;
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", root.GetProperty("mediaType").GetString());
        JsonElement configDescriptor = root.GetProperty("config");
        Assert.Equal("application/vnd.docker.container.image.v1+json", configDescriptor.GetProperty("mediaType").GetString());
        Assert.Equal(config.Length, configDescriptor.GetProperty("size").GetInt64());
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(config)), configDescriptor.GetProperty("digest").GetString());
        JsonElement layer = Assert.Single(root.GetProperty("layers").EnumerateArray().ToArray());
        Assert.Equal(32, layer.GetProperty("size").GetInt64());
        Assert.Equal(EmptyLayer, layer.GetProperty("digest").GetString());

        JsonElement image = JsonDocument.Parse(config).RootElement;
        Assert.Equal($"example-{build}", image.GetProperty("config").GetProperty("Labels").GetProperty("maintainer").GetString());
        Assert.Equal(1, image.GetProperty("rootfs").GetProperty("diff_ids").GetArrayLength());
    }

    [Fact]
    public void The_output_the_examples_README_shows_is_the_output_of_the_command_it_shows()
    {
        string readme = File.ReadAllText(Path.Combine(Examples, "README.md"));
        Match command = Regex.Match(readme, @"tagimm replay docs/examples/immutable-tags\.json --clock (\S+)|-- replay docs/examples/immutable-tags\.json --clock (\S+)");
        Assert.True(command.Success, "the README shows no replay command with --clock");
        string clock = command.Groups[1].Success ? command.Groups[1].Value : command.Groups[2].Value;
        Match block = Regex.Match(readme, "<!-- replay output -->\n```[a-z]*\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "the README has no '<!-- replay output -->' block");

        CliRun run = CliHarness.Tagimm("replay", ScenarioPath, "--clock", clock);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(block.Groups[1].Value, run.Output);
    }

    [Fact]
    public void The_repository_README_runs_serve_first_and_then_the_walkthrough()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        int commands = readme.IndexOf("## Commands", StringComparison.Ordinal);
        Assert.True(commands >= 0);
        string[] blocks = [.. Regex.Matches(readme[commands..], "```\n(.*?)\n```", RegexOptions.Singleline).Select(m => m.Groups[1].Value)];
        Assert.Equal("dotnet run --project src/TagImmutability.Cli -- serve --create-on-push --mutability IMMUTABLE", blocks[0]);
        Assert.Contains("dotnet run --project src/TagImmutability.Cli -- replay docs/examples/immutable-tags.json", blocks);
        Assert.True(File.Exists(ScenarioPath));
    }
}
