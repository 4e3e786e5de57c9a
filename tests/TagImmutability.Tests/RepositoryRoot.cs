namespace TagImmutability.Tests;

/// <summary>The repository's root folder, found from the test assembly's location by looking for the solution file.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "TagImmutability.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"TagImmutability.sln not found above {AppContext.BaseDirectory}");
    }
}
