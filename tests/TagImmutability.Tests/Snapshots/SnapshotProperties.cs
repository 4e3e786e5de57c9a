using System.Buffers;
using System.Text.Json;
using TagImmutability.Tests.Registries;
using TagImmutability.Tests.Registries.Model;

namespace TagImmutability.Tests.Snapshots;

/// <summary>
/// Snapshots of random registries (random histories of pushes, moves, deletions, policy and repository changes, with
/// indexes, actors and bounded histories): export, import and export again gives the same bytes; the imported registry
/// answers every call as the original does; and it goes on behaving like the original under further random calls.
/// </summary>
public sealed class SnapshotProperties
{
    [Property(MaxTest = 150, QuietOnSuccess = true)]
    public Property Export_import_export_gives_the_same_bytes_and_every_observable_is_equal() =>
        Prop.ForAll(SnapshotFixture.Arbitrary, setup =>
        {
            (Registry original, ManualClock clock) = SnapshotFixture.Build(setup);
            byte[] first = SnapshotFixture.Export(original);

            Registry imported = RegistrySnapshot.Read(first, SnapshotFixture.Options(setup, clock));
            byte[] second = SnapshotFixture.Export(imported);

            Assert.Equal(first, second);
            Assert.Equal(SnapshotFixture.Observe(original), SnapshotFixture.Observe(imported));
        });

    [Property(MaxTest = 100, QuietOnSuccess = true)]
    public Property The_imported_registry_behaves_like_the_original_under_further_calls() =>
        Prop.ForAll(SnapshotFixture.Arbitrary, Gen.ArrayOf(StepGenerators.Step, 30).ToArbitrary(), (setup, more) =>
        {
            (Registry original, ManualClock clock) = SnapshotFixture.Build(setup);
            var importedClock = new ManualClock { Now = clock.Now };
            Registry imported = RegistrySnapshot.Read(SnapshotFixture.Export(original), SnapshotFixture.Options(setup, importedClock));

            // Push order, index references, history numbering and limits all carry over: the same calls answer the same.
            var a = new RegistryDriver(original);
            var b = new RegistryDriver(imported);
            for (int i = 0; i < more.Length; i++)
            {
                clock.Now = importedClock.Now = clock.Now.AddSeconds(1);
                string expected = a.Apply(more[i]);
                string actual = b.Apply(more[i]);
                Assert.True(expected == actual, $"step {i + 1} ({more[i]}): original {expected}, imported {actual}");
            }

            Assert.Equal(SnapshotFixture.Export(original), SnapshotFixture.Export(imported));
        });

    [Property(MaxTest = 50, QuietOnSuccess = true)]
    public Property Every_writer_writes_the_same_bytes_and_every_reader_reads_them() =>
        Prop.ForAll(SnapshotFixture.Arbitrary, setup =>
        {
            (Registry registry, _) = SnapshotFixture.Build(setup);
            byte[] viaStream = SnapshotFixture.Export(registry);
            var buffer = new ArrayBufferWriter<byte>();
            RegistrySnapshot.Write(registry, buffer);
            using var asyncStream = new MemoryStream();
            RegistrySnapshot.WriteAsync(registry, asyncStream).GetAwaiter().GetResult();

            Assert.Equal(viaStream, buffer.WrittenSpan.ToArray());
            Assert.Equal(viaStream, asyncStream.ToArray());
            var options = new RegistryOptions { MaxHistoryEventsPerRepository = setup.HistoryBound, MaxImagesPerRepository = setup.Scenario.Limits.MaxImagesPerRepository, MaxTagsPerImage = setup.Scenario.Limits.MaxTagsPerImage };
            Assert.Equal(viaStream, SnapshotFixture.Export(RegistrySnapshot.Read(new MemoryStream(viaStream), options)));
            Assert.Equal(viaStream, SnapshotFixture.Export(RegistrySnapshot.ReadAsync(new MemoryStream(viaStream), options).GetAwaiter().GetResult()));
        });

    [Property(MaxTest = 50, QuietOnSuccess = true)]
    public Property A_snapshots_history_events_are_the_events_WriteHistoryJson_writes() =>
        Prop.ForAll(SnapshotFixture.Arbitrary, setup =>
        {
            (Registry registry, _) = SnapshotFixture.Build(setup);
            using JsonDocument snapshot = JsonDocument.Parse(SnapshotFixture.Export(registry));
            foreach (JsonElement repository in snapshot.RootElement.GetProperty("repositories").EnumerateArray())
            {
                using var stream = new MemoryStream();
                using (var writer = new Utf8JsonWriter(stream))
                {
                    registry.WriteHistoryJson(RepositoryName.Parse(repository.GetProperty("repositoryName").GetString()!), writer);
                }

                using JsonDocument history = JsonDocument.Parse(stream.ToArray());
                JsonElement ours = repository.GetProperty("history");
                Assert.Equal(history.RootElement.GetProperty("droppedEvents").GetInt64(), ours.GetProperty("droppedEvents").GetInt64());
                // The same members in the same order with the same values (the escaping of the two writers differs).
                Assert.Equal(
                    history.RootElement.GetProperty("events").EnumerateArray().Select(Members),
                    ours.GetProperty("events").EnumerateArray().Select(Members));
            }
        });

    private static string Members(JsonElement item) =>
        string.Join(", ", item.EnumerateObject().Select(p => $"{p.Name}={(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}"));

    /// <summary>Guards the generator: the property sees indexes, untagged images, dropped history, rejections and actors.</summary>
    [Fact]
    public void Generated_registries_reach_every_part_of_the_format()
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (SnapshotFixture.Setup setup in SnapshotFixture.Setups.Sample(200))
        {
            (Registry registry, _) = SnapshotFixture.Build(setup);
            using JsonDocument document = JsonDocument.Parse(SnapshotFixture.Export(registry));
            foreach (JsonElement repository in document.RootElement.GetProperty("repositories").EnumerateArray())
            {
                Count("repository");
                Count("policy " + repository.GetProperty("imageTagMutability").GetString());
                foreach (JsonElement image in repository.GetProperty("images").EnumerateArray())
                {
                    Count(image.GetProperty("imageManifestMediaType").GetString()!.Contains("index", StringComparison.Ordinal) ? "index" : "image manifest");
                    Count(image.GetProperty("imageTags").GetArrayLength() switch { 0 => "untagged", 1 => "one tag", _ => "several tags" });
                }

                if (repository.GetProperty("history").GetProperty("droppedEvents").GetInt64() > 0)
                {
                    Count("dropped events");
                }

                foreach (JsonElement item in repository.GetProperty("history").GetProperty("events").EnumerateArray())
                {
                    Count(item.GetProperty("event").GetString()!);
                    Count(item.GetProperty("actor").ValueKind == JsonValueKind.Null ? "no actor" : "actor");
                }
            }
        }

        string[] expected =
        [
            "repository", "policy MUTABLE", "policy IMMUTABLE", "policy IMMUTABLE_WITH_EXCLUSION", "policy MUTABLE_WITH_EXCLUSION",
            "index", "image manifest", "untagged", "one tag", "several tags", "dropped events",
            "CREATED", "MOVED", "REMOVED", "REJECTED", "actor", "no actor",
        ];
        Assert.All(expected, part => Assert.True(seen.GetValueOrDefault(part) >= 3, $"'{part}' occurred {seen.GetValueOrDefault(part)} times"));

        void Count(string part) => seen[part] = seen.GetValueOrDefault(part) + 1;
    }
}
