using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TagImmutability.Cli.Scenarios;

/// <summary>
/// Reads and checks a scenario file before anything runs, so that a malformed scenario produces no output at all.
/// </summary>
/// <remarks>
/// The shape:
/// <code>
/// {"registryId": "123456789012", "region": "us-east-1",
///  "steps": [{"operation": "PutImage", "input": {...}, "expect": "ok" | "&lt;ExceptionName&gt;", "comment": "..."}]}
/// </code>
/// <c>registryId</c>, <c>region</c>, <c>input</c>, <c>expect</c> and <c>comment</c> are optional. Unknown members
/// are errors, so that a misspelt <c>expect</c> cannot silently drop a check. Inside <c>input</c>,
/// <c>imageManifestFile</c> names a file, relative to the scenario file, whose exact bytes (UTF-8) become the
/// <c>imageManifest</c> string.
/// </remarks>
internal static class ScenarioLoader
{
    private static readonly string[] TopMembers = ["registryId", "region", "steps"];

    // Twice ECR's manifest limit: large enough for a scenario to show the registry refusing a 4 MiB + 1 manifest.
    private const int MaxManifestFileBytes = 2 * RegistryOptions.DefaultMaxManifestSizeInBytes;
    private static readonly string[] StepMembers = ["operation", "input", "expect", "comment"];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Loads <paramref name="path"/>.</summary>
    /// <exception cref="ScenarioException">The file cannot be read or is not a valid scenario; the message names the step.</exception>
    public static Scenario Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ScenarioException($"cannot read the scenario file: {error.Message}", error);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException error)
        {
            throw new ScenarioException($"the scenario file is not valid JSON: {error.Message}", error);
        }
        catch (InvalidOperationException error)
        {
            // The duplicate-member check unescapes member names: one holding an escaped lone surrogate is not text.
            throw new ScenarioException($"the scenario holds a member name that is not valid Unicode (an escaped lone surrogate): {error.Message}", error);
        }

        using (document)
        {
            string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            try
            {
                return Read(document.RootElement, directory);
            }
            catch (InvalidOperationException error)
            {
                // JsonDocument checks strings lazily: invalid UTF-8 or an unpaired surrogate surfaces when read.
                throw new ScenarioException($"the scenario holds text that is not valid Unicode (invalid UTF-8 or an unpaired surrogate): {error.Message}", error);
            }
        }
    }

    private static Scenario Read(JsonElement root, string directory)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ScenarioException("the scenario must be a JSON object with a 'steps' array");
        }

        CheckMembers(root, TopMembers, "the scenario");
        string? registryId = OptionalString(root, "registryId", "the scenario");
        string? region = OptionalString(root, "region", "the scenario");
        if (!root.TryGetProperty("steps", out JsonElement steps) || steps.ValueKind != JsonValueKind.Array)
        {
            throw new ScenarioException("the scenario has no 'steps' array");
        }

        try
        {
            _ = new RegistryOptions { RegistryId = registryId ?? RegistryOptions.DefaultRegistryId, Region = region ?? RegistryOptions.DefaultRegion };
        }
        catch (ArgumentException error)
        {
            // The message without ArgumentException's " (Parameter 'value')" suffix.
            string reason = error.ParamName is null ? error.Message : error.Message.Replace($" (Parameter '{error.ParamName}')", string.Empty, StringComparison.Ordinal);
            throw new ScenarioException($"the scenario's {reason}", error);
        }

        var list = new List<ScenarioStep>();
        int number = 0;
        foreach (JsonElement step in steps.EnumerateArray())
        {
            number++;
            try
            {
                list.Add(ReadStep(step, number, directory));
            }
            catch (InvalidOperationException error)
            {
                throw new ScenarioException($"step {number}: a string is not valid Unicode (invalid UTF-8 or an unpaired surrogate)", error);
            }
        }

        if (list.Count == 0)
        {
            throw new ScenarioException("the scenario has no steps: an empty scenario checks nothing");
        }

        return new Scenario(registryId, region, list);
    }

    private static ScenarioStep ReadStep(JsonElement step, int number, string directory)
    {
        string where = $"step {number}";
        if (step.ValueKind != JsonValueKind.Object)
        {
            throw new ScenarioException($"{where}: a step must be a JSON object");
        }

        CheckMembers(step, StepMembers, where);
        string operation = OptionalString(step, "operation", where) is { Length: > 0 } name
            ? name
            : throw new ScenarioException($"{where}: 'operation' is missing or empty");
        string? expect = OptionalString(step, "expect", where);
        if (expect is { Length: 0 })
        {
            throw new ScenarioException($"{where}: 'expect' is empty; give \"ok\" or an exception name such as \"ImageTagAlreadyExistsException\"");
        }

        OptionalString(step, "comment", where);
        byte[] body;
        if (!step.TryGetProperty("input", out JsonElement input) || input.ValueKind == JsonValueKind.Null)
        {
            body = "{}"u8.ToArray();
        }
        else if (input.ValueKind != JsonValueKind.Object)
        {
            throw new ScenarioException($"{where}: 'input' must be a JSON object (the ECR request)");
        }
        else
        {
            body = Body(input, where, directory);
        }

        return new ScenarioStep(number, operation, body, expect);
    }

    // The request body: the input as written, or, with imageManifestFile, the input with that member replaced, in
    // place, by imageManifest holding the file's text.
    private static byte[] Body(JsonElement input, string where, string directory)
    {
        if (!input.TryGetProperty("imageManifestFile", out JsonElement file))
        {
            return Encoding.UTF8.GetBytes(input.GetRawText());
        }

        if (file.ValueKind != JsonValueKind.String || file.GetString() is not { Length: > 0 } relative)
        {
            throw new ScenarioException($"{where}: 'input.imageManifestFile' must be a non-empty string (a path relative to the scenario file)");
        }

        if (input.TryGetProperty("imageManifest", out _))
        {
            throw new ScenarioException($"{where}: 'input' has both 'imageManifest' and 'imageManifestFile'; give one");
        }

        // A scenario names manifests beside it: the file must be inside the scenario's folder, and is read with a bound.
        string path = Path.GetFullPath(Path.Combine(directory, relative));
        if (!path.StartsWith(Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ScenarioException($"{where}: the manifest file '{relative}' is outside the scenario's folder; give a path inside it");
        }

        string manifest;
        try
        {
            manifest = StrictUtf8.GetString(ReadBounded(path, relative, where));
        }
        catch (DecoderFallbackException error)
        {
            throw new ScenarioException($"{where}: the manifest file '{relative}' is not UTF-8 text", error);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ScenarioException($"{where}: cannot read the manifest file '{relative}': {error.Message}", error);
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (JsonProperty property in input.EnumerateObject())
            {
                if (property.NameEquals("imageManifestFile"))
                {
                    writer.WriteString("imageManifest", manifest);
                }
                else
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Reads at most MaxManifestFileBytes, so that a huge file or a device such as /dev/zero cannot exhaust memory.
    private static byte[] ReadBounded(string path, string relative, string where)
    {
        using FileStream stream = File.OpenRead(path);
        var buffer = new byte[MaxManifestFileBytes + 1];
        int total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        if (total > MaxManifestFileBytes)
        {
            throw new ScenarioException($"{where}: the manifest file '{relative}' is larger than {MaxManifestFileBytes} bytes (twice ECR's 4 MiB limit)");
        }

        return buffer[..total];
    }

    private static void CheckMembers(JsonElement element, string[] allowed, string where)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new ScenarioException($"{where}: unknown member '{property.Name}' (allowed: {string.Join(", ", allowed)})");
            }
        }
    }

    private static string? OptionalString(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new ScenarioException($"{where}: '{name}' must be a string");
    }
}
