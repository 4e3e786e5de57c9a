using System.Buffers;
using System.Buffers.Text;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TagImmutability.Internal;

/// <summary>
/// The second of the parser's two passes: reads the known top-level fields into the model, checking types and values
/// against the OCI image spec. The first pass (<see cref="ManifestJsonScanner"/>) has already proved the content is
/// well-formed JSON, bounded in depth and free of duplicate keys, and found where each field's value lies; this pass
/// opens a reader over each value it needs, so it does not depend on the order of the top-level keys.
/// </summary>
/// <remarks>Not thread-safe: one instance serves one parse.</remarks>
internal sealed class ManifestModelReader
{
    private static readonly SearchValues<byte> Base64Characters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    private readonly ReadOnlyMemory<byte> _content;
    private readonly TopLevelFields _fields;
    private readonly JsonReaderOptions _options;
    private readonly JsonPathBuilder _path = new();
    private int _base;

    public ManifestModelReader(ReadOnlyMemory<byte> content, TopLevelFields fields, int maxDepth)
    {
        _content = content;
        _fields = fields;
        _options = ManifestJsonScanner.ReaderOptions(maxDepth);
    }

    /// <summary>Reads the whole manifest: resolves the media type against <paramref name="hint"/>, then the fields of its kind.</summary>
    public Manifest Read(MediaType? hint)
    {
        MediaType? declared = null;
        long declaredOffset = -1;
        if (_fields.Has(TopLevelField.MediaType))
        {
            Utf8JsonReader reader = Open(TopLevelField.MediaType, "mediaType");
            declaredOffset = Offset(ref reader);
            declared = ReadMediaType(ref reader);
            _path.Pop();
        }

        if (declared is { } field && hint is { } given && field != given)
        {
            throw ManifestInvalidException.ForMediaType(
                ManifestInvalidReason.MediaTypeMismatch,
                "mediaType",
                "the manifest's mediaType field is " + ManifestText.Quote(field.Value) + " but the media type given with it is "
                    + ManifestText.Quote(given.Value),
                ManifestRules.MediaTypeSource,
                declaredOffset,
                declared,
                hint);
        }

        MediaType? resolved = declared ?? hint;
        int? schemaVersion = ReadSchemaVersion();
        if (resolved is { } candidate
            ? candidate == MediaType.DockerManifestV1 || candidate == MediaType.DockerManifestV1Signed
            : schemaVersion == 1)
        {
            throw ManifestInvalidException.ForMediaType(
                ManifestInvalidReason.Schema1NotSupported,
                resolved is null ? "schemaVersion" : declared is null ? string.Empty : "mediaType",
                "this is a Docker image manifest v2 schema 1, which is deprecated and not supported",
                ManifestRules.Schema1,
                resolved is null ? _fields.StartOf(TopLevelField.SchemaVersion) : declaredOffset,
                declared,
                hint);
        }

        if (schemaVersion is not { } version)
        {
            throw Error(ManifestInvalidReason.MissingField, "schemaVersion", "the required field is missing", ManifestRules.SchemaVersion, -1);
        }

        if (version != 2)
        {
            throw Error(
                ManifestInvalidReason.InvalidValue,
                "schemaVersion",
                version.ToString(CultureInfo.InvariantCulture) + " is not supported; it must be 2",
                ManifestRules.SchemaVersion,
                _fields.StartOf(TopLevelField.SchemaVersion));
        }

        if (resolved is not { } mediaType)
        {
            throw ManifestInvalidException.ForMediaType(
                ManifestInvalidReason.MediaTypeMissing,
                string.Empty,
                "the media type is missing: the manifest has no mediaType field and no media type was given with it",
                ManifestRules.MediaTypeSource,
                -1,
                null,
                null);
        }

        if (!ManifestParser.TryGetKind(mediaType, out ManifestKind kind))
        {
            throw ManifestInvalidException.ForMediaType(
                ManifestInvalidReason.UnsupportedMediaType,
                declared is null ? string.Empty : "mediaType",
                ManifestText.Quote(mediaType.Value) + " is not a manifest media type this library parses",
                ManifestRules.Supported,
                declaredOffset,
                declared,
                hint);
        }

        return kind is ManifestKind.OciImageManifest or ManifestKind.DockerManifestV2
            ? ReadImageManifest(kind, mediaType)
            : ReadImageIndex(kind, mediaType);
    }

    private ImageManifest ReadImageManifest(ManifestKind kind, MediaType mediaType)
    {
        RefuseField(TopLevelField.Manifests, "manifests", "an image manifest must not have a manifests field");
        Descriptor config = ReadRequiredDescriptor(TopLevelField.Config, "config", ManifestRules.ImageManifestFields);
        ImmutableArray<Descriptor> layers = ReadRequiredDescriptors(TopLevelField.Layers, "layers", ManifestRules.ImageManifestFields, kind);
        if (!ImageManifest.TrySumSizes(layers, out _))
        {
            throw Error(
                ManifestInvalidReason.InvalidValue,
                "layers",
                "the layer sizes add up to more than 2^63-1 bytes",
                ManifestRules.LayerSum,
                _fields.StartOf(TopLevelField.Layers));
        }

        // artifactType, subject and annotations are OCI fields; in a Docker manifest they are unknown, so ignored.
        bool oci = kind == ManifestKind.OciImageManifest;
        MediaType? artifactType = oci ? ReadOptionalMediaType(TopLevelField.ArtifactType, "artifactType") : null;
        Descriptor? subject = oci ? ReadOptionalDescriptor(TopLevelField.Subject, "subject") : null;
        ImmutableSortedDictionary<string, string> annotations = oci ? ReadOptionalAnnotations() : ModelValues.EmptyAnnotations;
        if (oci && artifactType is null && config.MediaType == MediaType.OciEmpty)
        {
            throw Error(
                ManifestInvalidReason.MissingField,
                "artifactType",
                "the field is required because config.mediaType is " + MediaType.OciEmpty.Value,
                ManifestRules.ArtifactType,
                -1);
        }

        return new ImageManifest(kind, mediaType, config, layers, artifactType, subject, annotations);
    }

    private ImageIndex ReadImageIndex(ManifestKind kind, MediaType mediaType)
    {
        RefuseField(TopLevelField.Config, "config", "an image index must not have a config field");
        RefuseField(TopLevelField.Layers, "layers", "an image index must not have a layers field");
        ImmutableArray<Descriptor> entries = ReadRequiredDescriptors(TopLevelField.Manifests, "manifests", ManifestRules.IndexFields, kind);
        bool oci = kind == ManifestKind.OciImageIndex;
        MediaType? artifactType = oci ? ReadOptionalMediaType(TopLevelField.ArtifactType, "artifactType") : null;
        Descriptor? subject = oci ? ReadOptionalDescriptor(TopLevelField.Subject, "subject") : null;
        ImmutableSortedDictionary<string, string> annotations = oci ? ReadOptionalAnnotations() : ModelValues.EmptyAnnotations;
        return new ImageIndex(kind, mediaType, entries, artifactType, subject, annotations);
    }

    private int? ReadSchemaVersion()
    {
        if (!_fields.Has(TopLevelField.SchemaVersion))
        {
            return null;
        }

        Utf8JsonReader reader = Open(TopLevelField.SchemaVersion, "schemaVersion");
        ExpectToken(ref reader, JsonTokenType.Number, "an integer", ManifestRules.SchemaVersion);
        if (!reader.TryGetInt32(out int version))
        {
            throw Error(
                ManifestInvalidReason.InvalidValue,
                Encoding.UTF8.GetString(reader.ValueSpan) + " is not supported; it must be the integer 2",
                ManifestRules.SchemaVersion,
                ref reader);
        }

        _path.Pop();
        return version;
    }

    private void RefuseField(TopLevelField field, string name, string detail)
    {
        if (_fields.Has(field))
        {
            throw Error(ManifestInvalidReason.UnexpectedField, name, detail, ManifestRules.Unambiguous, _fields.StartOf(field));
        }
    }

    private Descriptor ReadRequiredDescriptor(TopLevelField field, string name, string rule)
    {
        if (!_fields.Has(field))
        {
            throw Error(ManifestInvalidReason.MissingField, name, "the required field is missing", rule, -1);
        }

        return ReadOptionalDescriptor(field, name)!;
    }

    private Descriptor? ReadOptionalDescriptor(TopLevelField field, string name)
    {
        if (!_fields.Has(field))
        {
            return null;
        }

        Utf8JsonReader reader = Open(field, name);
        Descriptor descriptor = ReadDescriptor(ref reader);
        _path.Pop();
        return descriptor;
    }

    private ImmutableArray<Descriptor> ReadRequiredDescriptors(TopLevelField field, string name, string rule, ManifestKind kind)
    {
        if (!_fields.Has(field))
        {
            throw Error(ManifestInvalidReason.MissingField, name, "the required field is missing", rule, -1);
        }

        Utf8JsonReader reader = Open(field, name);
        ExpectToken(ref reader, JsonTokenType.StartArray, "an array of descriptors", rule);
        ImmutableArray<Descriptor>.Builder items = ImmutableArray.CreateBuilder<Descriptor>();
        bool entries = kind is ManifestKind.OciImageIndex or ManifestKind.DockerManifestList;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            _path.PushIndex(items.Count);
            long start = Offset(ref reader);
            Descriptor item = ReadDescriptor(ref reader);
            if (entries)
            {
                CheckEntry(kind, item, start);
            }

            items.Add(item);
            _path.Pop();
        }

        _path.Pop();
        return items.DrainToImmutable();
    }

    // An index entry must reference a manifest; a Docker manifest list entry must have a platform.
    private void CheckEntry(ManifestKind kind, Descriptor entry, long offset)
    {
        if (!ManifestParser.TryGetKind(entry.MediaType, out _))
        {
            throw Error(
                ManifestInvalidReason.InvalidValue,
                "mediaType",
                ManifestText.Quote(entry.MediaType.Value) + " is not a manifest media type; an index lists manifests",
                ManifestRules.IndexEntries,
                offset);
        }

        if (kind == ManifestKind.DockerManifestList && entry.Platform is null)
        {
            throw Error(ManifestInvalidReason.MissingField, "platform", "the required field is missing", ManifestRules.DockerListPlatform, offset);
        }
    }

    private MediaType? ReadOptionalMediaType(TopLevelField field, string name)
    {
        if (!_fields.Has(field))
        {
            return null;
        }

        Utf8JsonReader reader = Open(field, name);
        MediaType mediaType = ReadMediaType(ref reader);
        _path.Pop();
        return mediaType;
    }

    private ImmutableSortedDictionary<string, string> ReadOptionalAnnotations()
    {
        if (!_fields.Has(TopLevelField.Annotations))
        {
            return ModelValues.EmptyAnnotations;
        }

        Utf8JsonReader reader = Open(TopLevelField.Annotations, "annotations");
        ImmutableSortedDictionary<string, string> annotations = ReadAnnotations(ref reader);
        _path.Pop();
        return annotations;
    }

    private Descriptor ReadDescriptor(ref Utf8JsonReader reader)
    {
        ExpectToken(ref reader, JsonTokenType.StartObject, "a descriptor object", ManifestRules.DescriptorFields);
        long start = Offset(ref reader);
        MediaType? mediaType = null;
        Digest? digest = null;
        long? size = null;
        ImmutableArray<string> urls = ImmutableArray<string>.Empty;
        ImmutableSortedDictionary<string, string> annotations = ModelValues.EmptyAnnotations;
        Platform? platform = null;
        MediaType? artifactType = null;
        ImmutableArray<byte>? data = null;
        long dataOffset = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("mediaType"u8))
            {
                mediaType = Enter(ref reader, "mediaType", ReadMediaType);
            }
            else if (reader.ValueTextEquals("digest"u8))
            {
                digest = Enter(ref reader, "digest", ReadDigest);
            }
            else if (reader.ValueTextEquals("size"u8))
            {
                size = Enter(ref reader, "size", ReadSize);
            }
            else if (reader.ValueTextEquals("urls"u8))
            {
                urls = Enter(ref reader, "urls", ReadStrings);
            }
            else if (reader.ValueTextEquals("annotations"u8))
            {
                annotations = Enter(ref reader, "annotations", ReadAnnotations);
            }
            else if (reader.ValueTextEquals("platform"u8))
            {
                platform = Enter(ref reader, "platform", ReadPlatform);
            }
            else if (reader.ValueTextEquals("artifactType"u8))
            {
                artifactType = Enter(ref reader, "artifactType", ReadMediaType);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                dataOffset = Offset(ref reader);
                data = Enter(ref reader, "data", ReadBase64);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (mediaType is not { } type)
        {
            throw Missing("mediaType", ManifestRules.DescriptorFields, start);
        }

        if (digest is not { } hash)
        {
            throw Missing("digest", ManifestRules.DescriptorFields, start);
        }

        if (size is not { } length)
        {
            throw Missing("size", ManifestRules.DescriptorFields, start);
        }

        if (data is { } bytes && Descriptor.CheckData(bytes.AsSpan(), hash, length) is { } problem)
        {
            throw Error(ManifestInvalidReason.InvalidValue, "data", problem, ManifestRules.Data, dataOffset);
        }

        return new Descriptor(type, hash, length, urls, annotations, platform, artifactType, data, trusted: true);
    }

    private Platform ReadPlatform(ref Utf8JsonReader reader)
    {
        ExpectToken(ref reader, JsonTokenType.StartObject, "an object", ManifestRules.PlatformFields);
        long start = Offset(ref reader);
        string? architecture = null;
        string? os = null;
        string? osVersion = null;
        string? variant = null;
        ImmutableArray<string> osFeatures = ImmutableArray<string>.Empty;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("architecture"u8))
            {
                architecture = Enter(ref reader, "architecture", ReadPlatformString);
            }
            else if (reader.ValueTextEquals("os"u8))
            {
                os = Enter(ref reader, "os", ReadPlatformString);
            }
            else if (reader.ValueTextEquals("os.version"u8))
            {
                osVersion = Enter(ref reader, "os.version", ReadPlatformString);
            }
            else if (reader.ValueTextEquals("os.features"u8))
            {
                osFeatures = Enter(ref reader, "os.features", ReadStrings);
            }
            else if (reader.ValueTextEquals("variant"u8))
            {
                variant = Enter(ref reader, "variant", ReadPlatformString);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (architecture is null)
        {
            throw Missing("architecture", ManifestRules.PlatformFields, start);
        }

        if (os is null)
        {
            throw Missing("os", ManifestRules.PlatformFields, start);
        }

        return new Platform(architecture, os, osVersion, osFeatures, variant);
    }

    private MediaType ReadMediaType(ref Utf8JsonReader reader)
    {
        string text = ReadString(ref reader, ManifestRules.MediaTypeGrammar);
        if (MediaType.TryParse(text, out MediaType mediaType))
        {
            return mediaType;
        }

        throw Error(
            ManifestInvalidReason.InvalidValue,
            ManifestText.Quote(text) + " is not a valid media type: " + ManifestText.Detail(MediaType.Scan(text), text),
            ManifestRules.MediaTypeGrammar,
            ref reader);
    }

    private Digest ReadDigest(ref Utf8JsonReader reader)
    {
        string text = ReadString(ref reader, Digest.Rule);
        ParseFailure failure = Digest.ParseCore(text, out Digest digest);
        if (!failure.Failed)
        {
            return digest;
        }

        throw Error(
            ManifestInvalidReason.InvalidValue,
            ManifestText.Quote(text) + " is not a valid digest: " + ManifestText.Detail(failure, text),
            Digest.Rule,
            ref reader);
    }

    private long ReadSize(ref Utf8JsonReader reader)
    {
        ExpectToken(ref reader, JsonTokenType.Number, "an integer", ManifestRules.Size);
        if (!reader.TryGetInt64(out long size))
        {
            throw Error(
                ManifestInvalidReason.InvalidValue,
                Encoding.UTF8.GetString(reader.ValueSpan) + " is not an integer from 0 to 2^63-1",
                ManifestRules.Size,
                ref reader);
        }

        if (size < 0)
        {
            throw Error(
                ManifestInvalidReason.InvalidValue,
                size.ToString(CultureInfo.InvariantCulture) + " is negative; a size is a number of bytes",
                ManifestRules.Size,
                ref reader);
        }

        return size;
    }

    private ImmutableArray<byte> ReadBase64(ref Utf8JsonReader reader)
    {
        ExpectToken(ref reader, JsonTokenType.String, "a base64 string", ManifestRules.Data);
        byte[]? rented = null;
        ReadOnlySpan<byte> encoded = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
            encoded = rented.AsSpan(0, reader.CopyString(rented));
        }

        try
        {
            // Base64.DecodeFromUtf8 skips whitespace since .NET 8; the spec's base64 has none, so refuse it first.
            byte[] decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
            int written = 0;
            bool valid = !encoded.ContainsAnyExcept(Base64Characters)
                && Base64.DecodeFromUtf8(encoded, decoded, out int consumed, out written) == OperationStatus.Done
                && consumed == encoded.Length;
            if (!valid)
            {
                throw Error(
                    ManifestInvalidReason.InvalidValue,
                    "the value is not valid base64 (" + ManifestText.Quote(Encoding.UTF8.GetString(encoded)) + ")",
                    ManifestRules.Data,
                    ref reader);
            }

            return ImmutableArray.Create(decoded, 0, written);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private ImmutableArray<string> ReadStrings(ref Utf8JsonReader reader)
    {
        ExpectToken(ref reader, JsonTokenType.StartArray, "an array of strings", ManifestRules.StringArray);
        ImmutableArray<string>.Builder items = ImmutableArray.CreateBuilder<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            _path.PushIndex(items.Count);
            items.Add(ReadString(ref reader, ManifestRules.StringArray));
            _path.Pop();
        }

        return items.DrainToImmutable();
    }

    private ImmutableSortedDictionary<string, string> ReadAnnotations(ref Utf8JsonReader reader)
    {
        ExpectToken(ref reader, JsonTokenType.StartObject, "an object of strings", ManifestRules.Annotations);
        ImmutableSortedDictionary<string, string>.Builder annotations = ModelValues.EmptyAnnotations.ToBuilder();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            _path.PushName(key);
            reader.Read();
            annotations[key] = ReadString(ref reader, ManifestRules.Annotations);
            _path.Pop();
        }

        return annotations.ToImmutable();
    }

    private string ReadPlatformString(ref Utf8JsonReader reader) => ReadString(ref reader, ManifestRules.PlatformFields);

    private string ReadString(ref Utf8JsonReader reader, string rule)
    {
        ExpectToken(ref reader, JsonTokenType.String, "a string", rule);
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException exception)
        {
            // An escaped lone surrogate, such as "\ud800": valid JSON syntax, but not text.
            throw ManifestInvalidException.Create(
                ManifestInvalidReason.InvalidJson,
                _path.ToString(),
                "the string cannot be decoded: " + exception.Message,
                ManifestRules.Json,
                Offset(ref reader),
                exception);
        }
    }

    private void ExpectToken(ref Utf8JsonReader reader, JsonTokenType expected, string what, string rule)
    {
        if (reader.TokenType != expected)
        {
            throw Error(
                ManifestInvalidReason.WrongType,
                "must be " + what + ", but it is " + ManifestText.Describe(reader.TokenType),
                rule,
                ref reader);
        }
    }

    private delegate T ValueReader<T>(ref Utf8JsonReader reader);

    // Moves from a property name to its value and reads it with the name on the path.
    private T Enter<T>(ref Utf8JsonReader reader, string name, ValueReader<T> read)
    {
        _path.PushName(name);
        reader.Read();
        T value = read(ref reader);
        _path.Pop();
        return value;
    }

    private Utf8JsonReader Open(TopLevelField field, string name)
    {
        _base = _fields.StartOf(field);
        _path.Clear();
        _path.PushName(name);
        var reader = new Utf8JsonReader(_content.Span.Slice(_base, _fields.LengthOf(field)), _options);
        reader.Read();
        return reader;
    }

    private long Offset(ref Utf8JsonReader reader) => _base + reader.TokenStartIndex;

    private ManifestInvalidException Missing(string name, string rule, long objectOffset) =>
        Error(ManifestInvalidReason.MissingField, name, "the required field is missing", rule, objectOffset);

    private ManifestInvalidException Error(ManifestInvalidReason reason, string detail, string rule, ref Utf8JsonReader reader) =>
        ManifestInvalidException.Create(reason, _path.ToString(), detail, rule, Offset(ref reader));

    private ManifestInvalidException Error(ManifestInvalidReason reason, string name, string detail, string rule, long offset) =>
        ManifestInvalidException.Create(reason, _path.With(name), detail, rule, offset);
}
