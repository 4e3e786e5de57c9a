using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TagImmutability.Cli.Scenarios;

/// <summary>
/// Replays a scenario against a fresh in-memory <see cref="Registry"/> through the library's ECR facade
/// (<see cref="EcrApi"/>), writing one JSON object per step and checking each step's expectation.
/// </summary>
/// <remarks>
/// Output per step: <c>{"step": n, "operation": "...", "output": {...}}</c> on success, or
/// <c>{"step": n, "operation": "...", "error": {"__type": "...", "message": "..."}}</c> on failure; the response
/// body is embedded byte for byte as the facade wrote it. Compact output is one line per step; pretty output indents
/// each object.
/// </remarks>
internal static class ScenarioRunner
{
    /// <summary>Every expectation held.</summary>
    public const int Success = 0;

    /// <summary>At least one expectation failed.</summary>
    public const int ExpectationFailed = 1;

    /// <summary>The scenario is malformed (or the command line is).</summary>
    public const int Malformed = 2;

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Pretty = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    /// <summary>Runs every step, writes the responses to <paramref name="output"/> and failed expectations to <paramref name="error"/>.</summary>
    /// <returns><see cref="Success"/> or <see cref="ExpectationFailed"/>.</returns>
    public static int Run(Scenario scenario, TimeProvider clock, bool pretty, TextWriter output, TextWriter error)
    {
        var registry = new Registry(new RegistryOptions
        {
            RegistryId = scenario.RegistryId ?? RegistryOptions.DefaultRegistryId,
            Region = scenario.Region ?? RegistryOptions.DefaultRegion,
            TimeProvider = clock,
        });
        var api = new EcrApi(registry);
        int failed = 0;
        foreach (ScenarioStep step in scenario.Steps)
        {
            EcrResponse response = api.Invoke(step.Operation, step.Body);
            output.Write(Line(step, response, pretty));
            output.Write('\n');
            if (Check(step, response) is { } problem)
            {
                failed++;
                error.Write($"tagimm: step {step.Number} ({step.Operation}): {problem}\n");
            }
        }

        if (failed > 0)
        {
            error.Write($"tagimm: {failed} of {scenario.Steps.Count(s => s.Expect is not null)} expectations failed\n");
            return ExpectationFailed;
        }

        return Success;
    }

    // Why the step's expectation does not hold, or null when it does (or when the step has none).
    private static string? Check(ScenarioStep step, EcrResponse response)
    {
        string got = response.IsSuccess ? "the call succeeded" : $"got {response.ErrorType}" + (response.ErrorMessage is { } m ? $": {m}" : string.Empty);
        return step.Expect switch
        {
            null => null,
            ScenarioStep.Ok => response.IsSuccess ? null : $"expected success, {got}",
            { } type => string.Equals(response.ErrorType, type, StringComparison.Ordinal) ? null : $"expected {type}, {got}",
        };
    }

    private static string Line(ScenarioStep step, EcrResponse response, bool pretty)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, pretty ? Pretty : Compact))
        {
            writer.WriteStartObject();
            writer.WriteNumber("step", step.Number);
            writer.WriteString("operation", step.Operation);
            writer.WritePropertyName(response.IsSuccess ? "output" : "error");
            if (pretty)
            {
                using JsonDocument body = JsonDocument.Parse(response.Body);
                body.RootElement.WriteTo(writer);
            }
            else
            {
                writer.WriteRawValue(response.Body.Span, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
