namespace TagImmutability.Internal;

/// <summary>The value types here have one text form; this enforces it for the <see cref="IFormattable"/> family.</summary>
internal static class FormatStrings
{
    public static void ThrowIfNotGeneral(ReadOnlySpan<char> format)
    {
        if (!format.IsEmpty && !format.SequenceEqual("G"))
        {
            throw new FormatException($"format '{format.ToString()}' is not supported: only the general format (empty or 'G') is");
        }
    }
}
