using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using TagImmutability.Registries;

namespace TagImmutability.Snapshots;

/// <summary>
/// Reads and validates a snapshot document (docs/snapshot-format.md) into repository states, checking everything a
/// registry would have checked when the state was built, and the consistency of the whole: nothing is built until
/// every repository has been read, so a refused file leaves nothing behind.
/// </summary>
internal sealed class SnapshotReader
{
    private static readonly string[] RootMembers = ["format", "formatVersion", "registryId", "region", "repositories"];
    private static readonly string[] RepositoryMembers =
        ["repositoryName", "createdAt", "imageTagMutability", "imageTagMutabilityExclusionFilters", "nextImageSequence", "images", "history"];

    private static readonly string[] ImageMembers =
        ["sequence", "imageDigest", "imageTags", "imageSizeInBytes", "imagePushedAt", "imageManifestMediaType", "imageManifest"];

    private static readonly string[] HistoryMembers = ["droppedEvents", "events"];
    private static readonly string[] EventMembers = ["sequence", "timestamp", "imageTag", "event", "oldImageDigest", "newImageDigest", "actor"];

    private readonly RegistryOptions _options;
    private readonly ManifestParserOptions _parserOptions;

    private SnapshotReader(RegistryOptions options)
    {
        _options = options;
        _parserOptions = new ManifestParserOptions { MaxSizeInBytes = options.MaxManifestSizeInBytes };
    }

    /// <summary>Reads the document into a new registry; throws <see cref="SnapshotInvalidException"/> at the first problem.</summary>
    public static Registry Read(JsonDocument document, RegistryOptions? options)
    {
        var root = new StateJson(document.RootElement, string.Empty);
        if (root.Element.ValueKind != JsonValueKind.Object)
        {
            throw root.Error(SnapshotInvalidReason.NotASnapshot, "a registry snapshot is a JSON object whose 'format' is '" + RegistrySnapshot.FormatName + "'");
        }

        // What the file is, then which version, before anything else: a newer version may have other members.
        if (!root.TryMember("format", out StateJson format) || format.Element.ValueKind != JsonValueKind.String || format.GetString() != RegistrySnapshot.FormatName)
        {
            throw SnapshotInvalidException.Create(
                SnapshotInvalidReason.NotASnapshot,
                "format",
                "the document is not a registry snapshot: its 'format' must be '" + RegistrySnapshot.FormatName + "'");
        }

        StateJson version = root.Member("formatVersion");
        if (version.Element.ValueKind != JsonValueKind.Number || !version.Element.TryGetInt64(out long number) || number != RegistrySnapshot.FormatVersion)
        {
            throw version.Error(
                SnapshotInvalidReason.UnsupportedFormatVersion,
                $"format version {StateJson.Shorten(version.Element.GetRawText())} is not supported: this library reads version {RegistrySnapshot.FormatVersion} only");
        }

        root.ExpectObject(RootMembers);
        options = CheckIdentity(root, options);
        var reader = new SnapshotReader(options);
        var states = new List<RepositoryState>();
        var names = new HashSet<RepositoryName>();
        foreach (StateJson repository in root.Member("repositories").Items())
        {
            RepositoryState state = reader.ReadRepository(repository);
            if (!names.Add(state.Info.Name))
            {
                throw SnapshotInvalidException.Create(
                    SnapshotInvalidReason.Inconsistent,
                    repository.Child("repositoryName"),
                    $"repository '{state.Info.Name}' is listed twice");
            }

            states.Add(state);
        }

        var registry = new Registry(options);
        registry.InstallRepositoryStates(states);
        return registry;
    }

    // The registry id and region: the snapshot's own when no options are given, else they must be the options'.
    private static RegistryOptions CheckIdentity(StateJson root, RegistryOptions? options)
    {
        StateJson idNode = root.Member("registryId");
        StateJson regionNode = root.Member("region");
        string registryId = idNode.GetString();
        string region = regionNode.GetString();
        try
        {
            _ = new RegistryOptions { RegistryId = registryId };
        }
        catch (ArgumentException error)
        {
            throw idNode.Error(SnapshotInvalidReason.InvalidValue, $"registry id '{StateJson.Shorten(registryId)}' is invalid: it must match [0-9]{{12}}", error);
        }

        try
        {
            _ = new RegistryOptions { Region = region };
        }
        catch (ArgumentException error)
        {
            throw regionNode.Error(SnapshotInvalidReason.InvalidValue, $"region '{StateJson.Shorten(region)}' is invalid: it must match [a-z0-9-]{{1,32}}", error);
        }

        if (options is null)
        {
            return new RegistryOptions { RegistryId = registryId, Region = region };
        }

        if (!string.Equals(options.RegistryId, registryId, StringComparison.Ordinal))
        {
            throw idNode.Error(SnapshotInvalidReason.RegistryMismatch, $"the snapshot is of registry '{registryId}', and the options are for registry '{options.RegistryId}'");
        }

        if (!string.Equals(options.Region, region, StringComparison.Ordinal))
        {
            throw regionNode.Error(SnapshotInvalidReason.RegistryMismatch, $"the snapshot is of region '{region}', and the options are for region '{options.Region}'");
        }

        return options;
    }

    private RepositoryState ReadRepository(StateJson node)
    {
        node.ExpectObject(RepositoryMembers);
        RepositoryName name = node.Member("repositoryName").GetRepositoryName(_options.Grammar);
        DateTimeOffset createdAt = node.Member("createdAt").GetRoundTripTimestamp();
        TagMutabilityPolicy policy = node.GetPolicy(filtersRequired: true);
        StateJson nextNode = node.Member("nextImageSequence");
        long nextSequence = nextNode.GetInt64();
        var info = new RepositoryInfo(_options.RegistryId, _options.Region, name, createdAt, policy);

        StateJson imagesNode = node.Member("images");
        if (imagesNode.Element.ValueKind == JsonValueKind.Array && imagesNode.Length > _options.MaxImagesPerRepository)
        {
            throw imagesNode.Error(SnapshotInvalidReason.LimitExceeded, $"{imagesNode.Length} images, more than the registry's limit of {_options.MaxImagesPerRepository} per repository");
        }

        var images = new List<ImageDetail>();
        var byDigest = new Dictionary<Digest, ImageDetail>();
        var tagOwners = new Dictionary<string, Digest>(StringComparer.Ordinal);
        long previous = -1;
        foreach (StateJson imageNode in imagesNode.Items())
        {
            ImageDetail image = ReadImage(imageNode, info, previous, nextNode, byDigest, tagOwners);
            previous = image.Sequence;
            images.Add(image);
            byDigest.Add(image.Digest, image);
        }

        TagHistory history = ReadHistory(node.Member("history"), name, tagOwners);
        return Registry.RestoredState(info, images, nextSequence, history);
    }

    private ImageDetail ReadImage(StateJson node, RepositoryInfo info, long previous, StateJson nextNode, Dictionary<Digest, ImageDetail> earlier, Dictionary<string, Digest> tagOwners)
    {
        node.ExpectObject(ImageMembers);
        StateJson sequenceNode = node.Member("sequence");
        long sequence = sequenceNode.GetInt64();
        if (sequence <= previous)
        {
            throw sequenceNode.Error(SnapshotInvalidReason.Inconsistent, $"{sequence} is not greater than the previous image's {previous}: images are listed in push order");
        }

        long next = nextNode.GetInt64();
        if (sequence >= next)
        {
            throw sequenceNode.Error(SnapshotInvalidReason.Inconsistent, $"{sequence} is not less than the repository's nextImageSequence, {next}");
        }

        StateJson digestNode = node.Member("imageDigest");
        Digest digest = digestNode.GetDigest();
        if (earlier.ContainsKey(digest))
        {
            throw digestNode.Error(SnapshotInvalidReason.Inconsistent, $"image {digest} is listed twice");
        }

        StateJson mediaTypeNode = node.Member("imageManifestMediaType");
        MediaType mediaType = mediaTypeNode.GetMediaType();
        StateJson manifestNode = node.Member("imageManifest");
        byte[] content = manifestNode.GetUtf8Bytes();
        if (content.Length > _options.MaxManifestSizeInBytes)
        {
            throw manifestNode.Error(SnapshotInvalidReason.LimitExceeded, $"the manifest is {content.Length} bytes, more than the registry's limit of {_options.MaxManifestSizeInBytes}");
        }

        ParsedManifest parsed;
        try
        {
            parsed = ManifestParser.Parse(content, mediaType, _parserOptions);
        }
        catch (ManifestInvalidException error)
        {
            throw manifestNode.Error(SnapshotInvalidReason.InvalidValue, "not a manifest the registry accepts: " + error.Message, error);
        }

        if (parsed.MediaType != mediaType)
        {
            throw mediaTypeNode.Error(SnapshotInvalidReason.DigestMismatch, $"'{mediaType}' is not the manifest's media type, '{parsed.MediaType}'");
        }

        if (parsed.Digest != digest)
        {
            throw digestNode.Error(SnapshotInvalidReason.DigestMismatch, $"{digest} is not the sha256 of the manifest's bytes, which is {parsed.Digest}");
        }

        // An index's children were in the repository when it was pushed, and cannot be deleted while it is.
        foreach (Digest child in parsed.Manifest is ImageIndex index ? index.ManifestDigests : [])
        {
            if (!earlier.ContainsKey(child))
            {
                throw manifestNode.Error(SnapshotInvalidReason.Inconsistent, $"the index references {child}, which is not an image pushed before it in this repository");
            }
        }

        long size = parsed.Manifest switch
        {
            ImageManifest manifest => manifest.ImageSizeInBytes,
            ImageIndex list => list.ComputeImageSizeInBytes(d => earlier.TryGetValue(d.Digest, out ImageDetail? child) ? child.SizeInBytes : 0),
            _ => 0,
        };
        StateJson sizeNode = node.Member("imageSizeInBytes");
        long stored = sizeNode.GetInt64();
        if (stored != size)
        {
            throw sizeNode.Error(SnapshotInvalidReason.DigestMismatch, $"{stored} is not the size the manifest gives, {size}");
        }

        DateTimeOffset pushedAt = node.Member("imagePushedAt").GetRoundTripTimestamp();
        StateJson tagsNode = node.Member("imageTags");
        if (tagsNode.Element.ValueKind == JsonValueKind.Array && tagsNode.Length > _options.MaxTagsPerImage)
        {
            throw tagsNode.Error(SnapshotInvalidReason.LimitExceeded, $"{tagsNode.Length} tags, more than the registry's limit of {_options.MaxTagsPerImage} per image");
        }

        var tags = ImmutableArray.CreateBuilder<Tag>();
        foreach (StateJson tagNode in tagsNode.Items())
        {
            Tag tag = tagNode.GetTag(_options.Grammar);
            if (tagOwners.TryGetValue(tag.Value, out Digest owner))
            {
                throw tagNode.Error(
                    SnapshotInvalidReason.Inconsistent,
                    owner == digest ? $"tag '{tag}' is listed twice on this image" : $"tag '{tag}' is also on image {owner}: a tag names one image");
            }

            tagOwners.Add(tag.Value, digest);
            tags.Add(tag);
        }

        return new ImageDetail(info.RegistryId, info.Name, parsed, content, size, pushedAt, tags.ToImmutable(), sequence);
    }

    // The retained events must be numbered on from the dropped ones, each well formed, each starting from the binding
    // the retained events before it left, and together they must replay to the tags the images carry.
    private TagHistory ReadHistory(StateJson node, RepositoryName repository, Dictionary<string, Digest> tagOwners)
    {
        node.ExpectObject(HistoryMembers);
        long dropped = node.Member("droppedEvents").GetInt64();
        StateJson eventsNode = node.Member("events");
        if (eventsNode.Element.ValueKind == JsonValueKind.Array && eventsNode.Length > _options.MaxHistoryEventsPerRepository)
        {
            throw eventsNode.Error(SnapshotInvalidReason.LimitExceeded, $"{eventsNode.Length} events, more than the registry's limit of {_options.MaxHistoryEventsPerRepository} per repository");
        }

        var events = ImmutableList.CreateBuilder<TagEvent>();
        var bindings = new Dictionary<string, Digest>(StringComparer.Ordinal);
        var replayed = new HashSet<string>(StringComparer.Ordinal);
        foreach (StateJson item in eventsNode.Items())
        {
            item.ExpectObject(EventMembers);
            StateJson sequenceNode = item.Member("sequence");
            long sequence = sequenceNode.GetInt64();
            long expected = dropped + events.Count;
            if (sequence != expected)
            {
                throw sequenceNode.Error(SnapshotInvalidReason.Inconsistent, $"{sequence} is not {expected}: events are numbered on from droppedEvents without gaps");
            }

            DateTimeOffset timestamp = item.Member("timestamp").GetRoundTripTimestamp();
            Tag tag = item.Member("imageTag").GetTag(_options.Grammar);
            StateJson kindNode = item.Member("event");
            string kindText = kindNode.GetString();
            TagEventKind kind = kindText switch
            {
                "CREATED" => TagEventKind.Created,
                "MOVED" => TagEventKind.Moved,
                "REMOVED" => TagEventKind.Removed,
                "REJECTED" => TagEventKind.Rejected,
                _ => throw kindNode.Error(SnapshotInvalidReason.InvalidValue, $"'{StateJson.Shorten(kindText)}' is not one of CREATED, MOVED, REMOVED, REJECTED"),
            };
            Digest? old = item.Member("oldImageDigest", nullable: true).GetNullableDigest();
            Digest? @new = item.Member("newImageDigest", nullable: true).GetNullableDigest();
            string? actor = item.Member("actor", nullable: true).GetNullableString();
            bool shaped = kind switch
            {
                TagEventKind.Created => old is null && @new is not null,
                TagEventKind.Moved => old is not null && @new is not null && old != @new,
                TagEventKind.Removed => old is not null && @new is null,
                _ => old is not null && @new is not null,
            };
            if (!shaped)
            {
                throw item.Error(SnapshotInvalidReason.Inconsistent, $"a {kindText} event with oldImageDigest {old?.ToString() ?? "null"} and newImageDigest {@new?.ToString() ?? "null"} is not well formed");
            }

            // Before the first retained event of a tag, its binding is known only when no event was dropped.
            if (replayed.Contains(tag.Value) || dropped == 0)
            {
                Digest? before = bindings.TryGetValue(tag.Value, out Digest bound) ? bound : null;
                if (old != before)
                {
                    throw item.Error(
                        SnapshotInvalidReason.Inconsistent,
                        $"the event says tag '{tag}' named {old?.ToString() ?? "nothing"} before it, but the events before it leave it naming {before?.ToString() ?? "nothing"}");
                }
            }

            var tagEvent = new TagEvent(sequence, timestamp, repository, tag, kind, old, @new, actor);
            if (tagEvent.DigestAfter is { } after)
            {
                bindings[tag.Value] = after;
            }
            else
            {
                bindings.Remove(tag.Value);
            }

            replayed.Add(tag.Value);
            events.Add(tagEvent);
        }

        // Every tag change records an event, so the last retained event of a tag gives its binding; when nothing was
        // dropped, a tag without events names nothing.
        IEnumerable<string> tags = dropped == 0 ? replayed.Concat(tagOwners.Keys) : replayed;
        foreach (string tag in tags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            Digest? fromHistory = bindings.TryGetValue(tag, out Digest h) ? h : null;
            Digest? fromImages = tagOwners.TryGetValue(tag, out Digest i) ? i : null;
            if (fromHistory != fromImages)
            {
                throw node.Error(
                    SnapshotInvalidReason.Inconsistent,
                    $"the events leave tag '{tag}' naming {fromHistory?.ToString() ?? "nothing"}, but the images give it to {fromImages?.ToString() ?? "no image"}");
            }
        }

        return TagHistory.Restore(events.ToImmutable(), dropped);
    }

}
