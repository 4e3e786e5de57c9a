using System.Text.Json;

namespace TagImmutability.Ecr;

/// <summary>
/// A request body that could not be read as the operation's input shape: not JSON, not an object, or a member of the
/// wrong JSON type. AWS JSON 1.1 services answer these with <c>SerializationException</c> (HTTP 400) before the
/// operation's own validation runs; the facade does the same.
/// </summary>
internal sealed class EcrSerializationException : Exception
{
    public EcrSerializationException()
    {
    }

    public EcrSerializationException(string message)
        : base(message)
    {
    }

    public EcrSerializationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Typed reads of one JSON object of an ECR request: members that are absent or JSON <c>null</c> read as absent (as
/// AWS services treat them); a member of the wrong JSON type is an <see cref="EcrSerializationException"/>; a required
/// member that is absent is ECR's <c>InvalidParameterException</c> "Member must not be null". Unknown members are
/// ignored, as AWS services ignore them.
/// </summary>
internal readonly struct EcrRequest
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
    };

    private readonly JsonElement _element;
    private readonly string _path;

    private EcrRequest(JsonElement element, string path)
    {
        _element = element;
        _path = path;
    }

    /// <summary>Parses a request body; an empty body reads as <c>{}</c>. The document must be disposed by the caller.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body.IsEmpty ? "{}"u8.ToArray() : body, DocumentOptions);
        }
        catch (JsonException error)
        {
            throw new EcrSerializationException("The request body is not valid JSON: " + error.Message, error);
        }
    }

    public static EcrRequest Root(JsonDocument document) =>
        document.RootElement.ValueKind == JsonValueKind.Object
            ? new EcrRequest(document.RootElement, string.Empty)
            : throw new EcrSerializationException($"The request body must be a JSON object, not {Describe(document.RootElement.ValueKind)}");

    public static EcrRequest Of(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Object
            ? new EcrRequest(element, path)
            : throw new EcrSerializationException($"Expected a JSON object at '{path}', found {Describe(element.ValueKind)}");

    public bool Has(string name) => TryGet(name, out _);

    public string? String(string name)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw Mismatch(name, "a string", value);
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException error)
        {
            throw new EcrSerializationException($"The string at '{PathOf(name)}' is not valid Unicode text", error);
        }
    }

    public string RequiredString(string name) =>
        String(name) ?? throw new InvalidParameterException(PathOf(name), "Member must not be null", null);

    public bool? Boolean(string name)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Mismatch(name, "a boolean", value),
        };
    }

    public int? Int32(string name)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
            ? number
            : throw Mismatch(name, "an integer (32-bit)", value);
    }

    public EcrRequest? Object(string name) =>
        TryGet(name, out JsonElement value) ? Of(value, PathOf(name)) : null;

    /// <summary>The elements of an array member, or <see langword="null"/> when absent.</summary>
    public JsonElement.ArrayEnumerator? Array(string name)
    {
        if (!TryGet(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw Mismatch(name, "an array", value);
    }

    /// <summary>The strings of an array member of strings, or <see langword="null"/> when absent.</summary>
    public List<string>? StringArray(string name)
    {
        if (Array(name) is not { } items)
        {
            return null;
        }

        var list = new List<string>();
        foreach (JsonElement item in items)
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new EcrSerializationException($"Expected strings in the array at '{PathOf(name)}', found {Describe(item.ValueKind)}");
            }

            try
            {
                list.Add(item.GetString()!);
            }
            catch (InvalidOperationException error)
            {
                throw new EcrSerializationException($"A string in the array at '{PathOf(name)}' is not valid Unicode text", error);
            }
        }

        return list;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private bool TryGet(string name, out JsonElement value)
    {
        try
        {
            return _element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
        }
        catch (InvalidOperationException error)
        {
            // System.Text.Json unescapes member names when it compares them: one holding an escaped lone surrogate is not text.
            throw new EcrSerializationException("The request body has a member name that is not valid Unicode (an escaped lone surrogate)", error);
        }
    }

    private string PathOf(string name) => _path.Length == 0 ? name : _path + "." + name;

    private EcrSerializationException Mismatch(string name, string expected, JsonElement found) =>
        new($"Expected {expected} at '{PathOf(name)}', found {Describe(found.ValueKind)}");
}
