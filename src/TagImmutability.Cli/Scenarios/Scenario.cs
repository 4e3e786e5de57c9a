namespace TagImmutability.Cli.Scenarios;

/// <summary>
/// A replay scenario: the registry's identity and the ECR calls to make, in order, each with the request body it
/// sends and what it must answer.
/// </summary>
/// <param name="RegistryId">The registry id (12 digits); the library's default when the file gives none.</param>
/// <param name="Region">The AWS region; the library's default when the file gives none.</param>
/// <param name="Steps">The calls, in file order.</param>
internal sealed record Scenario(string? RegistryId, string? Region, IReadOnlyList<ScenarioStep> Steps);

/// <summary>One ECR call of a scenario.</summary>
/// <param name="Number">The step's 1-based position in the file.</param>
/// <param name="Operation">The ECR operation, such as <c>PutImage</c>, sent as given (an unknown name is ECR's error to answer).</param>
/// <param name="Body">The request body: the step's <c>input</c> as UTF-8 JSON, with any <c>imageManifestFile</c> inlined.</param>
/// <param name="Expect">
/// <see langword="null"/> for no expectation, <see cref="ScenarioStep.Ok"/> for "must succeed", or the error's
/// <c>__type</c> the call must fail with.
/// </param>
internal sealed record ScenarioStep(int Number, string Operation, byte[] Body, string? Expect)
{
    /// <summary>The <c>expect</c> value meaning the call must succeed.</summary>
    public const string Ok = "ok";
}

/// <summary>A scenario file that cannot be replayed: unreadable, not the scenario shape, or naming a missing manifest file.</summary>
internal sealed class ScenarioException : Exception
{
    public ScenarioException()
    {
    }

    public ScenarioException(string message)
        : base(message)
    {
    }

    public ScenarioException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
