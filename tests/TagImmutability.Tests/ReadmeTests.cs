using System.Text;
using System.Text.RegularExpressions;

namespace TagImmutability.Tests;

/// <summary>
/// Keeps README.md's example honest: the example below is the README's C# block, line for line, and what it prints
/// must equal the README's <c>// prints:</c> comments.
/// </summary>
public sealed class ReadmeTests
{
    [Fact]
    public void The_readme_example_is_the_code_this_test_runs()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        string source = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "tests", "TagImmutability.Tests", "ReadmeTests.cs"));
        string[] readmeLines = CodeLines(Regex.Match(readme, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value)
            .Where(line => !line.StartsWith("using ", StringComparison.Ordinal))
            .ToArray();
        int begin = source.LastIndexOf("// README begin", StringComparison.Ordinal);
        int end = source.LastIndexOf("// README end", StringComparison.Ordinal);
        string[] exampleLines = CodeLines(source[(source.IndexOf('\n', begin) + 1)..end]);
        Assert.NotEmpty(readmeLines);
        Assert.Equal(readmeLines, exampleLines);
    }

    [Fact]
    public void The_readme_example_prints_what_the_readme_says()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        string[] expected = Regex.Matches(readme, "// prints: (.*)").Select(m => m.Groups[1].Value.TrimEnd()).ToArray();
        var output = new StringWriter { NewLine = "\n" };
        RunExample(output);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, output.ToString().TrimEnd('\n').Split('\n'));
    }

    private static string[] CodeLines(string code) =>
        code.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();

    private static void RunExample(TextWriter Console)
    {
        // README begin
        // A digest is computed over the exact bytes, never over re-serialised JSON.
        Digest digest = Digest.Compute("{\"schemaVersion\":2}"u8);
        Console.WriteLine(digest.Algorithm); // prints: Sha256

        // References are parsed exactly; Docker Hub's defaults are applied only when asked.
        ImageReference reference = ImageReference.Parse("alpine:3.20");
        Console.WriteLine(reference.Registry is null); // prints: True
        Console.WriteLine(reference.NormalizeDockerHub()); // prints: docker.io/library/alpine:3.20

        // The grammar profile is explicit: ECR accepts tags that the OCI spec does not.
        Console.WriteLine(Tag.IsValid(".hidden", GrammarProfile.Oci)); // prints: False
        Console.WriteLine(Tag.IsValid(".hidden", GrammarProfile.Ecr)); // prints: True

        // Bad input gets a typed error naming the field, the input, the index and the rule.
        try
        {
            Tag.Parse("Latest!");
        }
        catch (InvalidTagException error)
        {
            Console.WriteLine(error.Message); // prints: tag 'Latest!' is invalid at index 6: character '!' is not allowed; it must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127} (OCI distribution-spec, tag grammar)
        }

        // A registry with ECR's semantics: an IMMUTABLE repository refuses to move a tag, and says why as ECR does.
        var registry = new Registry();
        RepositoryName repository = RepositoryName.Parse("team/app");
        registry.CreateRepository(repository, TagMutabilityPolicy.Immutable);
        ImageDetail pushed = registry.PutImage(repository, Manifest("1.0"), Tag.Parse("latest"));
        Console.WriteLine(pushed.Digest == Digest.Compute(Manifest("1.0"))); // prints: True
        try
        {
            registry.PutImage(repository, Manifest("1.1"), Tag.Parse("latest"));
        }
        catch (ImageTagAlreadyExistsException error)
        {
            Console.WriteLine(error.Message); // prints: The image tag 'latest' already exists in the 'team/app' repository and cannot be overwritten because the tag is immutable.
        }

        // The hot path: resolve reference text or a tag's UTF-8 bytes without allocating, and get policy outcomes as values.
        Console.WriteLine(registry.TryResolve("team/app:latest", out Digest resolved) && resolved == pushed.Digest); // prints: True
        Console.WriteLine(registry.TryResolveTag(repository, "latest"u8, out _)); // prints: True
        Console.WriteLine(registry.ExplainPush(repository, Tag.Parse("latest"), Digest.Compute(Manifest("1.1"))).Outcome); // prints: RejectedImmutable

        // An OCI image manifest whose only difference between versions is an annotation.
        static byte[] Manifest(string version) => Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
            + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},"
            + "\"layers\":[],\"annotations\":{\"version\":\"" + version + "\"}}");

        // README end
    }
}
