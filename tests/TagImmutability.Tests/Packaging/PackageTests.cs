#if NET10_0_OR_GREATER
using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace TagImmutability.Tests.Packaging;

/// <summary>
/// Packs the core project and reads what a consumer would get: no dependency and no analyzer may reach them, and the
/// README, LICENSE, CHANGELOG, both target frameworks' assemblies with their XML docs, and the symbols package are there.
/// </summary>
/// <remarks>
/// Packing is the same on every target framework, and two test processes packing one project at once would race on
/// its output, so these tests are compiled into the net10.0 test assembly only (not skipped on net8.0: absent there).
/// </remarks>
public sealed class PackageTests : IClassFixture<PackageTests.PackedPackage>
{
    private readonly PackedPackage _package;

    public PackageTests(PackedPackage package) => _package = package;

    [Fact]
    public void The_package_has_no_dependencies_in_any_target_framework_group()
    {
        XNamespace ns = _package.Nuspec.Root!.Name.Namespace;
        Assert.Empty(_package.Nuspec.Descendants(ns + "dependency"));
        Assert.Empty(_package.Nuspec.Descendants(ns + "frameworkReference"));
        XElement[] groups = [.. _package.Nuspec.Descendants(ns + "group")];
        Assert.Equal(["net10.0", "net8.0"], groups.Select(g => (string)g.Attribute("targetFramework")!).Order(StringComparer.Ordinal).Select(Normalize));
    }

    [Fact]
    public void The_package_carries_no_analyzer_or_build_logic() =>
        Assert.DoesNotContain(_package.Entries, e => e.StartsWith("analyzers/", StringComparison.Ordinal) || e.StartsWith("build", StringComparison.Ordinal));

    [Fact]
    public void The_package_carries_readme_license_changelog_assemblies_and_docs()
    {
        Assert.Contains("README.md", _package.Entries);
        Assert.Contains("LICENSE", _package.Entries);
        Assert.Contains("CHANGELOG.md", _package.Entries);
        foreach (string tfm in new[] { "net8.0", "net10.0" })
        {
            Assert.Contains($"lib/{tfm}/TagImmutability.dll", _package.Entries);
            Assert.Contains($"lib/{tfm}/TagImmutability.xml", _package.Entries);
        }
    }

    [Fact]
    public void The_nuspec_has_id_description_tags_license_and_readme()
    {
        XNamespace ns = _package.Nuspec.Root!.Name.Namespace;
        XElement metadata = _package.Nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal("TagImmutability", (string?)metadata.Element(ns + "id"));
        Assert.False(string.IsNullOrWhiteSpace((string?)metadata.Element(ns + "description")));
        Assert.Contains("immutability", (string?)metadata.Element(ns + "tags") ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal("LICENSE", (string?)metadata.Element(ns + "license"));
        Assert.Equal("README.md", (string?)metadata.Element(ns + "readme"));
        Assert.NotNull(metadata.Element(ns + "repository"));
    }

    [Fact]
    public void A_symbols_package_is_produced() => Assert.True(File.Exists(_package.SymbolsPath), _package.SymbolsPath);

    private static string Normalize(string tfm) => tfm switch
    {
        "net8.0" or ".NETCoreApp8.0" => "net8.0",
        "net10.0" or ".NETCoreApp10.0" => "net10.0",
        _ => tfm,
    };

    /// <summary>Packs once per test run into a fresh folder.</summary>
    public sealed class PackedPackage : IDisposable
    {
        private readonly string _output = Path.Combine(Path.GetTempPath(), "tagimm-pack-" + Guid.NewGuid().ToString("N"));

        public PackedPackage()
        {
            string project = Path.Combine(RepositoryRoot.Path, "src", "TagImmutability", "TagImmutability.csproj");
            var start = new ProcessStartInfo("dotnet", ["pack", project, "-c", "Release", "-o", _output, "-nologo"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using Process process = Process.Start(start)!;
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet pack failed ({process.ExitCode}):\n{output.Result}\n{error.Result}");
            }

            string package = Directory.GetFiles(_output, "TagImmutability.*.nupkg").Single();
            SymbolsPath = Path.ChangeExtension(package, ".snupkg");
            using ZipArchive zip = ZipFile.OpenRead(package);
            Entries = [.. zip.Entries.Select(e => e.FullName)];
            using Stream nuspec = zip.GetEntry("TagImmutability.nuspec")!.Open();
            Nuspec = XDocument.Load(nuspec);
        }

        public IReadOnlyList<string> Entries { get; }

        public XDocument Nuspec { get; }

        public string SymbolsPath { get; }

        public void Dispose()
        {
            if (Directory.Exists(_output))
            {
                Directory.Delete(_output, recursive: true);
            }
        }
    }
}
#endif
