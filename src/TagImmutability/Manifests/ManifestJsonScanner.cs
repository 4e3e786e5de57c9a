using System.Text.Json;

namespace TagImmutability.Internal;

/// <summary>The top-level fields the model reads; every other top-level key is left in the bytes and ignored.</summary>
internal enum TopLevelField
{
    SchemaVersion,
    MediaType,
    ArtifactType,
    Config,
    Layers,
    Manifests,
    Subject,
    Annotations,
}

/// <summary>Where each known top-level field's value lies in the content, as found by <see cref="ManifestJsonScanner"/>.</summary>
internal sealed class TopLevelFields
{
    private const int Count = 8;
    private readonly int[] _starts = [-1, -1, -1, -1, -1, -1, -1, -1];
    private readonly int[] _lengths = new int[Count];

    public bool Has(TopLevelField field) => _starts[(int)field] >= 0;

    public int StartOf(TopLevelField field) => _starts[(int)field];

    public int LengthOf(TopLevelField field) => _lengths[(int)field];

    public void Set(TopLevelField field, long start, long length)
    {
        _starts[(int)field] = checked((int)start);
        _lengths[(int)field] = checked((int)length);
    }

    public static TopLevelField? Find(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("schemaVersion"u8))
        {
            return TopLevelField.SchemaVersion;
        }

        if (reader.ValueTextEquals("mediaType"u8))
        {
            return TopLevelField.MediaType;
        }

        if (reader.ValueTextEquals("artifactType"u8))
        {
            return TopLevelField.ArtifactType;
        }

        if (reader.ValueTextEquals("config"u8))
        {
            return TopLevelField.Config;
        }

        if (reader.ValueTextEquals("layers"u8))
        {
            return TopLevelField.Layers;
        }

        if (reader.ValueTextEquals("manifests"u8))
        {
            return TopLevelField.Manifests;
        }

        if (reader.ValueTextEquals("subject"u8))
        {
            return TopLevelField.Subject;
        }

        return reader.ValueTextEquals("annotations"u8) ? TopLevelField.Annotations : null;
    }
}

/// <summary>
/// The first of the parser's two passes: checks that the content is one JSON object, nested at most
/// <c>maxDepth</c> deep, with no key repeated in any object (known or not), and records where the known top-level
/// fields' values are. It walks the tokens in a loop, never recursively, so no input can exhaust the stack.
/// </summary>
internal static class ManifestJsonScanner
{
    public static JsonReaderOptions ReaderOptions(int maxDepth) => new()
    {
        // The scanner's own check fires first, with a path; the reader's limit is a backstop.
        MaxDepth = maxDepth + 1,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public static TopLevelFields Scan(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions(maxDepth));
        var path = new JsonPathBuilder();
        var fields = new TopLevelFields();
        var keys = new HashSet<string>?[maxDepth + 2];
        var isArray = new bool[maxDepth + 2];
        TopLevelField? field = null;
        long fieldStart = 0;
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw ManifestInvalidException.Create(
                    ManifestInvalidReason.WrongType,
                    string.Empty,
                    "the manifest must be a JSON object, but it is " + ManifestText.Describe(reader.TokenType),
                    ManifestRules.Json,
                    reader.TokenStartIndex);
            }

            path.PushObject();
            keys[1] = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                int depth = reader.CurrentDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        string key = reader.GetString()!;
                        path.SetName(key);
                        if (!keys[depth]!.Add(key))
                        {
                            throw ManifestInvalidException.Create(
                                ManifestInvalidReason.DuplicateKey,
                                path.ToString(),
                                "the key " + ManifestText.Quote(key) + " appears more than once in the same object",
                                ManifestRules.UniqueKeys,
                                reader.TokenStartIndex);
                        }

                        if (depth == 1)
                        {
                            field = TopLevelFields.Find(ref reader);
                        }

                        break;

                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (isArray[depth])
                        {
                            path.NextIndex();
                        }

                        if (depth == 1)
                        {
                            fieldStart = reader.TokenStartIndex;
                        }

                        if (depth + 1 > maxDepth)
                        {
                            throw ManifestInvalidException.Create(
                                ManifestInvalidReason.TooDeep,
                                path.ToString(),
                                "objects and arrays are nested more than " + maxDepth.ToString(System.Globalization.CultureInfo.InvariantCulture) + " deep",
                                ManifestRules.MaxDepth,
                                reader.TokenStartIndex);
                        }

                        isArray[depth + 1] = reader.TokenType == JsonTokenType.StartArray;
                        if (isArray[depth + 1])
                        {
                            path.PushArray();
                        }
                        else
                        {
                            path.PushObject();
                            (keys[depth + 1] ??= new HashSet<string>(StringComparer.Ordinal)).Clear();
                        }

                        break;

                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        path.Pop();
                        if (depth == 1 && field is { } container)
                        {
                            fields.Set(container, fieldStart, reader.BytesConsumed - fieldStart);
                            field = null;
                        }

                        break;

                    default:
                        if (isArray[depth])
                        {
                            path.NextIndex();
                        }

                        if (depth == 1 && field is { } primitive)
                        {
                            fields.Set(primitive, reader.TokenStartIndex, reader.BytesConsumed - reader.TokenStartIndex);
                            field = null;
                        }

                        break;
                }
            }
        }
        catch (JsonException exception)
        {
            throw ManifestInvalidException.Create(
                ManifestInvalidReason.InvalidJson,
                path.ToString(),
                "the manifest is not valid JSON: " + exception.Message,
                ManifestRules.Json,
                OffsetOf(utf8, exception.LineNumber, exception.BytePositionInLine),
                exception);
        }
        catch (InvalidOperationException exception)
        {
            // GetString on a key holding an escaped lone surrogate, such as "\ud800".
            throw ManifestInvalidException.Create(
                ManifestInvalidReason.InvalidJson,
                path.ToString(),
                "a key cannot be read as text: " + exception.Message,
                ManifestRules.Json,
                reader.TokenStartIndex,
                exception);
        }

        return fields;
    }

    // The reader reports a line number and a byte position within the line; turn them into an offset in the content.
    private static long OffsetOf(ReadOnlySpan<byte> utf8, long? lineNumber, long? bytePositionInLine)
    {
        if (lineNumber is not { } line || bytePositionInLine is not { } position)
        {
            return -1;
        }

        int lineStart = 0;
        for (long i = 0; i < line; i++)
        {
            int newline = utf8[lineStart..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                return -1;
            }

            lineStart += newline + 1;
        }

        return Math.Min(lineStart + position, utf8.Length);
    }
}
