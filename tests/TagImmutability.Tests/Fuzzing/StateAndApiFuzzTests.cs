using System.Reflection;
using System.Text;
using System.Text.Json;
using TagImmutability.Tests.Registries;
using TagImmutability.Tests.Registries.Model;
using TagImmutability.Tests.Snapshots;
using TestManifests = TagImmutability.Tests.Registries.Manifests;

namespace TagImmutability.Tests.Fuzzing;

/// <summary>
/// Mutation fuzzing of the readers of whole documents: ECR request bodies (<see cref="EcrApi.Invoke"/> never throws and
/// always answers a JSON error of a known type), registry snapshots and the AWS CLI's describe output (only
/// <see cref="SnapshotInvalidException"/>; whatever is accepted is a fixed point of export and import).
/// </summary>
public sealed class StateAndApiFuzzTests
{
    private static readonly ParsedManifest Image = TestManifests.Image("fuzz", 10, 20);

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static readonly (string Operation, string Body)[] Requests =
    [
        ("CreateRepository", """{"repositoryName":"fz/app","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"latest"}],"registryId":"123456789012"}"""),
        ("DescribeRepositories", """{"repositoryNames":["team/app","lib/x"],"registryId":"123456789012"}"""),
        ("DescribeRepositories", """{"maxResults":1,"nextToken":null}"""),
        ("DeleteRepository", """{"repositoryName":"team/app","force":true}"""),
        ("PutImageTagMutability", """{"repositoryName":"team/app","imageTagMutability":"MUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"v*"}]}"""),
        ("PutImage", $$"""{"repositoryName":"team/app","imageManifest":{{Quote(Encoding.UTF8.GetString(Image.Content.Span))}},"imageTag":"v2","imageManifestMediaType":"{{Image.MediaType}}","imageDigest":"{{Image.Digest}}"}"""),
        ("BatchGetImage", $$$"""{"repositoryName":"team/app","imageIds":[{"imageTag":"v1"},{"imageDigest":"{{{Image.Digest}}}"}],"acceptedMediaTypes":["application/vnd.docker.distribution.manifest.v2+json"]}"""),
        ("BatchDeleteImage", $$$"""{"repositoryName":"team/app","imageIds":[{"imageTag":"v1","imageDigest":"{{{Image.Digest}}}"}]}"""),
        ("DescribeImages", """{"repositoryName":"team/app","imageIds":[{"imageTag":"v1"}],"filter":{"tagStatus":"TAGGED"}}"""),
        ("DescribeImages", """{"repositoryName":"team/app","filter":{"tagStatus":"ANY"},"maxResults":1,"nextToken":"eyJ4IjoxfQ"}"""),
        ("ListImages", """{"repositoryName":"team/app","filter":{"tagStatus":"UNTAGGED"},"maxResults":5}"""),
    ];

    // Every error an ECR answer may carry: the registry's errors and the protocol's own two.
    private static readonly HashSet<string> KnownErrors =
    [
        "SerializationException", "UnknownOperationException",
        .. typeof(RegistryException).Assembly.GetExportedTypes().Where(t => t.IsSubclassOf(typeof(RegistryException))).Select(t => t.Name),
    ];

    [Property(MaxTest = 1000, QuietOnSuccess = true)]
    public Property Ecr_requests_never_throw_and_always_answer_known_JSON() =>
        Prop.ForAll(
            (from seed in Gen.Choose(0, Requests.Length - 1) from mutations in Mutations.Mutations1To4 from operation in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true))) select (seed, mutations, operation)).ToArbitrary(),
            input =>
            {
                (string operation, string body) = Requests[input.seed];
                byte[] bytes = Mutations.Apply(Encoding.UTF8.GetBytes(body), input.mutations);
                string name = input.operation ? Mutations.Lenient(Mutations.Apply(Encoding.UTF8.GetBytes(operation), input.mutations)) : operation;
                var registry = new Registry(new RegistryOptions { TimeProvider = new ManualClock() });
                registry.CreateRepository(RepositoryName.Parse("team/app"));
                registry.PutImage(RepositoryName.Parse("team/app"), Image.Content, Tag.Parse("v1"));
                EcrResponse? response = null;

                HostileInput.Survives(() => response = new EcrApi(registry).Invoke(name, bytes));

                Assert.True(response!.StatusCode is 200 or 400, response.ToString());
                using JsonDocument answer = JsonDocument.Parse(response.Body);
                Assert.Equal(JsonValueKind.Object, answer.RootElement.ValueKind);
                Assert.True(response.IsSuccess || KnownErrors.Contains(response.ErrorType!), $"unknown error type {response.ErrorType}");
                Assert.Null(Invariants.Check(registry, new RegistryDriver(registry).View()));
            });

    private static readonly byte[][] Snapshots = [.. SnapshotFixture.Setups.Sample(12).Select(setup => SnapshotFixture.Export(SnapshotFixture.Build(setup).Registry)).Where(s => s.Length > 300).Take(6)];

    [Property(MaxTest = 600, QuietOnSuccess = true)]
    public Property Snapshots_are_refused_only_with_SnapshotInvalidException_and_what_is_accepted_is_a_fixed_point() =>
        Prop.ForAll(
            Gen.Zip(Gen.Choose(0, Snapshots.Length - 1), Mutations.Mutations1To4).ToArbitrary(),
            input =>
            {
                byte[] bytes = Mutations.Apply(Snapshots[input.Item1], input.Item2);
                var options = new RegistryOptions { MaxHistoryEventsPerRepository = 100_000, MaxTagsPerImage = 1000 };
                Registry? registry = null;
                HostileInput.Survives(() => registry = RegistrySnapshot.Read(bytes, options), typeof(SnapshotInvalidException));
                if (registry is not null)
                {
                    byte[] again = SnapshotFixture.Export(registry);
                    Assert.Equal(again, SnapshotFixture.Export(RegistrySnapshot.Read(again, options)));
                    Assert.Null(Invariants.Check(registry, new RegistryDriver(registry).View()));
                }
            });

    [Property(MaxTest = 600, QuietOnSuccess = true)]
    public Property Describe_output_is_refused_only_with_SnapshotInvalidException() =>
        Prop.ForAll(
            Gen.Zip(Gen.Elements(false, true), Mutations.Mutations1To4).ToArbitrary(),
            input =>
            {
                byte[] repositories = Encoding.UTF8.GetBytes(TagDecisionStateTests.Repositories);
                byte[] images = Encoding.UTF8.GetBytes(TagDecisionStateTests.Images);
                if (input.Item1)
                {
                    images = Mutations.Apply(images, input.Item2);
                }
                else
                {
                    repositories = Mutations.Apply(repositories, input.Item2);
                }

                HostileInput.Survives(() => TagDecisionState.ReadEcrDescribeOutput(repositories, [images]), typeof(SnapshotInvalidException));
            });

    /// <summary>
    /// Guards the fuzzer: every kind of mutation is generated; damaged snapshots are refused for many different reasons
    /// (the damage gets past the JSON layer into the checks of digests, consistency and values); damaged manifests are
    /// both refused and, now and then, still accepted.
    /// </summary>
    [Fact]
    public void The_mutations_reach_every_kind_and_deep_into_the_readers()
    {
        var kinds = new HashSet<MutationKind>();
        var reasons = new Dictionary<SnapshotInvalidReason, int>();
        foreach ((int seed, Mutation[] mutations) in Gen.Zip(Gen.Choose(0, Snapshots.Length - 1), Mutations.Mutations1To4).Sample(400))
        {
            kinds.UnionWith(mutations.Select(m => m.Kind));
            try
            {
                RegistrySnapshot.Read(Mutations.Apply(Snapshots[seed], mutations), new RegistryOptions { MaxHistoryEventsPerRepository = 100_000 });
            }
            catch (SnapshotInvalidException error)
            {
                reasons[error.Reason] = reasons.GetValueOrDefault(error.Reason) + 1;
            }
        }

        int accepted = 0, refused = 0;
        foreach ((int seed, Mutation[] mutations) in Gen.Zip(Gen.Choose(0, Manifests.ManifestCorpus.Valid.Count - 1), Mutations.Mutations1To4).Sample(400))
        {
            (string file, string? hint) = Manifests.ManifestCorpus.Valid[seed];
            _ = ManifestParser.TryParse(Mutations.Apply(Manifests.ManifestCorpus.Read(file), mutations), hint, null, out _, out _) ? accepted++ : refused++;
        }

        Assert.Equal(Enum.GetValues<MutationKind>().Length, kinds.Count);
        string seen = string.Join(", ", reasons.Select(p => $"{p.Key}: {p.Value}"));
        Assert.True(reasons.Count >= 5 && reasons.Keys.Intersect([SnapshotInvalidReason.DigestMismatch, SnapshotInvalidReason.Inconsistent, SnapshotInvalidReason.InvalidValue]).Count() >= 2, seen);
        Assert.True(accepted > 0 && refused > accepted, $"manifests: {accepted} accepted, {refused} refused");
    }

    [Fact]
    public void An_undocumented_exception_fails_the_contract()
    {
        Assert.Throws<NullReferenceException>(() => HostileInput.Survives(() => throw new NullReferenceException(), typeof(FormatException)));
        Assert.False(HostileInput.Survives(() => throw new InvalidTagException("x"), typeof(GrammarException)));
    }
}

/// <summary>What the fuzzers found, kept as examples: each input once crashed a reader with an undocumented exception.</summary>
public sealed class FuzzFindingsTests
{
    [Theory]
    [InlineData("DeleteRepository", """{"repositoryName":"app","\udc00":true}""")]
    [InlineData("DescribeImages", """{"\ud800x":1,"repositoryName":"app"}""")]
    [InlineData("CreateRepository", """{"repositoryName":"app","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION","imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"a","\ud800xxxxxxxxxxxxxxxxxxxx":"x"}]}""")]
    public void A_member_name_with_an_escaped_lone_surrogate_is_a_SerializationException(string operation, string body)
    {
        var registry = new Registry();
        registry.CreateRepository(RepositoryName.Parse("app"));
        EcrResponse response = new EcrApi(registry).Invoke(operation, Encoding.UTF8.GetBytes(body));
        Assert.Equal((400, "SerializationException"), (response.StatusCode, response.ErrorType));
    }

    [Theory]
    [InlineData("""{"\udc00":1}""")]
    [InlineData("""{"format":"tagimmutability.registry-snapshot","formatVersion":1,"\ud800":1}""")]
    public void A_snapshot_member_name_with_an_escaped_lone_surrogate_is_invalid_JSON(string json)
    {
        SnapshotInvalidException error = Assert.Throws<SnapshotInvalidException>(() => RegistrySnapshot.Read(Encoding.UTF8.GetBytes(json)));
        Assert.True(error.Reason is SnapshotInvalidReason.InvalidJson or SnapshotInvalidReason.NotASnapshot, error.Message);
    }

    [Fact]
    public void A_describe_member_name_with_an_escaped_lone_surrogate_is_invalid_JSON()
    {
        SnapshotInvalidException error = Assert.Throws<SnapshotInvalidException>(() => TagDecisionState.ReadEcrDescribeOutput("""{"repositories":[{"\udc00":1}]}"""u8.ToArray(), []));
        Assert.Equal(SnapshotInvalidReason.InvalidJson, error.Reason);
    }
}
