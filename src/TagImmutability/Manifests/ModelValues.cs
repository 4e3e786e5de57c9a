using System.Collections.Immutable;

namespace TagImmutability.Internal;

/// <summary>The argument checks and the value equality shared by the manifest model types.</summary>
internal static class ModelValues
{
    public static readonly ImmutableSortedDictionary<string, string> EmptyAnnotations =
        ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>Copies annotations into an ordinal sorted map; rejects null keys or values, duplicates and text JSON cannot carry.</summary>
    public static ImmutableSortedDictionary<string, string> ToAnnotations(
        IEnumerable<KeyValuePair<string, string>>? source, string paramName)
    {
        if (source is null)
        {
            return EmptyAnnotations;
        }

        if (source is ImmutableSortedDictionary<string, string> sorted && ReferenceEquals(sorted.KeyComparer, StringComparer.Ordinal))
        {
            foreach (KeyValuePair<string, string> pair in sorted)
            {
                CheckAnnotation(pair, paramName);
            }

            return sorted.ValueComparer == EqualityComparer<string>.Default ? sorted : sorted.WithComparers(StringComparer.Ordinal, EqualityComparer<string>.Default);
        }

        ImmutableSortedDictionary<string, string>.Builder builder = EmptyAnnotations.ToBuilder();
        foreach (KeyValuePair<string, string> pair in source)
        {
            CheckAnnotation(pair, paramName);
            if (!builder.TryAdd(pair.Key, pair.Value))
            {
                throw new ArgumentException($"annotation key '{pair.Key}' appears twice; keys must be unique (OCI image-spec annotations.md)", paramName);
            }
        }

        return builder.ToImmutable();
    }

    /// <summary>Copies strings into an immutable array; rejects null elements and text JSON cannot carry.</summary>
    public static ImmutableArray<string> ToStrings(IEnumerable<string>? source, string paramName)
    {
        if (source is null)
        {
            return ImmutableArray<string>.Empty;
        }

        ImmutableArray<string> items = source is ImmutableArray<string> array ? (array.IsDefault ? ImmutableArray<string>.Empty : array) : [.. source];
        foreach (string item in items)
        {
            if (item is null)
            {
                throw new ArgumentException("the list contains null", paramName);
            }

            ThrowIfNotScalarValues(item, paramName);
        }

        return items;
    }

    /// <summary>Rejects text with a lone surrogate: it has no UTF-8 form, so no manifest can carry it.</summary>
    public static void ThrowIfNotScalarValues(string text, string paramName)
    {
        int i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return;
        }

        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException($"the text has a lone surrogate at index {i}; JSON text is UTF-8 and cannot carry it", paramName);
            }
        }
    }

    public static bool AnnotationsEqual(ImmutableSortedDictionary<string, string> left, ImmutableSortedDictionary<string, string> right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (KeyValuePair<string, string> pair in left)
        {
            if (!right.TryGetValue(pair.Key, out string? value) || !string.Equals(pair.Value, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public static void AddAnnotations(ref HashCode hash, ImmutableSortedDictionary<string, string> annotations)
    {
        hash.Add(annotations.Count);
        foreach (KeyValuePair<string, string> pair in annotations)
        {
            hash.Add(pair.Key, StringComparer.Ordinal);
            hash.Add(pair.Value, StringComparer.Ordinal);
        }
    }

    public static bool SequenceEqual<T>(ImmutableArray<T> left, ImmutableArray<T> right)
        where T : IEquatable<T>?
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (int i = 0; i < left.Length; i++)
        {
            if (!EqualityComparer<T>.Default.Equals(left[i], right[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static void AddSequence<T>(ref HashCode hash, ImmutableArray<T> items)
    {
        hash.Add(items.Length);
        foreach (T item in items)
        {
            hash.Add(item);
        }
    }

    private static void CheckAnnotation(KeyValuePair<string, string> pair, string paramName)
    {
        if (pair.Key is null || pair.Value is null)
        {
            throw new ArgumentException("annotation keys and values must not be null (OCI image-spec annotations.md)", paramName);
        }

        ThrowIfNotScalarValues(pair.Key, paramName);
        ThrowIfNotScalarValues(pair.Value, paramName);
    }
}
