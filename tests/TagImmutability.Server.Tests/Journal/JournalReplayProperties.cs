using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TagImmutability.Server.Tests.Distribution;
using TagImmutability.Server.Journal;

namespace TagImmutability.Server.Tests.Journal;

/// <summary>
/// Replay reproduces the live registry: random histories of the writes the server journals (ECR writes and the
/// distribution API's create-on-push, manifest PUT and DELETE), with snapshots at random cadences and restarts after a
/// crash or a clean stop, end in a registry whose snapshot is byte-for-byte the live one's (times, history, push order).
/// </summary>
public sealed class JournalReplayProperties
{
    private static readonly string[] Repositories = ["app", "team/svc"];
    private static readonly string[] Tags = ["latest", "v1", "v2"];
    private static readonly string[] Modes = ["MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"];

    [Property(MaxTest = 40)]
    public Property A_restart_at_any_point_rebuilds_exactly_the_live_registry() =>
        Prop.ForAll(
            Gen.ArrayOf(Gen.Choose(0, (8 * 2 * 4 * 8) - 1)).ToArbitrary(),
            Gen.Choose(1, 6).ToArbitrary(),
            Gen.Choose(0, 2).ToArbitrary(),
            (steps, snapshotEvery, ending) =>
            {
                using var fixture = new JournalFixture();
                RegistryJournal journal = fixture.Open(snapshotEvery);
                int half = steps.Length / 2;
                for (int i = 0; i < steps.Length; i++)
                {
                    if (i == half && ending == 2)
                    {
                        // A crash in the middle, then carry on with the rebuilt registry.
                        journal.CloseAbruptly();
                        journal = fixture.Open(snapshotEvery);
                    }

                    int step = steps[i];
                    (int kind, int repository, int a, int b) = (step % 8, step / 8 % 2, step / 16 % 4, step / 64 % 8);
                    Step(journal, fixture.Clock, kind, Repositories[repository], a, b).GetAwaiter().GetResult();
                }

                string live = JournalFixture.SnapshotText(journal.Registry);
                if (ending == 1)
                {
                    journal.Dispose();
                }
                else
                {
                    journal.CloseAbruptly();
                }

                fixture.Clock.Advance(TimeSpan.FromHours(5));
                RegistryJournal reopened = fixture.Open(snapshotEvery);
                string rebuilt = JournalFixture.SnapshotText(reopened.Registry);
                reopened.CloseAbruptly();
                return (live == rebuilt).Label($"live:\n{live}\nrebuilt:\n{rebuilt}");
            });

    // One write, made as the server makes it: the record appended, then the same call applied.
    private static Task Step(RegistryJournal journal, ManualClock clock, int kind, string repository, int a, int b)
    {
        var name = RepositoryName.Parse(repository);
        string tag = Tags[a % Tags.Length];
        TestImage image = TestImage.Scratch("build-" + b);
        string mode = Modes[a];
        string filters = mode.EndsWith("_WITH_EXCLUSION", StringComparison.Ordinal)
            ? ",\"imageTagMutabilityExclusionFilters\":[{\"filterType\":\"WILDCARD\",\"filter\":\"latest\"}]"
            : string.Empty;
        switch (kind)
        {
            case 0:
                return JournalFixture.EcrAsync(journal, clock, "CreateRepository", $"{{\"repositoryName\":\"{repository}\",\"imageTagMutability\":\"{mode}\"{filters}}}");
            case 1:
                return JournalFixture.EcrAsync(journal, clock, "PutImageTagMutability", $"{{\"repositoryName\":\"{repository}\",\"imageTagMutability\":\"{mode}\"{filters}}}");
            case 2:
                string tagMember = b % 4 == 3 ? string.Empty : $",\"imageTag\":\"{tag}\"";
                return JournalFixture.EcrAsync(journal, clock, "PutImage", $"{{\"repositoryName\":\"{repository}\"{tagMember},\"imageManifest\":{JsonSerializer.Serialize(Encoding.UTF8.GetString(image.Manifest))}}}");
            case 3:
                return JournalFixture.EcrAsync(journal, clock, "BatchDeleteImage", $"{{\"repositoryName\":\"{repository}\",\"imageIds\":[{{\"imageTag\":\"{tag}\"}}]}}");
            case 4:
                return JournalFixture.EcrAsync(journal, clock, "DeleteRepository", $"{{\"repositoryName\":\"{repository}\",\"force\":true}}");
            case 5:
                var policy = TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest")]);
                return Write(journal, clock, JournalRecord.CreateRepository(name, policy), registry => RegistryWrites.CreateOnPush(registry, name, policy));
            case 6:
                Tag[] tags = [.. Tags.Where((_, i) => ((a + 1) & (1 << i)) != 0).Select(t => Tag.Parse(t))];
                var digest = Digest.Parse(image.ManifestDigest);
                Digest? byDigest = tags.Length != 1 || b % 2 == 0 ? digest : null;
                var mediaType = MediaType.Parse(TestImage.OciManifest);
                return Write(journal, clock, JournalRecord.PushManifest(name, image.Manifest, mediaType, digest, byDigest, tags),
                    registry => RegistryWrites.PushManifest(registry, name, image.Manifest, mediaType, digest, byDigest, tags));
            default:
                ImageId id = b % 2 == 0 ? ImageId.ForTag(Tag.Parse(tag)) : ImageId.ForDigest(Digest.Parse(image.ManifestDigest));
                return Write(journal, clock, JournalRecord.DeleteManifest(name, id), registry => RegistryWrites.DeleteManifest(registry, name, id));
        }
    }

    private static async Task Write<T>(RegistryJournal journal, ManualClock clock, JournalRecord record, Func<Registry, T> apply)
    {
        clock.Advance(TimeSpan.FromSeconds(1));
        try
        {
            _ = await journal.WriteAsync(write =>
            {
                write.Append(record);
                return apply(journal.Registry);
            });
        }
        catch (RegistryException)
        {
            // Refused live; the record stays, and the replay is refused the same way.
        }
    }
}
