using System.Text;

namespace TagImmutability.Cli.Tests;

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

/// <summary>What one in-process run of the <c>tagimm</c> command produced.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public string[] Lines => Output.Length == 0 ? [] : Output.TrimEnd('\n').Split('\n');
}

/// <summary>Runs the command's handler in-process, and writes scenario files to a fresh folder per test.</summary>
public abstract class CliHarness : IDisposable
{
    protected CliHarness() => Directory.CreateDirectory(Folder);

    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), "tagimm-cli-" + Guid.NewGuid().ToString("N"));

    internal static CliRun Tagimm(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int code = TagImmCommand.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> in the test's folder; returns the full path.</summary>
    protected string Write(string name, string content) => WriteBytes(name, Encoding.UTF8.GetBytes(content));

    protected string WriteBytes(string name, byte[] content)
    {
        string path = Path.Combine(Folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
