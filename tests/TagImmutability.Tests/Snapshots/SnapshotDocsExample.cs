using System.Text;
using System.Text.Json;
using TagImmutability.Internal;
using TagImmutability.Tests.Registries;

namespace TagImmutability.Tests.Snapshots;

/// <summary>
/// The example of docs/snapshot-format.md is a real snapshot: the registry the doc describes writes exactly it (the doc
/// shows it indented), and reading it back gives that registry again.
/// </summary>
public sealed class SnapshotDocsExample
{
    // The OCI image manifest of the README's example, versions 1.0 and 1.1.
    private static byte[] Manifest(string version) => Encoding.UTF8.GetBytes(
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
        + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},"
        + "\"layers\":[],\"annotations\":{\"version\":\"" + version + "\"}}");

    /// <summary>The registry of the doc: team/app, IMMUTABLE_WITH_EXCLUSION [latest]; v1.0.0 and latest on 1.0; latest moved to 1.1; a refused push of v1.0.0.</summary>
    internal static Registry Example()
    {
        var clock = new ManualClock { Now = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero) };
        var registry = new Registry(new RegistryOptions { TimeProvider = clock, ActorProvider = () => "ci" });
        RepositoryName app = RepositoryName.Parse("team/app");
        registry.CreateRepository(app, TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest")]));
        clock.Now = clock.Now.AddMinutes(1);
        registry.PutImage(app, Manifest("1.0"), Tag.Parse("v1.0.0"));
        registry.PutImage(app, Manifest("1.0"), Tag.Parse("latest"));
        clock.Now = clock.Now.AddMinutes(1);
        registry.PutImage(app, Manifest("1.1"), Tag.Parse("latest"));
        Assert.Throws<ImageTagAlreadyExistsException>(() => registry.PutImage(app, Manifest("1.1"), Tag.Parse("v1.0.0")));
        return registry;
    }

    private static string DocExample()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "snapshot-format.md"));
        const string Fence = "```json\n";
        int start = doc.IndexOf(Fence, StringComparison.Ordinal) + Fence.Length;
        return doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [Fact]
    public void The_documented_example_is_what_the_registry_writes()
    {
        // The doc shows the document indented; the library writes it compact, with the same escaping.
        using JsonDocument shown = JsonDocument.Parse(DocExample());
        using var compact = new MemoryStream();
        using (var writer = new Utf8JsonWriter(compact, new JsonWriterOptions { Encoder = CanonicalJsonEncoder.Instance }))
        {
            shown.RootElement.WriteTo(writer);
        }

        Assert.Equal(Encoding.UTF8.GetString(SnapshotFixture.Export(Example())), Encoding.UTF8.GetString(compact.ToArray()));
    }

    [Fact]
    public void The_documented_example_reads_back_as_the_registry()
    {
        Registry read = RegistrySnapshot.Read(Encoding.UTF8.GetBytes(DocExample()));
        Assert.Equal(SnapshotFixture.Observe(Example()), SnapshotFixture.Observe(read));
    }
}
