using System.Text;

namespace TagImmutability.Tests.Generators;

/// <summary>
/// The contract every value type's parsing and formatting family keeps, checked once here for all of them: the
/// string, span and UTF-8 overloads agree; TryParse succeeds exactly when Parse does not throw; Parse throws only
/// the type's own <see cref="GrammarException"/>; format then parse gives the value back.
/// </summary>
public static class ParsingContract
{
    public static bool Agrees<T, TException>(string text)
        where T : ISpanParsable<T>, IUtf8SpanParsable<T>, ISpanFormattable, IUtf8SpanFormattable, IEquatable<T>
        where TException : GrammarException
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        bool fromString = T.TryParse(text, null, out T? viaString);
        bool fromSpan = T.TryParse(text.AsSpan(), null, out T? viaSpan);
        bool fromUtf8 = T.TryParse(utf8, null, out T? viaUtf8);
        if (fromString != fromSpan || fromSpan != fromUtf8)
        {
            throw new InvalidOperationException($"overloads disagree on '{text}': string {fromString}, span {fromSpan}, utf8 {fromUtf8}");
        }

        T? parsed = default;
        Exception? thrown = Record.Exception(() => parsed = T.Parse(text, null));
        Exception? thrownSpan = Record.Exception(() => T.Parse(text.AsSpan(), null));
        Exception? thrownUtf8 = Record.Exception(() => T.Parse(utf8, null));
        if (fromString)
        {
            Assert.Null(thrown);
            Assert.Null(thrownSpan);
            Assert.Null(thrownUtf8);
            Assert.True(parsed!.Equals(viaString!) && viaString!.Equals(viaSpan!) && viaSpan!.Equals(viaUtf8!));
        }
        else
        {
            Assert.IsType<TException>(thrown);
            Assert.IsType<TException>(thrownSpan);
            Assert.IsType<TException>(thrownUtf8);
        }

        return true;
    }

    public static bool RoundTrips<T>(T value)
        where T : ISpanParsable<T>, IUtf8SpanParsable<T>, ISpanFormattable, IUtf8SpanFormattable, IEquatable<T>
    {
        string text = value.ToString()!;
        Assert.True(T.Parse(text, null).Equals(value));

        var chars = new char[text.Length];
        Assert.True(value.TryFormat(chars, out int charsWritten, default, null));
        Assert.Equal(text, new string(chars, 0, charsWritten));

        var bytes = new byte[text.Length];
        Assert.True(value.TryFormat(bytes, out int bytesWritten, default, null));
        Assert.Equal(Encoding.UTF8.GetBytes(text), bytes[..bytesWritten]);
        Assert.True(T.Parse(bytes, null).Equals(value));

        if (text.Length > 0)
        {
            Assert.False(value.TryFormat(new char[text.Length - 1], out int tooSmall, default, null));
            Assert.Equal(0, tooSmall);
            Assert.False(value.TryFormat(new byte[text.Length - 1], out tooSmall, default, null));
            Assert.Equal(0, tooSmall);
        }

        return true;
    }

    public static bool KeepsEqualityContract<T>(T a, T b)
        where T : IEquatable<T>
    {
        Assert.True(a.Equals(a));
        Assert.True(a.Equals((object)a));
        Assert.False(a.Equals((object?)null));
        Assert.Equal(a.Equals(b), b.Equals(a));
        Assert.Equal(a.Equals(b), a.Equals((object)b));
        if (a.Equals(b))
        {
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
        }

        return true;
    }
}
