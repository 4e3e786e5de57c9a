using System.Text;
using TagImmutability.Tests.Registries;
using TagImmutability.Tests.Registries.Model;

namespace TagImmutability.Tests.Snapshots;

/// <summary>
/// The state of a real ECR repository as the AWS CLI prints it (<c>aws ecr describe-repositories</c>,
/// <c>aws ecr describe-images</c>), read into <see cref="TagDecisionState"/>, and the decisions taken on it.
/// </summary>
public sealed class TagDecisionStateTests
{
    private const string D1 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private const string D2 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
    private const string D3 = "sha256:3333333333333333333333333333333333333333333333333333333333333333";

    // As AWS CLI v2 prints them (ISO 8601 timestamps with the local offset), with the members a real answer has.
    internal const string Repositories = """
        {
            "repositories": [
                {
                    "repositoryArn": "arn:aws:ecr:ap-northeast-1:123456789012:repository/team/app",
                    "registryId": "123456789012",
                    "repositoryName": "team/app",
                    "repositoryUri": "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/team/app",
                    "createdAt": "2025-08-01T10:22:33.123000+09:00",
                    "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
                    "imageTagMutabilityExclusionFilters": [
                        { "filterType": "WILDCARD", "filter": "latest" },
                        { "filterType": "WILDCARD", "filter": "dev-*" }
                    ],
                    "imageScanningConfiguration": { "scanOnPush": false },
                    "encryptionConfiguration": { "encryptionType": "AES256" }
                },
                {
                    "repositoryArn": "arn:aws:ecr:ap-northeast-1:123456789012:repository/team/tools",
                    "registryId": "123456789012",
                    "repositoryName": "team/tools",
                    "repositoryUri": "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/team/tools",
                    "createdAt": "2024-01-15T08:00:00+09:00",
                    "imageTagMutability": "MUTABLE",
                    "imageScanningConfiguration": { "scanOnPush": true },
                    "encryptionConfiguration": { "encryptionType": "KMS", "kmsKey": "arn:aws:kms:ap-northeast-1:123456789012:key/x" }
                }
            ]
        }
        """;

    // AWS CLI v1 prints imagePushedAt as epoch seconds; v2 as an ISO string: both appear here.
    internal const string Images = $$"""
        {
            "imageDetails": [
                {
                    "registryId": "123456789012",
                    "repositoryName": "team/app",
                    "imageDigest": "{{D1}}",
                    "imageTags": [ "v1.0.0", "latest" ],
                    "imageSizeInBytes": 29123456,
                    "imagePushedAt": 1754011353.0,
                    "imageScanStatus": { "status": "COMPLETE", "description": "The scan was completed successfully." },
                    "imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json",
                    "artifactMediaType": "application/vnd.oci.image.config.v1+json",
                    "lastRecordedPullTime": "2025-09-01T00:00:00+09:00"
                },
                {
                    "registryId": "123456789012",
                    "repositoryName": "team/app",
                    "imageDigest": "{{D2}}",
                    "imageSizeInBytes": 29000000,
                    "imagePushedAt": "2025-07-30T09:00:00+09:00",
                    "imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
                    "artifactMediaType": "application/vnd.docker.container.image.v1+json"
                }
            ]
        }
        """;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static (Tag, Digest) Push(string tag, string digest) => (Tag.Parse(tag, GrammarProfile.Ecr), Digest.Parse(digest));

    [Fact]
    public void The_AWS_CLI_output_gives_each_repository_its_policy_and_tags()
    {
        var states = TagDecisionState.ReadEcrDescribeOutput(Utf8(Repositories), [Utf8(Images)]);

        Assert.Equal(["team/app", "team/tools"], states.Select(s => s.Repository.Value));
        TagDecisionState app = states[0];
        Assert.Equal("IMMUTABLE_WITH_EXCLUSION [latest, dev-*]", app.Policy.ToString());
        Assert.Equal("123456789012", app.RegistryId);
        Assert.Equal(["latest", "v1.0.0"], app.Tags.Keys);
        Assert.All(app.Tags.Values, d => Assert.Equal(Digest.Parse(D1), d));
        Assert.Empty(states[1].Tags);
        Assert.Equal(TagMutabilityPolicy.Mutable, states[1].Policy);
    }

    [Fact]
    public void Would_this_push_be_refused()
    {
        TagDecisionState app = TagDecisionState.ReadEcrDescribeOutput(Utf8(Repositories), [Utf8(Images)])[0];

        var decisions = app.CheckPushPlan([Push("v1.0.0", D3), Push("latest", D3), Push("v1.1.0", D3), Push("v1.1.0", D2), Push("dev-7", D2), Push("v1.0.0", D1)]);

        Assert.Equal(
            [TagWriteOutcome.RejectedImmutable, TagWriteOutcome.Moved, TagWriteOutcome.Created, TagWriteOutcome.RejectedImmutable, TagWriteOutcome.Created, TagWriteOutcome.RejectedImmutable],
            decisions.Select(d => d.Outcome));
        Assert.Equal(TagMutabilityReason.ImmutableNotExcluded, decisions[0].Ruling.Reason);
        Assert.Equal("latest", decisions[1].Ruling.MatchedFilter.ToString());

        // Under a proposed policy instead of the repository's.
        Assert.Equal(TagWriteOutcome.Moved, app.CheckPushPlan([Push("v1.0.0", D3)], TagMutabilityPolicy.Mutable).Single().Outcome);
    }

    [Fact]
    public void Several_describe_images_documents_add_up()
    {
        string more = $$"""{"imageDetails":[{"repositoryName":"team/tools","imageDigest":"{{D3}}","imageTags":["stable"]}],"nextToken":"abc"}""";
        var states = TagDecisionState.ReadEcrDescribeOutput(Utf8(Repositories), [Utf8(Images), Utf8(more)]);
        Assert.Equal(Digest.Parse(D3), states[1].Tags["stable"]);
    }

    [Fact]
    public void A_repository_without_a_registry_id_is_of_the_default_registry() =>
        Assert.Equal(
            RegistryOptions.DefaultRegistryId,
            TagDecisionState.ReadEcrDescribeOutput(Utf8("""{"repositories":[{"repositoryName":"app","imageTagMutability":"IMMUTABLE"}]}"""), []).Single().RegistryId);

    public static TheoryData<string, string, string, SnapshotInvalidReason, string> BadDocuments => new()
    {
        { "no repositories member", """{"repos":[]}""", """{"imageDetails":[]}""", SnapshotInvalidReason.MissingMember, "repositories" },
        { "no mode", """{"repositories":[{"repositoryName":"app"}]}""", """{"imageDetails":[]}""", SnapshotInvalidReason.MissingMember, "repositories[0].imageTagMutability" },
        { "lower-case mode", """{"repositories":[{"repositoryName":"app","imageTagMutability":"immutable"}]}""", """{"imageDetails":[]}""", SnapshotInvalidReason.InvalidValue, "repositories[0].imageTagMutability" },
        { "filters with MUTABLE", """{"repositories":[{"repositoryName":"app","imageTagMutability":"MUTABLE","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"x"}]}]}""", """{"imageDetails":[]}""", SnapshotInvalidReason.InvalidValue, "repositories[0].imageTagMutabilityExclusionFilters" },
        { "six filters", """{"repositories":[{"repositoryName":"app","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"a"},{"filterType":"WILDCARD","filter":"b"},{"filterType":"WILDCARD","filter":"c"},{"filterType":"WILDCARD","filter":"d"},{"filterType":"WILDCARD","filter":"e"},{"filterType":"WILDCARD","filter":"f"}]}]}""", """{"imageDetails":[]}""", SnapshotInvalidReason.InvalidValue, "repositories[0].imageTagMutabilityExclusionFilters" },
        { "bad name", """{"repositories":[{"repositoryName":"App","imageTagMutability":"MUTABLE"}]}""", """{"imageDetails":[]}""", SnapshotInvalidReason.InvalidValue, "repositories[0].repositoryName" },
        { "bad registry id", """{"repositories":[{"repositoryName":"app","registryId":"1","imageTagMutability":"MUTABLE"}]}""", """{"imageDetails":[]}""", SnapshotInvalidReason.InvalidValue, "repositories[0].registryId" },
        { "described twice", """{"repositories":[{"repositoryName":"app","imageTagMutability":"MUTABLE"},{"repositoryName":"app","imageTagMutability":"IMMUTABLE"}]}""", """{"imageDetails":[]}""", SnapshotInvalidReason.Inconsistent, "repositories[1]" },
        { "no imageDetails", """{"repositories":[]}""", """{"images":[]}""", SnapshotInvalidReason.MissingMember, "imageDetails" },
        { "image of an undescribed repository", """{"repositories":[]}""", $$"""{"imageDetails":[{"repositoryName":"app","imageDigest":"{{D1}}"}]}""", SnapshotInvalidReason.Inconsistent, "imageDetails[0].repositoryName" },
        { "image of another registry", """{"repositories":[{"repositoryName":"app","imageTagMutability":"MUTABLE"}]}""", $$"""{"imageDetails":[{"registryId":"210987654321","repositoryName":"app","imageDigest":"{{D1}}"}]}""", SnapshotInvalidReason.Inconsistent, "imageDetails[0].repositoryName" },
        { "bad digest", """{"repositories":[{"repositoryName":"app","imageTagMutability":"MUTABLE"}]}""", """{"imageDetails":[{"repositoryName":"app","imageDigest":"sha256:abc"}]}""", SnapshotInvalidReason.InvalidValue, "imageDetails[0].imageDigest" },
        { "bad tag", """{"repositories":[{"repositoryName":"app","imageTagMutability":"MUTABLE"}]}""", $$"""{"imageDetails":[{"repositoryName":"app","imageDigest":"{{D1}}","imageTags":["ok","bad tag"]}]}""", SnapshotInvalidReason.InvalidValue, "imageDetails[0].imageTags[1]" },
        { "tags not an array", """{"repositories":[{"repositoryName":"app","imageTagMutability":"MUTABLE"}]}""", $$"""{"imageDetails":[{"repositoryName":"app","imageDigest":"{{D1}}","imageTags":"latest"}]}""", SnapshotInvalidReason.WrongType, "imageDetails[0].imageTags" },
        { "tag on two images", """{"repositories":[{"repositoryName":"app","imageTagMutability":"MUTABLE"}]}""", $$"""{"imageDetails":[{"repositoryName":"app","imageDigest":"{{D1}}","imageTags":["a"]},{"repositoryName":"app","imageDigest":"{{D2}}","imageTags":["a"]}]}""", SnapshotInvalidReason.Inconsistent, "imageDetails[1].imageTags[0]" },
        { "image twice", """{"repositories":[{"repositoryName":"app","imageTagMutability":"MUTABLE"}]}""", $$"""{"imageDetails":[{"repositoryName":"app","imageDigest":"{{D1}}"},{"repositoryName":"app","imageDigest":"{{D1}}"}]}""", SnapshotInvalidReason.Inconsistent, "imageDetails[1].imageDigest" },
        { "duplicate member", """{"repositories":[{"repositoryName":"app","repositoryName":"lib","imageTagMutability":"MUTABLE"}]}""", """{"imageDetails":[]}""", SnapshotInvalidReason.DuplicateMember, "repositories[0].repositoryName" },
        { "truncated", """{"repositories":[{"repositoryName":"app",""", """{"imageDetails":[]}""", SnapshotInvalidReason.InvalidJson, "" },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public void Bad_describe_output_is_refused_naming_the_document_and_the_path(string why, string repositories, string images, SnapshotInvalidReason reason, string path)
    {
        SnapshotInvalidException error = Assert.Throws<SnapshotInvalidException>(() => TagDecisionState.ReadEcrDescribeOutput(Utf8(repositories), [Utf8(images)]));

        Assert.True((reason, path) == (error.Reason, error.JsonPath), $"{why}: expected {reason} at '{path}', got {error.Reason} at '{error.JsonPath}': {error.Message}");
        string document = repositories.Contains("\"repositories\":[", StringComparison.Ordinal) && error.Message.StartsWith("describe-images", StringComparison.Ordinal)
            ? "describe-images output 1"
            : "describe-repositories output";
        Assert.StartsWith(document + ", ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_registry_id_of_an_image_must_match_its_repositorys()
    {
        const string repositories = """{"repositories":[{"registryId":"210987654321","repositoryName":"app","imageTagMutability":"IMMUTABLE"}]}""";
        string images = $$"""{"imageDetails":[{"registryId":"210987654321","repositoryName":"app","imageDigest":"{{D1}}","imageTags":["v1"]}]}""";
        Assert.Equal("210987654321", TagDecisionState.ReadEcrDescribeOutput(Utf8(repositories), [Utf8(images)]).Single().RegistryId);
    }

    [Property(MaxTest = 100, QuietOnSuccess = true)]
    public Property Decisions_on_the_describe_output_of_a_registry_are_the_registrys_own() =>
        Prop.ForAll(
            SnapshotFixture.Arbitrary,
            Gen.ArrayOf(Gen.Zip(StepGenerators.TagText, Gen.Elements(ManifestPool.Entries.Select(e => e.DigestText).Append(ManifestPool.GhostDigestText).ToArray())), 6).ToArbitrary(),
            (setup, plan) =>
            {
                (Registry registry, _) = SnapshotFixture.Build(setup);
                var api = new EcrApi(registry);
                byte[] repositories = api.Invoke("DescribeRepositories", "{}"u8.ToArray()).Body.ToArray();
                byte[][] images = [.. registry.DescribeRepositories().Select(r =>
                    api.Invoke("DescribeImages", Utf8($"{{\"repositoryName\":\"{r.Name}\",\"maxResults\":1000}}")).Body.ToArray())];
                (Tag, Digest)[] pushes = [.. plan.Select(p => (RegistryDriver.TagOf(p.Item1), Digest.Parse(p.Item2)))];

                var states = TagDecisionState.ReadEcrDescribeOutput(repositories, images.Select(i => (ReadOnlyMemory<byte>)i));

                Assert.Equal(registry.DescribeRepositories().Select(r => r.Name), states.Select(s => s.Repository));
                foreach (TagDecisionState state in states)
                {
                    // Arrays: xunit compares ImmutableArray<T> by reference.
                    TagWriteDecision[] expected = [.. registry.CheckPushPlan(state.Repository, pushes)];
                    Assert.Equal(expected, state.CheckPushPlan(pushes).ToArray());
                    Assert.Equal(expected, TagDecisionState.FromRegistry(registry, state.Repository).CheckPushPlan(pushes).ToArray());
                    Assert.Equal(registry.CheckPushPlan(state.Repository, pushes, TagMutabilityPolicy.Immutable).ToArray(), state.CheckPushPlan(pushes, TagMutabilityPolicy.Immutable).ToArray());
                }
            });

    [Fact]
    public void Create_checks_its_arguments()
    {
        RepositoryName app = RepositoryName.Parse("app");
        Tag v1 = Tag.Parse("v1");
        Assert.Throws<ArgumentException>(() => TagDecisionState.Create("1", app, TagMutabilityPolicy.Immutable, []));
        Assert.Throws<ArgumentException>(() => TagDecisionState.Create(RegistryOptions.DefaultRegistryId, default, TagMutabilityPolicy.Immutable, []));
        Assert.Throws<ArgumentException>(() => TagDecisionState.Create(RegistryOptions.DefaultRegistryId, app, TagMutabilityPolicy.Immutable, [new(v1, Digest.Parse(D1)), new(v1, Digest.Parse(D2))]));
        Assert.Throws<ArgumentException>(() => TagDecisionState.Create(RegistryOptions.DefaultRegistryId, app, TagMutabilityPolicy.Immutable, [new(default, Digest.Parse(D1))]));
        TagDecisionState state = TagDecisionState.Create(RegistryOptions.DefaultRegistryId, app, TagMutabilityPolicy.Immutable, [new(v1, Digest.Parse(D1))]);
        Assert.Throws<ArgumentException>(() => state.CheckPushPlan([(v1, default)]));
        Assert.Equal("app (IMMUTABLE, 1 tags)", state.ToString());
    }
}
