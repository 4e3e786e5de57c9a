using System.Collections.Immutable;

namespace TagImmutability.Cli.Check;

/// <summary>The repositories a check decides against, by name, loaded from a snapshot or from the AWS CLI's describe output.</summary>
internal sealed class StateSource
{
    private StateSource(string registryId, ImmutableDictionary<RepositoryName, TagDecisionState> repositories)
    {
        RegistryId = registryId;
        Repositories = repositories;
    }

    /// <summary>The registry the state is of (for the messages of refusals).</summary>
    public string RegistryId { get; }

    public ImmutableDictionary<RepositoryName, TagDecisionState> Repositories { get; }

    /// <exception cref="CheckInputException">The file cannot be read or is not a valid snapshot.</exception>
    public static StateSource FromSnapshot(string path)
    {
        Registry registry;
        try
        {
            using FileStream stream = File.OpenRead(path);
            registry = RegistrySnapshot.Read(stream);
        }
        catch (SnapshotInvalidException problem)
        {
            throw new CheckInputException($"malformed state '{path}': {problem.Message}", problem);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CheckInputException($"cannot read '{path}': {problem.Message}", problem);
        }

        return new StateSource(
            registry.RegistryId,
            registry.DescribeRepositories().ToImmutableDictionary(r => r.Name, r => TagDecisionState.FromRegistry(registry, r.Name)));
    }

    /// <exception cref="CheckInputException">A file cannot be read, or the files are not valid describe output.</exception>
    public static StateSource FromDescribeOutput(string repositoriesPath, IReadOnlyList<string> imagesPaths)
    {
        byte[] repositories = ReadFile(repositoriesPath);
        ReadOnlyMemory<byte>[] images = [.. imagesPaths.Select(p => (ReadOnlyMemory<byte>)ReadFile(p))];
        ImmutableArray<TagDecisionState> states;
        try
        {
            states = TagDecisionState.ReadEcrDescribeOutput(repositories, images);
        }
        catch (SnapshotInvalidException problem)
        {
            string files = $"--repositories '{repositoriesPath}'" + string.Concat(imagesPaths.Select((p, i) => $", describe-images output {i + 1} = '{p}'"));
            throw new CheckInputException($"malformed state ({files}): {problem.Message}", problem);
        }

        var registries = states.Select(s => s.RegistryId).Distinct(StringComparer.Ordinal).ToArray();
        if (registries.Length > 1)
        {
            throw new CheckInputException($"the describe output covers several registries ({string.Join(", ", registries)}); check one registry at a time");
        }

        return new StateSource(
            registries.FirstOrDefault() ?? RegistryOptions.DefaultRegistryId,
            states.ToImmutableDictionary(s => s.Repository));
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CheckInputException($"cannot read '{path}': {problem.Message}", problem);
        }
    }
}
