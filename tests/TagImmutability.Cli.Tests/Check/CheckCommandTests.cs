using System.Text;

namespace TagImmutability.Cli.Tests.Check;

/// <summary>
/// <c>tagimm check</c>: one line per planned push (allowed or refused, with ECR's error and message and the rule that
/// decided), exit 1 when any push would be refused, 2 when the state or the command line cannot be used.
/// </summary>
public sealed class CheckCommandTests : CliHarness
{
    private const string D1 = CheckCommandTestsData.D1, D2 = CheckCommandTestsData.D2, D3 = CheckCommandTestsData.D3;
    private const string Repositories = CheckCommandTestsData.Repositories, Images = CheckCommandTestsData.Images;

    private string[] DescribeArgs() => ["check", "--repositories", Write("repos.json", Repositories), "--images", Write("images.json", Images)];

    [Fact]
    public void Each_push_gets_a_line_and_a_refusal_exits_1()
    {
        CliRun run = Tagimm([.. DescribeArgs(), "--push", $"team/app:v1.0.0={D2}", "--push", $"team/app:latest={D2}", "--push", $"team/app:v1.1.0={D2}"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            [
                $"team/app:v1.0.0={D2} REFUSED ImageTagAlreadyExistsException: The image tag 'v1.0.0' already exists in the 'team/app' repository and cannot be overwritten because the tag is immutable.; rule: immutable: IMMUTABLE_WITH_EXCLUSION and no exclusion filter matches",
                $"team/app:latest={D2} ALLOWED moved from {D1}; rule: mutable: IMMUTABLE_WITH_EXCLUSION and exclusion filter 'latest' matches",
                $"team/app:v1.1.0={D2} ALLOWED created; rule: immutable: IMMUTABLE_WITH_EXCLUSION and no exclusion filter matches",
            ],
            run.Lines);
        Assert.Equal("tagimm: 1 of 3 pushes would be refused\n", run.Error);
    }

    [Fact]
    public void Pushes_that_would_all_be_allowed_exit_0()
    {
        CliRun run = Tagimm([.. DescribeArgs(), "--push", $"team/app:v2={D3}", "--push", $"team/web:v2={D3}", "--push", $"team/app:latest={D1}"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        Assert.Equal(3, run.Lines.Length);
        Assert.EndsWith("ALLOWED created; rule: immutable: the repository is IMMUTABLE", run.Lines[1], StringComparison.Ordinal);
        Assert.Contains("ALLOWED unchanged: the tag already names this digest (ECR's PutImage answers ImageAlreadyExistsException: ", run.Lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Pushes_to_one_repository_are_decided_in_order_as_a_plan()
    {
        // The first push creates v3 on the immutable repository; the second, to another digest, is then refused.
        CliRun run = Tagimm([.. DescribeArgs(), "--push", $"team/web:v3={D1}", "--push", $"team/app:v9={D1}", "--push", $"team/web:v3={D2}"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(" ALLOWED created", run.Lines[0], StringComparison.Ordinal);
        Assert.Contains(" ALLOWED created", run.Lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"team/web:v3={D2} REFUSED ImageTagAlreadyExistsException: The image tag 'v3' already exists in the 'team/web' repository", run.Lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void A_push_to_a_repository_the_state_does_not_have_is_refused_as_ECR_would()
    {
        CliRun run = Tagimm([.. DescribeArgs(), "--push", $"team/other:v1={D1}"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            $"team/other:v1={D1} REFUSED RepositoryNotFoundException: The repository with name 'team/other' does not exist in the registry with id '123456789012'; rule: the repository is not in the state",
            Assert.Single(run.Lines));
    }

    [Fact]
    public void A_snapshot_is_a_state_too()
    {
        var registry = new Registry();
        RepositoryName app = RepositoryName.Parse("team/app");
        registry.CreateRepository(app, TagMutabilityPolicy.Immutable);
        byte[] manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}""");
        ImageDetail pushed = registry.PutImage(app, manifest, Tag.Parse("v1"));
        string path = Path.Combine(Folder, "snapshot.json");
        using (FileStream stream = File.Create(path))
        {
            RegistrySnapshot.Write(registry, stream);
        }

        CliRun run = Tagimm("check", "--state", path, "--push", $"team/app:v1={pushed.Digest}", "--push", $"team/app:v2={D1}");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            [
                $"team/app:v1={pushed.Digest} REFUSED ImageTagAlreadyExistsException: The image tag 'v1' already exists in the 'team/app' repository and cannot be overwritten because the tag is immutable.; rule: immutable: the repository is IMMUTABLE",
                $"team/app:v2={D1} ALLOWED created; rule: immutable: the repository is IMMUTABLE",
            ],
            run.Lines);
    }

    [Theory]
    [InlineData("--push", "team/app=sha256:1", "--push 'team/app=sha256:1' is not REPOSITORY:TAG=DIGEST")]
    [InlineData("--push", "team/app:v1", "--push 'team/app:v1' is not REPOSITORY:TAG=DIGEST")]
    [InlineData("--push", "team/app:v1=sha256:abc", "--push 'team/app:v1=sha256:abc': ")]
    [InlineData("--push", "Team/App:v1=" + D1, "--push 'Team/App:v1=" + D1 + "': ")]
    [InlineData("--push", "team/app:bad tag=" + D1, "--push 'team/app:bad tag=" + D1 + "': tag 'bad tag' is invalid")]
    public void A_malformed_push_exits_2(string option, string value, string message)
    {
        CliRun run = Tagimm([.. DescribeArgs(), option, value]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        Assert.StartsWith("tagimm: " + message, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_state_is_given_one_way_and_there_is_a_plan()
    {
        string snapshot = Write("s.json", "{}");
        Assert.Contains("give the state as --state SNAPSHOT, or as --repositories FILE", Tagimm("check", "--push", $"a/b:c={D1}").Error, StringComparison.Ordinal);
        Assert.Contains("not both", Tagimm([.. DescribeArgs(), "--state", snapshot, "--push", $"a/b:c={D1}"]).Error, StringComparison.Ordinal);
        Assert.Contains("--images goes with --repositories", Tagimm("check", "--state", snapshot, "--images", snapshot, "--push", $"a/b:c={D1}").Error, StringComparison.Ordinal);
        CliRun none = Tagimm(DescribeArgs());
        Assert.Equal(2, none.ExitCode);
        Assert.Equal("tagimm: give at least one --push REPOSITORY:TAG=DIGEST\n", none.Error);
    }

    [Fact]
    public void A_malformed_snapshot_exits_2_naming_the_file_and_the_JSON_path()
    {
        string path = Write("snapshot.json", """{"format":"tagimmutability.registry-snapshot","formatVersion":2,"repositories":[]}""");

        CliRun run = Tagimm("check", "--state", path, "--push", $"team/app:v1={D1}");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Output);
        Assert.Equal($"tagimm: malformed state '{path}': formatVersion: format version 2 is not supported: this library reads version 1 only\n", run.Error);
    }

    [Fact]
    public void Malformed_describe_output_exits_2_naming_the_document_and_the_JSON_path()
    {
        string repositories = Write("repos.json", Repositories);
        string images = Write("images.json", Images.Replace("\"latest\"", "\"la test\"", StringComparison.Ordinal));

        CliRun run = Tagimm("check", "--repositories", repositories, "--images", images, "--push", $"team/app:v1={D1}");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"tagimm: malformed state (--repositories '{repositories}', describe-images output 1 = '{images}'): describe-images output 1, imageDetails[0].imageTags[1]: tag 'la test' is invalid", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_exits_2()
    {
        string path = Path.Combine(Folder, "absent.json");
        CliRun run = Tagimm("check", "--state", path, "--push", $"team/app:v1={D1}");
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"tagimm: cannot read '{path}': ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_help_names_the_command()
    {
        CliRun run = Tagimm("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("check", run.Output, StringComparison.Ordinal);
    }
}

/// <summary>A describe-repositories and describe-images output in the AWS CLI's shapes, and digests, shared by the check tests.</summary>
internal static class CheckCommandTestsData
{
    public const string D1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    public const string D2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    public const string D3 = "sha256:3333333333333333333333333333333333333333333333333333333333333333";

    public const string Repositories = """
        {"repositories": [
          {"repositoryArn": "arn:aws:ecr:us-east-1:123456789012:repository/team/app", "registryId": "123456789012",
           "repositoryName": "team/app", "repositoryUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app",
           "createdAt": "2025-08-01T10:22:33+00:00", "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
           "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "latest"}],
           "imageScanningConfiguration": {"scanOnPush": false}, "encryptionConfiguration": {"encryptionType": "AES256"}},
          {"registryId": "123456789012", "repositoryName": "team/web", "imageTagMutability": "IMMUTABLE", "createdAt": 1722507753.0}
        ]}
        """;

    public const string Images = $$"""
        {"imageDetails": [
          {"registryId": "123456789012", "repositoryName": "team/app", "imageDigest": "{{D1}}", "imageTags": ["v1.0.0", "latest"],
           "imageSizeInBytes": 29123456, "imagePushedAt": "2025-08-01T11:00:00+00:00",
           "imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json", "artifactMediaType": "application/vnd.oci.image.config.v1+json"}
        ]}
        """;
}
