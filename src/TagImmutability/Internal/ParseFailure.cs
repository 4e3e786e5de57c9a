namespace TagImmutability.Internal;

/// <summary>
/// Why a scan failed, as a value: the detail template and the index it points at. The message is only built
/// when a throwing entry point turns the failure into an exception, so <c>TryParse</c> allocates nothing.
/// </summary>
/// <remarks>
/// <see cref="Detail"/> is a constant template that may contain <c>{char}</c> (replaced by the offending character,
/// escaped) and <c>{length}</c> (replaced by the input length).
/// </remarks>
internal readonly struct ParseFailure
{
    private ParseFailure(string detail, int index, string? part = null, int partLength = -1, string? partRule = null)
    {
        Detail = detail;
        Index = index;
        Part = part;
        PartLength = partLength;
        PartRule = partRule;
    }

    /// <summary>The length of the part, for the <c>{length}</c> placeholder; -1 when the failure is not in a part.</summary>
    public int PartLength { get; }

    /// <summary>The rule the part must match, or <see langword="null"/> when the failure is not in a part.</summary>
    public string? PartRule { get; }

    /// <summary>The part of a composite value the failure is in (such as <c>tag</c> in an image reference), or <see langword="null"/>.</summary>
    public string? Part { get; }

    /// <summary>The detail template; <see langword="null"/> when the scan succeeded.</summary>
    public string? Detail { get; }

    /// <summary>Zero-based index of the offending character in the input, or -1 when no single character is at fault.</summary>
    public int Index { get; }

    public bool Failed => Detail is not null;

    public static ParseFailure None => default;

    public static ParseFailure At(int index, string detail) => new(detail, index);

    public static ParseFailure Whole(string detail) => new(detail, -1);

    /// <summary>The same failure moved by <paramref name="offset"/> characters, for a scan of a slice of a larger input.</summary>
    public ParseFailure Shift(int offset) => Index < 0 ? this : new(Detail!, Index + offset, Part, PartLength, PartRule);

    /// <summary>
    /// The same failure, said to be in <paramref name="part"/> of a composite value: the message then measures the
    /// part (<paramref name="partLength"/> characters) and gives the part's rule.
    /// </summary>
    public ParseFailure In(string part, int partLength, string partRule) => new(Detail!, Index, part, partLength, partRule);
}
