using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TagImmutability.Server.Blobs;
using TagImmutability.Server.Journal;

namespace TagImmutability.Server.Tests.Journal;

/// <summary>A temporary data directory, journals opened on it, and the calls the server makes through a journal.</summary>
internal sealed class JournalFixture : IDisposable
{
    public JournalFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "tagimm-journal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public string StateDirectory => Path.Combine(Root, RegistryJournal.StateDirectoryName);

    public RegistryJournal Open(int snapshotEvery = 1000, string? root = null)
    {
        var links = new BlobLinks(new FileBlobStore(root ?? Root));
        return RegistryJournal.Open(root ?? Root, new RegistryOptions { TimeProvider = Clock }, links, snapshotEvery, NullLogger.Instance);
    }

    /// <summary>Runs an ECR write through the journal as the ECR endpoint does; advances the clock a second first.</summary>
    public static Task<EcrResponse> EcrAsync(RegistryJournal journal, ManualClock clock, string operation, string json)
    {
        clock.Advance(TimeSpan.FromSeconds(1));
        byte[] body = Encoding.UTF8.GetBytes(json);
        var api = new EcrApi(journal.Registry);
        return journal.WriteAsync(write =>
        {
            write.Append(JournalRecord.Ecr(operation, body));
            return api.Invoke(operation, body);
        });
    }

    public Task<EcrResponse> EcrAsync(RegistryJournal journal, string operation, string json) => EcrAsync(journal, Clock, operation, json);

    /// <summary>A copy of the whole data directory, to open as another run would find it.</summary>
    public string Copy()
    {
        string target = Path.Combine(Path.GetTempPath(), "tagimm-journal-" + Guid.NewGuid().ToString("N"));
        foreach (string file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(Root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        Directory.CreateDirectory(target);
        _copies.Add(target);
        return target;
    }

    public static string SnapshotText(Registry registry)
    {
        using var stream = new MemoryStream();
        RegistrySnapshot.Write(registry, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private readonly List<string> _copies = [];

    public void Dispose()
    {
        foreach (string directory in _copies.Append(Root))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>A clock the test moves.</summary>
internal sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now;

    public ManualClock(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
