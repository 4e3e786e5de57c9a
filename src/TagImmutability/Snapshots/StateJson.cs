using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TagImmutability.Snapshots;

/// <summary>
/// A JSON value of a state file and its path from the top-level object (<c>repositories[0].images[2].imageDigest</c>),
/// with readers that turn every problem into a <see cref="SnapshotInvalidException"/> naming that path. Shared by the
/// snapshot reader and the reader of the AWS CLI's describe output.
/// </summary>
internal readonly struct StateJson
{
    // Deep enough for every shape the files hold (the snapshot needs 5 levels); anything deeper is hostile.
    internal const int MaxDepth = 16;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public StateJson(JsonElement element, string path)
    {
        Element = element;
        Path = path;
    }

    public JsonElement Element { get; }

    public string Path { get; }

    public static JsonDocumentOptions DocumentOptions => new() { MaxDepth = MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses <paramref name="utf8Json"/>; malformed JSON becomes <see cref="SnapshotInvalidReason.InvalidJson"/>.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json, string what)
    {
        try
        {
            return JsonDocument.Parse(utf8Json, DocumentOptions);
        }
        catch (JsonException error)
        {
            throw SnapshotInvalidException.Create(SnapshotInvalidReason.InvalidJson, string.Empty, $"{what} is not valid JSON: {error.Message}", error);
        }
    }

    public SnapshotInvalidException Error(SnapshotInvalidReason reason, string detail, Exception? inner = null) =>
        SnapshotInvalidException.Create(reason, Path, detail, inner);

    public string Child(string name) => Path.Length == 0 ? name : Path + "." + name;

    public string Child(int index) => Path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>
    /// Checks that the value is an object without duplicate members and, when <paramref name="allowed"/> is given,
    /// without members outside it.
    /// </summary>
    public StateJson ExpectObject(string[]? allowed)
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Error(SnapshotInvalidReason.WrongType, $"must be a JSON object, but it is {Describe(Element.ValueKind)}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in Element.EnumerateObject())
        {
            string name = NameOf(property);
            if (!seen.Add(name))
            {
                throw SnapshotInvalidException.Create(SnapshotInvalidReason.DuplicateMember, Child(name), "the member appears twice");
            }

            if (allowed is not null && Array.IndexOf(allowed, name) < 0)
            {
                throw SnapshotInvalidException.Create(SnapshotInvalidReason.UnknownMember, Child(name), $"unknown member (allowed: {string.Join(", ", allowed)})");
            }
        }

        return this;
    }

    /// <summary>A required member (present, and not <c>null</c> unless <paramref name="nullable"/>).</summary>
    public StateJson Member(string name, bool nullable = false)
    {
        if (!TryGetProperty(name, out JsonElement value))
        {
            throw SnapshotInvalidException.Create(SnapshotInvalidReason.MissingMember, Child(name), "the member is missing");
        }

        var member = new StateJson(value, Child(name));
        if (!nullable && value.ValueKind == JsonValueKind.Null)
        {
            throw member.Error(SnapshotInvalidReason.WrongType, "must not be null");
        }

        return member;
    }

    /// <summary>An optional member; absent and <c>null</c> both give <see langword="false"/>.</summary>
    public bool TryMember(string name, out StateJson member)
    {
        if (TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
        {
            member = new StateJson(value, Child(name));
            return true;
        }

        member = default;
        return false;
    }

    // System.Text.Json unescapes member names when it compares them: one holding an escaped lone surrogate throws.
    private bool TryGetProperty(string name, out JsonElement value)
    {
        try
        {
            return Element.TryGetProperty(name, out value);
        }
        catch (InvalidOperationException error)
        {
            throw Error(SnapshotInvalidReason.InvalidJson, "a member name is not valid Unicode (an escaped lone surrogate)", error);
        }
    }

    public bool IsNull => Element.ValueKind == JsonValueKind.Null;

    public string GetString()
    {
        if (Element.ValueKind != JsonValueKind.String)
        {
            throw Error(SnapshotInvalidReason.WrongType, $"must be a string, but it is {Describe(Element.ValueKind)}");
        }

        try
        {
            return Element.GetString()!;
        }
        catch (InvalidOperationException error)
        {
            throw Error(SnapshotInvalidReason.InvalidJson, "the string is not valid Unicode (invalid UTF-8 or an escaped lone surrogate)", error);
        }
    }

    /// <summary>The string's UTF-8 bytes, exactly: text that is not valid Unicode is refused, never replaced.</summary>
    public byte[] GetUtf8Bytes()
    {
        string text = GetString();
        try
        {
            return StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException error)
        {
            throw Error(SnapshotInvalidReason.InvalidJson, "the string holds an escaped lone surrogate, which is not text", error);
        }
    }

    public string? GetNullableString() => IsNull ? null : GetString();

    public long GetInt64(long minimum = 0)
    {
        if (Element.ValueKind != JsonValueKind.Number)
        {
            throw Error(SnapshotInvalidReason.WrongType, $"must be a number, but it is {Describe(Element.ValueKind)}");
        }

        if (!Element.TryGetInt64(out long value))
        {
            throw Error(SnapshotInvalidReason.InvalidValue, $"{Element.GetRawText()} is not a whole number in the range of a 64-bit integer");
        }

        if (value < minimum)
        {
            throw Error(SnapshotInvalidReason.InvalidValue, $"{value} is less than {minimum}");
        }

        return value;
    }

    public IEnumerable<StateJson> Items()
    {
        if (Element.ValueKind != JsonValueKind.Array)
        {
            throw Error(SnapshotInvalidReason.WrongType, $"must be a JSON array, but it is {Describe(Element.ValueKind)}");
        }

        return Enumerate(this);

        static IEnumerable<StateJson> Enumerate(StateJson array)
        {
            int index = 0;
            foreach (JsonElement item in array.Element.EnumerateArray())
            {
                yield return new StateJson(item, array.Child(index++));
            }
        }
    }

    public int Length => Element.ValueKind == JsonValueKind.Array ? Element.GetArrayLength() : 0;

    /// <summary>A timestamp written with the round-trip format <c>O</c> (<c>2026-11-29T12:00:00.0000000+00:00</c>), offset kept.</summary>
    public DateTimeOffset GetRoundTripTimestamp()
    {
        string text = GetString();
        return DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTimeOffset value)
            ? value
            : throw Error(SnapshotInvalidReason.InvalidValue, $"'{Shorten(text)}' is not a timestamp in the round-trip format, such as 2026-11-29T12:00:00.0000000+00:00");
    }

    public Digest GetDigest()
    {
        string text = GetString();
        try
        {
            return Digest.Parse(text);
        }
        catch (InvalidDigestException error)
        {
            throw Error(SnapshotInvalidReason.InvalidValue, error.Message, error);
        }
    }

    public Digest? GetNullableDigest() => IsNull ? null : GetDigest();

    public Tag GetTag(GrammarProfile grammar)
    {
        string text = GetString();
        if (Tag.TryParse(text, grammar, out Tag tag))
        {
            return tag;
        }

        try
        {
            Tag.Parse(text, grammar);
        }
        catch (InvalidTagException error)
        {
            throw Error(SnapshotInvalidReason.InvalidValue, error.Message, error);
        }

        throw new InvalidOperationException("unreachable: Tag.TryParse and Tag.Parse disagree");
    }

    public RepositoryName GetRepositoryName(GrammarProfile grammar)
    {
        string text = GetString();
        if (RepositoryName.TryParse(text, grammar, out RepositoryName name))
        {
            return name;
        }

        try
        {
            RepositoryName.Parse(text, grammar);
        }
        catch (InvalidRepositoryNameException error)
        {
            throw Error(SnapshotInvalidReason.InvalidValue, error.Message, error);
        }

        throw new InvalidOperationException("unreachable: RepositoryName.TryParse and RepositoryName.Parse disagree");
    }

    public MediaType GetMediaType()
    {
        string text = GetString();
        try
        {
            return MediaType.Parse(text);
        }
        catch (InvalidMediaTypeException error)
        {
            throw Error(SnapshotInvalidReason.InvalidValue, error.Message, error);
        }
    }

    /// <summary>
    /// ECR's <c>imageTagMutability</c> and <c>imageTagMutabilityExclusionFilters</c> members of this object, as ECR's
    /// <c>Repository</c> shape writes them (the filters are optional there; <paramref name="filtersRequired"/> makes them required).
    /// </summary>
    public TagMutabilityPolicy GetPolicy(bool filtersRequired)
    {
        StateJson modeNode = Member("imageTagMutability");
        string modeText = modeNode.GetString();
        ImageTagMutability mode = modeText switch
        {
            "MUTABLE" => ImageTagMutability.Mutable,
            "IMMUTABLE" => ImageTagMutability.Immutable,
            "IMMUTABLE_WITH_EXCLUSION" => ImageTagMutability.ImmutableWithExclusion,
            "MUTABLE_WITH_EXCLUSION" => ImageTagMutability.MutableWithExclusion,
            _ => throw modeNode.Error(SnapshotInvalidReason.InvalidValue, $"'{Shorten(modeText)}' is not one of MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION"),
        };

        var filters = new List<TagFilter>();
        StateJson list = default;
        bool present = true;
        if (filtersRequired)
        {
            list = Member("imageTagMutabilityExclusionFilters");
        }
        else
        {
            present = TryMember("imageTagMutabilityExclusionFilters", out list);
        }

        if (present)
        {
            foreach (StateJson item in list.Items())
            {
                item.ExpectObject(filtersRequired ? ["filterType", "filter"] : null);
                StateJson type = item.Member("filterType");
                if (type.GetString() != "WILDCARD")
                {
                    throw type.Error(SnapshotInvalidReason.InvalidValue, $"'{Shorten(type.GetString())}' is not WILDCARD, the only filter type ECR defines");
                }

                StateJson filter = item.Member("filter");
                string text = filter.GetString();
                if (!TagFilter.TryParse(text, out TagFilter parsed))
                {
                    try
                    {
                        TagFilter.Parse(text);
                    }
                    catch (InvalidTagFilterException error)
                    {
                        throw filter.Error(SnapshotInvalidReason.InvalidValue, error.Message, error);
                    }
                }

                filters.Add(parsed);
            }
        }

        try
        {
            return TagMutabilityPolicy.Create(mode, filters);
        }
        catch (InvalidParameterException error)
        {
            throw SnapshotInvalidException.Create(SnapshotInvalidReason.InvalidValue, Child("imageTagMutabilityExclusionFilters"), error.Message, error);
        }
    }

    /// <summary>At most 64 characters of <paramref name="text"/>, so that a hostile value cannot flood a message.</summary>
    public static string Shorten(string text) => text.Length <= 64 ? text : text[..61] + "...";

    private static string NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException error)
        {
            throw SnapshotInvalidException.Create(SnapshotInvalidReason.InvalidJson, string.Empty, "a member name is not valid Unicode", error);
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };
}
