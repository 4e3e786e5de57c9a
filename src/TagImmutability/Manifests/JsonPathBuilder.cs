using System.Globalization;
using System.Text;

namespace TagImmutability.Internal;

/// <summary>
/// The path of the value being read, kept as a stack of property names and array indices and only turned into text
/// when an error needs it: <c>layers[2].digest</c>, <c>annotations["org.example.key"]</c>.
/// </summary>
/// <remarks>Not thread-safe: one instance serves one parse.</remarks>
internal sealed class JsonPathBuilder
{
    private string?[] _names = new string?[8];
    private int[] _indices = new int[8];
    private int _count;

    public int Count => _count;

    /// <summary>Enters an object: the next <see cref="SetName"/> names the property being read.</summary>
    public void PushObject() => Push(null, -1);

    /// <summary>Enters an array: the next <see cref="NextIndex"/> moves to element 0.</summary>
    public void PushArray() => Push(null, -1);

    /// <summary>Enters the property <paramref name="name"/> of the current object (for readers that descend by name).</summary>
    public void PushName(string name) => Push(name, -1);

    /// <summary>Enters element <paramref name="index"/> of the current array.</summary>
    public void PushIndex(int index) => Push(null, index);

    public void Pop() => _count--;

    public void SetName(string name) => _names[_count - 1] = name;

    public void NextIndex() => _indices[_count - 1]++;

    public void Clear() => _count = 0;

    /// <summary>The path as text; the segments that are not yet set (an object before its first key) are left out.</summary>
    public override string ToString() => Format(null);

    /// <summary>The path as text with one more property name at the end.</summary>
    public string With(string name) => Format(name);

    private void Push(string? name, int index)
    {
        if (_count == _names.Length)
        {
            Array.Resize(ref _names, _count * 2);
            Array.Resize(ref _indices, _count * 2);
        }

        _names[_count] = name;
        _indices[_count] = index;
        _count++;
    }

    private string Format(string? extra)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < _count; i++)
        {
            if (_names[i] is { } name)
            {
                AppendName(builder, name);
            }
            else if (_indices[i] >= 0)
            {
                builder.Append('[').Append(_indices[i].ToString(CultureInfo.InvariantCulture)).Append(']');
            }
        }

        if (extra is not null)
        {
            AppendName(builder, extra);
        }

        return builder.ToString();
    }

    private static void AppendName(StringBuilder builder, string name)
    {
        if (IsIdentifier(name))
        {
            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            builder.Append(name);
            return;
        }

        ReadOnlySpan<char> shown = name.Length <= ManifestText.MaxQuotedLength ? name : name.AsSpan(0, ManifestText.MaxQuotedLength);
        builder.Append("[\"");
        foreach (char c in shown)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else
            {
                ManifestText.AppendEscaped(builder, new ReadOnlySpan<char>(in c));
            }
        }

        if (shown.Length < name.Length)
        {
            builder.Append('\u2026');
        }

        builder.Append("\"]");
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
