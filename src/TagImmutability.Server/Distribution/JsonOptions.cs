using System.Text.Encodings.Web;
using System.Text.Json;

namespace TagImmutability.Server.Distribution;

/// <summary>How the distribution API writes JSON: quotes and '+' as themselves, so messages read as written (the bodies are never embedded in HTML).</summary>
internal static class JsonOptions
{
    public static JsonWriterOptions Writer { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
