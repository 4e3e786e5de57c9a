using TagImmutability.Server.Blobs;

namespace TagImmutability.Server.Journal;

/// <summary>
/// Applies journal records to a registry and the blob links, with the registry's clock and actor pinned to each
/// record's. A call that failed live fails the same way here, and leaves the state as it found it, so every
/// exception is swallowed: the record was journaled whatever came of it.
/// </summary>
/// <remarks>
/// Blob links are replayed as a set (no file is touched); <see cref="BlobLinks.Reconcile"/> afterwards drops links
/// to content that is gone and removes content no repository links.
/// <para><b>Thread safety:</b> used by one thread, while the server is not yet serving.</para>
/// </remarks>
internal sealed class Replayer
{
    private readonly Registry _registry;
    private readonly BlobLinks _links;
    private readonly JournalClock _clock;
    private readonly EcrApi _ecr;
    private readonly GrammarProfile _grammar;

    public Replayer(Registry registry, BlobLinks links, JournalClock clock)
    {
        _registry = registry;
        _links = links;
        _clock = clock;
        _ecr = new EcrApi(registry);
        _grammar = registry.Options.Grammar;
    }

    /// <summary>Calls that failed when replayed (as they failed live).</summary>
    public int Failed { get; private set; }

    public void Apply(JournalRecord record)
    {
        using (_clock.PinTo(record.At, record.Actor))
        {
            try
            {
                Run(record);
            }
            catch (Exception error) when (error is RegistryException or ArgumentException or FormatException or InvalidOperationException)
            {
                Failed++;
            }
        }
    }

    private void Run(JournalRecord record)
    {
        switch (record.Operation)
        {
            case JournalOperation.Ecr:
                _ = _ecr.Invoke(record.Target!, record.Body);
                break;
            case JournalOperation.CreateRepository:
                _ = RegistryWrites.CreateOnPush(_registry, Name(record), record.Policy!);
                break;
            case JournalOperation.PushManifest:
                _ = RegistryWrites.PushManifest(
                    _registry,
                    Name(record),
                    record.Body,
                    record.MediaType is null ? null : MediaType.Parse(record.MediaType),
                    record.Digest!.Value,
                    record.ImageDigest,
                    [.. record.Tags.Select(t => Tag.Parse(t, _grammar))]);
                break;
            case JournalOperation.DeleteManifest:
                _ = RegistryWrites.DeleteManifest(_registry, Name(record), record.ImageDigest is { } digest
                    ? ImageId.ForDigest(digest)
                    : ImageId.ForTag(Tag.Parse(record.ImageTag!, _grammar)));
                break;
            case JournalOperation.LinkBlob:
                _links.ReplayLink(Name(record), record.Digest!.Value);
                break;
            case JournalOperation.UnlinkBlob:
                _links.ReplayUnlink(Name(record), record.Digest!.Value);
                break;
        }
    }

    private RepositoryName Name(JournalRecord record) => RepositoryName.Parse(record.Repository, _grammar);
}
