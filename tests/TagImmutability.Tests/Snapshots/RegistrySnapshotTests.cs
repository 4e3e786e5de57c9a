using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TagImmutability.Tests.Registries;
using TagImmutability.Tests.Registries.Model;

namespace TagImmutability.Tests.Snapshots;

/// <summary>
/// What a snapshot holds, and what reading refuses: every kind of bad document gets a
/// <see cref="SnapshotInvalidException"/> with its reason and the JSON path of the offending value.
/// </summary>
public sealed class RegistrySnapshotTests
{
    private static readonly RepositoryName App = RepositoryName.Parse("team/app");

    // team/app (IMMUTABLE_WITH_EXCLUSION [latest]): i0 [v1, latest], i1 [], x = index(i0, i1) [multi]; then latest
    // moved to i1, a rejected push of v1, and lib/x (MUTABLE) with one image.
    private static Registry Sample()
    {
        var clock = new ManualClock { Now = RegistryDriver.Epoch };
        var registry = new Registry(new RegistryOptions { TimeProvider = clock, ActorProvider = () => "ci" });
        registry.CreateRepository(App, TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest")]));
        PoolEntry i0 = ManifestPool.Entries[0], i1 = ManifestPool.Entries[1], x = ManifestPool.Entries[4];
        clock.Now = clock.Now.AddSeconds(1);
        registry.Push("team/app", i0.Manifest, "v1");
        registry.Push("team/app", i0.Manifest, "latest");
        clock.Now = clock.Now.AddSeconds(1);
        registry.Push("team/app", i1.Manifest);
        registry.Push("team/app", x.Manifest, "multi");
        registry.Push("team/app", i1.Manifest, "latest");
        Assert.Throws<ImageTagAlreadyExistsException>(() => registry.Push("team/app", i1.Manifest, "v1"));
        registry.CreateRepository(RepositoryName.Parse("lib/x"));
        registry.Push("lib/x", i1.Manifest, "a");
        return registry;
    }

    private static JsonObject SampleJson() => JsonNode.Parse(SnapshotFixture.Export(Sample()))!.AsObject();

    private static JsonObject AppJson(JsonObject root) => root["repositories"]!.AsArray().Single(r => (string)r!["repositoryName"]! == "team/app")!.AsObject();

    private static SnapshotInvalidException Refused(string json, RegistryOptions? options = null) =>
        Assert.Throws<SnapshotInvalidException>(() => RegistrySnapshot.Read(Encoding.UTF8.GetBytes(json), options));

    private static SnapshotInvalidException Refused(JsonObject root, RegistryOptions? options = null) => Refused(root.ToJsonString(), options);

    [Fact]
    public void A_snapshot_holds_the_whole_state_in_the_documented_shape()
    {
        JsonObject root = SampleJson();
        Assert.Equal(["format", "formatVersion", "registryId", "region", "repositories"], root.Select(p => p.Key));
        Assert.Equal("tagimmutability.registry-snapshot", (string)root["format"]!);
        Assert.Equal(1, (int)root["formatVersion"]!);
        Assert.Equal(["lib/x", "team/app"], root["repositories"]!.AsArray().Select(r => (string)r!["repositoryName"]!));

        JsonObject app = AppJson(root);
        Assert.Equal("IMMUTABLE_WITH_EXCLUSION", (string)app["imageTagMutability"]!);
        Assert.Equal("""[{"filterType":"WILDCARD","filter":"latest"}]""", app["imageTagMutabilityExclusionFilters"]!.ToJsonString());
        Assert.Equal(3, (long)app["nextImageSequence"]!);
        JsonArray images = app["images"]!.AsArray();
        Assert.Equal([0L, 1L, 2L], images.Select(i => (long)i!["sequence"]!));
        Assert.Equal(["v1"], images[0]!["imageTags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(["latest"], images[1]!["imageTags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(ManifestPool.Entries[0].Bytes, Encoding.UTF8.GetBytes((string)images[0]!["imageManifest"]!));
        Assert.Equal("2026-11-29T12:00:01.0000000+00:00", (string)images[0]!["imagePushedAt"]!);
        JsonArray events = app["history"]!["events"]!.AsArray();
        Assert.Equal(["CREATED", "CREATED", "CREATED", "MOVED", "REJECTED"], events.Select(e => (string)e!["event"]!));
        Assert.All(events, e => Assert.Equal("ci", (string)e!["actor"]!));
    }

    [Fact]
    public void A_snapshot_is_compact_UTF8_with_plus_signs_unescaped()
    {
        string text = Encoding.UTF8.GetString(SnapshotFixture.Export(Sample()));
        Assert.DoesNotContain('\n', text);
        Assert.Contains("+00:00", text, StringComparison.Ordinal);
        Assert.Contains("manifest.v2+json", text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_registry_round_trips()
    {
        byte[] bytes = SnapshotFixture.Export(new Registry());
        Assert.Equal("""{"format":"tagimmutability.registry-snapshot","formatVersion":1,"registryId":"123456789012","region":"us-east-1","repositories":[]}""", Encoding.UTF8.GetString(bytes));
        Assert.Empty(RegistrySnapshot.Read(bytes).DescribeRepositories());
    }

    [Fact]
    public void Without_options_the_registry_takes_the_snapshots_registry_id_and_region()
    {
        var registry = new Registry(new RegistryOptions { RegistryId = "210987654321", Region = "ap-northeast-1" });
        registry.CreateRepository(App);
        Registry imported = RegistrySnapshot.Read(SnapshotFixture.Export(registry));
        Assert.Equal("210987654321", imported.RegistryId);
        Assert.Equal("arn:aws:ecr:ap-northeast-1:210987654321:repository/team/app", imported.GetRepository(App).Arn);
    }

    [Fact]
    public void Options_for_another_registry_or_region_are_refused()
    {
        byte[] bytes = SnapshotFixture.Export(Sample());
        SnapshotInvalidException id = Assert.Throws<SnapshotInvalidException>(() => RegistrySnapshot.Read(bytes, new RegistryOptions { RegistryId = "210987654321" }));
        Assert.Equal((SnapshotInvalidReason.RegistryMismatch, "registryId"), (id.Reason, id.JsonPath));
        SnapshotInvalidException region = Assert.Throws<SnapshotInvalidException>(() => RegistrySnapshot.Read(bytes, new RegistryOptions { Region = "eu-west-1" }));
        Assert.Equal((SnapshotInvalidReason.RegistryMismatch, "region"), (region.Reason, region.JsonPath));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("\"1\"")]
    [InlineData("99999999999999999999999")]
    public void Another_format_version_is_refused_whole(string version)
    {
        // A newer version may hold members this reader does not know; they must not matter, only the version does.
        string json = SampleJson().ToJsonString().Replace("\"formatVersion\":1", "\"formatVersion\":" + version, StringComparison.Ordinal)
            .Replace("\"repositories\":", "\"newThing\":{},\"repositories\":", StringComparison.Ordinal);

        SnapshotInvalidException error = Refused(json);

        Assert.Equal(SnapshotInvalidReason.UnsupportedFormatVersion, error.Reason);
        Assert.Equal("formatVersion", error.JsonPath);
        Assert.Contains($"format version {version} is not supported: this library reads version 1 only", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("\"snapshot\"")]
    [InlineData("""{"format":"something-else","formatVersion":1}""")]
    [InlineData("""{"imageDetails":[]}""")]
    [InlineData("""{"repositories":[]}""")]
    public void A_document_that_is_not_a_snapshot_is_refused_as_such(string json) =>
        Assert.Equal(SnapshotInvalidReason.NotASnapshot, Refused(json).Reason);

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"format\":\"tagimmutability.registry-snapshot\",}")]
    [InlineData("// comment\n{}")]
    [InlineData("{} {}")]
    public void Malformed_JSON_is_refused_as_invalid_JSON(string json)
    {
        SnapshotInvalidException error = Refused(json);
        Assert.Equal(SnapshotInvalidReason.InvalidJson, error.Reason);
        Assert.IsAssignableFrom<JsonException>(error.InnerException);
    }

    [Fact]
    public void Nesting_deeper_than_the_format_needs_is_refused_without_overflowing_the_stack()
    {
        string json = "{\"format\":\"tagimmutability.registry-snapshot\",\"formatVersion\":1,\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}";
        Assert.Equal(SnapshotInvalidReason.InvalidJson, Refused(json).Reason);
    }

    [Fact]
    public void Every_truncation_of_a_snapshot_is_refused_as_invalid_JSON()
    {
        byte[] whole = SnapshotFixture.Export(Sample());
        for (int length = 0; length < whole.Length; length += 7)
        {
            SnapshotInvalidException error = Assert.Throws<SnapshotInvalidException>(() => RegistrySnapshot.Read(whole.AsMemory(0, length)));
            Assert.Equal(SnapshotInvalidReason.InvalidJson, error.Reason);
        }
    }

    [Fact]
    public void Invalid_UTF8_in_a_string_is_refused()
    {
        byte[] whole = SnapshotFixture.Export(Sample());
        int at = Encoding.UTF8.GetString(whole).IndexOf("\"v1\"", StringComparison.Ordinal) + 1;
        whole[at] = 0xFF;
        SnapshotInvalidException error = Assert.Throws<SnapshotInvalidException>(() => RegistrySnapshot.Read(whole));
        Assert.Equal(SnapshotInvalidReason.InvalidJson, error.Reason);
    }

    /// <summary>One change to a valid snapshot, what it must be refused for, and where.</summary>
    public sealed record Damage(string Name, Action<JsonObject> Apply, SnapshotInvalidReason Reason, string Path)
    {
        public override string ToString() => Name;
    }

    private static JsonObject Image(JsonObject root, int index) => AppJson(root)["images"]![index]!.AsObject();

    private static JsonArray Events(JsonObject root) => AppJson(root)["history"]!["events"]!.AsArray();

    private const string I = "repositories[1].images";
    private const string H = "repositories[1].history";

    public static readonly Damage[] Damages =
    [
        new("unknown member", r => r["extra"] = 1, SnapshotInvalidReason.UnknownMember, "extra"),
        new("unknown image member", r => Image(r, 0)["imageScanStatus"] = "COMPLETE", SnapshotInvalidReason.UnknownMember, I + "[0].imageScanStatus"),
        new("missing repositories", r => r.Remove("repositories"), SnapshotInvalidReason.MissingMember, "repositories"),
        new("missing manifest", r => Image(r, 1).Remove("imageManifest"), SnapshotInvalidReason.MissingMember, I + "[1].imageManifest"),
        new("missing history", r => AppJson(r).Remove("history"), SnapshotInvalidReason.MissingMember, "repositories[1].history"),
        new("repositories not an array", r => r["repositories"] = "none", SnapshotInvalidReason.WrongType, "repositories"),
        new("null tag", r => Image(r, 0)["imageTags"]![0] = null, SnapshotInvalidReason.WrongType, I + "[0].imageTags[0]"),
        new("size as a string", r => Image(r, 0)["imageSizeInBytes"] = "10", SnapshotInvalidReason.WrongType, I + "[0].imageSizeInBytes"),
        new("invalid registry id", r => r["registryId"] = "12345", SnapshotInvalidReason.InvalidValue, "registryId"),
        new("invalid region", r => r["region"] = "Tokyo", SnapshotInvalidReason.InvalidValue, "region"),
        new("invalid repository name", r => AppJson(r)["repositoryName"] = "Team/App", SnapshotInvalidReason.InvalidValue, "repositories[1].repositoryName"),
        new("invalid tag", r => Image(r, 0)["imageTags"]![0] = "v1!", SnapshotInvalidReason.InvalidValue, I + "[0].imageTags[0]"),
        new("non-ASCII tag", r => Image(r, 0)["imageTags"]![0] = "v\u0661", SnapshotInvalidReason.InvalidValue, I + "[0].imageTags[0]"),
        new("invalid digest", r => Image(r, 0)["imageDigest"] = "sha256:xyz", SnapshotInvalidReason.InvalidValue, I + "[0].imageDigest"),
        new("upper-case digest", r => Image(r, 0)["imageDigest"] = ((string)Image(r, 0)["imageDigest"]!).ToUpperInvariant(), SnapshotInvalidReason.InvalidValue, I + "[0].imageDigest"),
        new("unknown mode", r => AppJson(r)["imageTagMutability"] = "immutable", SnapshotInvalidReason.InvalidValue, "repositories[1].imageTagMutability"),
        new("filters without an exclusion mode", r => AppJson(r)["imageTagMutability"] = "IMMUTABLE", SnapshotInvalidReason.InvalidValue, "repositories[1].imageTagMutabilityExclusionFilters"),
        new("invalid filter", r => AppJson(r)["imageTagMutabilityExclusionFilters"]![0]!["filter"] = "late st", SnapshotInvalidReason.InvalidValue, "repositories[1].imageTagMutabilityExclusionFilters[0].filter"),
        new("filter type", r => AppJson(r)["imageTagMutabilityExclusionFilters"]![0]!["filterType"] = "REGEX", SnapshotInvalidReason.InvalidValue, "repositories[1].imageTagMutabilityExclusionFilters[0].filterType"),
        new("timestamp without ticks", r => Image(r, 0)["imagePushedAt"] = "2026-11-29T12:00:01Z", SnapshotInvalidReason.InvalidValue, I + "[0].imagePushedAt"),
        new("negative sequence", r => Image(r, 0)["sequence"] = -1, SnapshotInvalidReason.InvalidValue, I + "[0].sequence"),
        new("huge size", r => Image(r, 0)["imageSizeInBytes"] = JsonNode.Parse("1e400"), SnapshotInvalidReason.InvalidValue, I + "[0].imageSizeInBytes"),
        new("not a manifest", r => Image(r, 0)["imageManifest"] = "{\"schemaVersion\":2}", SnapshotInvalidReason.InvalidValue, I + "[0].imageManifest"),
        new("unknown event", r => Events(r)[0]!["event"] = "DELETED", SnapshotInvalidReason.InvalidValue, H + ".events[0].event"),
        new("digest of other bytes", r => Image(r, 0)["imageDigest"] = Image(r, 1)["imageDigest"]!.DeepClone(), SnapshotInvalidReason.DigestMismatch, I + "[0].imageDigest"),
        new("bytes changed", r => Image(r, 0)["imageManifest"] = ((string)Image(r, 0)["imageManifest"]!).Replace("\"size\":10", "\"size\":11", StringComparison.Ordinal), SnapshotInvalidReason.DigestMismatch, I + "[0].imageDigest"),
        new("bytes reformatted", r => Image(r, 0)["imageManifest"] = " " + (string)Image(r, 0)["imageManifest"]!, SnapshotInvalidReason.DigestMismatch, I + "[0].imageDigest"),
        new("wrong media type", r => Image(r, 2)["imageManifestMediaType"] = "application/vnd.docker.distribution.manifest.list.v2+json", SnapshotInvalidReason.InvalidValue, I + "[2].imageManifest"),
        new("wrong size", r => Image(r, 0)["imageSizeInBytes"] = 11, SnapshotInvalidReason.DigestMismatch, I + "[0].imageSizeInBytes"),
        new("tag on two images", r => Image(r, 0)["imageTags"]!.AsArray().Add("latest"), SnapshotInvalidReason.Inconsistent, I + "[1].imageTags[0]"),
        new("tag twice on one image", r => Image(r, 0)["imageTags"]!.AsArray().Add("v1"), SnapshotInvalidReason.Inconsistent, I + "[0].imageTags[1]"),
        new("image twice", r => AppJson(r)["images"]!.AsArray().Insert(1, Image(r, 0).DeepClone()), SnapshotInvalidReason.Inconsistent, I + "[1].sequence"),
        new("index child missing", r => AppJson(r)["images"]!.AsArray().RemoveAt(1), SnapshotInvalidReason.Inconsistent, I + "[1].imageManifest"),
        new("push order", r => (Image(r, 0)["sequence"], Image(r, 1)["sequence"]) = (1, 0), SnapshotInvalidReason.Inconsistent, I + "[1].sequence"),
        new("sequence past the counter", r => AppJson(r)["nextImageSequence"] = 2, SnapshotInvalidReason.Inconsistent, I + "[2].sequence"),
        new("repository twice", r => r["repositories"]!.AsArray().Add(AppJson(r).DeepClone()), SnapshotInvalidReason.Inconsistent, "repositories[2].repositoryName"),
        new("event numbering", r => Events(r)[1]!["sequence"] = 7, SnapshotInvalidReason.Inconsistent, H + ".events[1].sequence"),
        new("dropped count", r => AppJson(r)["history"]!["droppedEvents"] = 1, SnapshotInvalidReason.Inconsistent, H + ".events[0].sequence"),
        new("event shape", r => Events(r)[3]!["newImageDigest"] = null, SnapshotInvalidReason.Inconsistent, H + ".events[3]"),
        new("event chain", r => Events(r)[3]!["oldImageDigest"] = Image(r, 2)["imageDigest"]!.DeepClone(), SnapshotInvalidReason.Inconsistent, H + ".events[3]"),
        new("event missing", r => Events(r).RemoveAt(3), SnapshotInvalidReason.Inconsistent, H + ".events[3].sequence"),
        new("history not replaying to the tags", r => Image(r, 0)["imageTags"]!.AsArray().Add("extra"), SnapshotInvalidReason.Inconsistent, H),
    ];

    public static TheoryData<string> DamageNames => [.. Damages.Select(d => d.Name)];

    [Theory]
    [MemberData(nameof(DamageNames))]
    public void A_damaged_snapshot_is_refused_with_its_reason_and_path(string name)
    {
        Damage damage = Damages.Single(d => d.Name == name);
        JsonObject root = SampleJson();
        Assert.NotNull(RegistrySnapshot.Read(Encoding.UTF8.GetBytes(root.ToJsonString()))); // valid before the damage

        damage.Apply(root);
        SnapshotInvalidException error = Refused(root);

        Assert.True(
            (damage.Reason, damage.Path) == (error.Reason, error.JsonPath),
            $"expected {damage.Reason} at '{damage.Path}', got {error.Reason} at '{error.JsonPath}': {error.Message}");
        Assert.StartsWith(damage.Path + ": ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_member_is_refused()
    {
        string json = SampleJson().ToJsonString().Replace("\"region\":\"us-east-1\"", "\"region\":\"us-east-1\",\"region\":\"us-east-1\"", StringComparison.Ordinal);
        SnapshotInvalidException error = Refused(json);
        Assert.Equal((SnapshotInvalidReason.DuplicateMember, "region"), (error.Reason, error.JsonPath));
    }

    [Fact]
    public void A_digest_error_names_both_digests()
    {
        JsonObject root = SampleJson();
        string wrong = (string)Image(root, 1)["imageDigest"]!;
        Image(root, 0)["imageDigest"] = wrong;
        SnapshotInvalidException error = Refused(root);
        Assert.Equal($"{I}[0].imageDigest: {wrong} is not the sha256 of the manifest's bytes, which is {ManifestPool.Entries[0].DigestText}", error.Message);
    }

    [Theory]
    [InlineData("images")]
    [InlineData("tags")]
    [InlineData("manifest")]
    [InlineData("history")]
    public void A_state_over_the_options_limits_is_refused(string limit)
    {
        RegistryOptions options = limit switch
        {
            "images" => new RegistryOptions { MaxImagesPerRepository = 2 },
            "tags" => new RegistryOptions { MaxTagsPerImage = 0 + 1 },
            "manifest" => new RegistryOptions { MaxManifestSizeInBytes = 100 },
            _ => new RegistryOptions { MaxHistoryEventsPerRepository = 2 },
        };
        JsonObject root = SampleJson();
        if (limit == "tags")
        {
            Image(root, 0)["imageTags"]!.AsArray().Add("v2");
        }

        SnapshotInvalidException error = Refused(root, options);
        Assert.Equal(SnapshotInvalidReason.LimitExceeded, error.Reason);
    }

    [Fact]
    public void A_history_with_dropped_events_is_checked_only_where_the_retained_events_tell()
    {
        var clock = new ManualClock();
        var registry = new Registry(new RegistryOptions { TimeProvider = clock, MaxHistoryEventsPerRepository = 2 });
        registry.CreateRepository(App);
        registry.Push("team/app", ManifestPool.Entries[0].Manifest, "a");
        registry.Push("team/app", ManifestPool.Entries[0].Manifest, "b");
        registry.Push("team/app", ManifestPool.Entries[1].Manifest, "c");
        registry.Push("team/app", ManifestPool.Entries[1].Manifest, "a");
        byte[] bytes = SnapshotFixture.Export(registry);

        // Only 'c' created and 'a' moved are retained: 'b' has no event and keeps its binding.
        Registry imported = RegistrySnapshot.Read(bytes, new RegistryOptions { MaxHistoryEventsPerRepository = 2 });
        Assert.Equal(bytes, SnapshotFixture.Export(imported));
        Assert.Equal([2L, 3L], imported.GetHistory(App).Select(e => e.Sequence));
    }

    [Fact]
    public void Reading_changes_nothing_outside_the_new_registry_and_a_failure_builds_nothing()
    {
        Registry original = Sample();
        string before = SnapshotFixture.Observe(original);
        JsonObject root = SampleJson();
        Image(root, 2)["imageSizeInBytes"] = 1; // the last image of the last repository: everything before it was fine

        Assert.Throws<SnapshotInvalidException>(() => RegistrySnapshot.Read(Encoding.UTF8.GetBytes(root.ToJsonString())));

        Registry imported = RegistrySnapshot.Read(SnapshotFixture.Export(original));
        imported.Push("team/app", ManifestPool.Entries[2].Manifest, "new");
        Assert.Equal(before, SnapshotFixture.Observe(original));
    }

    [Fact]
    public void The_writers_reject_null()
    {
        Assert.Throws<ArgumentNullException>(() => RegistrySnapshot.Write(null!, new MemoryStream()));
        Assert.Throws<ArgumentNullException>(() => RegistrySnapshot.Write(new Registry(), (Stream)null!));
        Assert.Throws<ArgumentNullException>(() => RegistrySnapshot.Read((Stream)null!));
    }
}
