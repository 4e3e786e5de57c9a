using System.Security.Cryptography;
using System.Text.Json;
using Xunit.Abstractions;

namespace TagImmutability.Server.Tests.Ecr;

/// <summary>
/// End-to-end with the official AWS SDK for JavaScript v3 (<c>@aws-sdk/client-ecr</c>, pinned in js/package.json and
/// installed by tests/run.sh with npm ci) running in Node.js against a server started on a free loopback port.
/// </summary>
public sealed class JavaScriptSdkTests(ITestOutputHelper output)
{
    private const string KeyId = "AKIDTAGIMMUTABILITY1";
    private const string Secret = "tagimmutability-e2e-secret";

    private static readonly string Examples = Path.GetFullPath(Path.Combine(NodeScript.Directory, "..", "..", "..", "docs", "examples", "immutable-tags"));

    [Fact]
    public void The_pinned_AWS_SDK_for_JavaScript_is_installed()
    {
        NodeScript.RequirePackages();
        using JsonDocument package = JsonDocument.Parse(File.ReadAllText(Path.Combine(NodeScript.Directory, "package.json")));
        using JsonDocument installed = JsonDocument.Parse(File.ReadAllText(Path.Combine(NodeScript.Directory, "node_modules", "@aws-sdk", "client-ecr", "package.json")));

        string pinned = package.RootElement.GetProperty("dependencies").GetProperty("@aws-sdk/client-ecr").GetString()!;
        Assert.True(
            pinned == installed.RootElement.GetProperty("version").GetString(),
            $"js/package.json pins @aws-sdk/client-ecr {pinned} but node_modules has {installed.RootElement.GetProperty("version")}: run tests/run.sh (npm ci) again.");
    }

    [Fact]
    public async Task The_walkthrough_runs_through_the_endpoint_with_the_JavaScript_SDK()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        NodeResult result = await NodeScript.RunAsync("walkthrough.mjs", [server.Endpoint]);

        AssertWalkthrough(result, server);
    }

    [Fact]
    public async Task The_walkthrough_runs_with_signatures_checked_against_the_configured_key_pair()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync(new RegistryServerOptions { AccessKeyId = KeyId, SecretAccessKey = Secret });

        NodeResult result = await NodeScript.RunAsync("walkthrough.mjs", [server.Endpoint], Credentials(KeyId, Secret));

        AssertWalkthrough(result, server);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_InvalidSignatureException()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync(new RegistryServerOptions { AccessKeyId = KeyId, SecretAccessKey = Secret });

        JsonElement answer = await CallAsync(server, "CreateRepository", """{"repositoryName":"team/app"}""", Credentials(KeyId, "not-the-secret"));

        Assert.False(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        Assert.Equal("InvalidSignatureException", answer.GetProperty("name").GetString());
        Assert.Equal(403, answer.GetProperty("httpStatusCode").GetInt32());
        Assert.Empty(server.Server.Registry.DescribeRepositories());
    }

    [Fact]
    public async Task A_wrong_access_key_id_is_refused_with_UnrecognizedClientException()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync(new RegistryServerOptions { AccessKeyId = KeyId, SecretAccessKey = Secret });

        JsonElement answer = await CallAsync(server, "CreateRepository", """{"repositoryName":"team/app"}""", Credentials("AKIDSOMEONEELSE", Secret));

        Assert.False(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        Assert.Equal("UnrecognizedClientException", answer.GetProperty("name").GetString());
        Assert.Equal("The security token included in the request is invalid.", answer.GetProperty("message").GetString());
        Assert.Equal(400, answer.GetProperty("httpStatusCode").GetInt32());
        Assert.Empty(server.Server.Registry.DescribeRepositories());
    }

    [Fact]
    public async Task A_client_configured_for_another_region_is_refused_with_InvalidSignatureException()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync(new RegistryServerOptions { AccessKeyId = KeyId, SecretAccessKey = Secret });
        var environment = new Dictionary<string, string>(Credentials(KeyId, Secret)) { ["ECR_REGION"] = "eu-west-1" };

        JsonElement answer = await CallAsync(server, "DescribeRepositories", "{}", environment);

        Assert.Equal("InvalidSignatureException", answer.GetProperty("name").GetString());
        Assert.Contains("eu-west-1", answer.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_right_key_pair_is_accepted_for_a_single_call()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync(new RegistryServerOptions { AccessKeyId = KeyId, SecretAccessKey = Secret });

        JsonElement answer = await CallAsync(server, "CreateRepository", """{"repositoryName":"team/app","imageTagMutability":"IMMUTABLE"}""", Credentials(KeyId, Secret));

        Assert.True(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        Assert.Equal("IMMUTABLE", answer.GetProperty("output").GetProperty("repository").GetProperty("imageTagMutability").GetString());
        Assert.Single(server.Server.Registry.DescribeRepositories());
    }

    [Fact]
    public async Task An_unknown_operation_reaches_the_SDK_as_UnknownOperationException()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        JsonElement answer = await CallAsync(server, "InitiateLayerUpload", """{"repositoryName":"team/app"}""", Credentials(KeyId, Secret));

        Assert.Equal("UnknownOperationException", answer.GetProperty("name").GetString());
        Assert.Equal(400, answer.GetProperty("httpStatusCode").GetInt32());
    }

    private void AssertWalkthrough(NodeResult result, EcrTestServer server)
    {
        output.WriteLine(result.Stdout);
        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement summary = result.Json();
        Assert.True(summary.GetProperty("passed").GetBoolean(), result.ToString());

        string digest1 = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Examples, "manifest-0001.json"))));
        string digest2 = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Examples, "manifest-0002.json"))));
        JsonElement[] steps = [.. summary.GetProperty("steps").EnumerateArray()];
        Assert.Equal(
            ["CreateRepository", "PutImage", "DescribeImages", "PutImage", "DescribeImages", "PutImageTagMutability", "PutImage", "DescribeImages", "GetAuthorizationToken"],
            steps.Select(s => s.GetProperty("operation").GetString()));
        Assert.Equal(digest1, steps[1].GetProperty("imageDigest").GetString());
        Assert.Equal("ImageTagAlreadyExistsException", steps[3].GetProperty("errorName").GetString());
        Assert.Equal(400, steps[3].GetProperty("httpStatusCode").GetInt32());
        Assert.Equal(
            "The image tag 'latest' already exists in the 'walkthrough/immutable-repo' repository and cannot be overwritten because the tag is immutable.",
            steps[3].GetProperty("errorMessage").GetString());
        Assert.Equal("MUTABLE", steps[5].GetProperty("imageTagMutability").GetString());
        Assert.Equal(digest2, steps[6].GetProperty("imageDigest").GetString());
        Assert.Equal(server.Endpoint, steps[8].GetProperty("proxyEndpoint").GetString());

        // The server's own state agrees with what the SDK saw.
        RepositoryName repository = RepositoryName.Parse("walkthrough/immutable-repo");
        Assert.True(server.Server.Registry.TryResolveTag(repository, Tag.Parse("latest"), out Digest latest));
        Assert.Equal(digest2, latest.ToString());
        Assert.True(server.Server.Registry.TryGetImage(repository, Digest.Parse(digest1), out ImageDetail? untagged));
        Assert.Empty(untagged.Tags);
    }

    private static async Task<JsonElement> CallAsync(EcrTestServer server, string operation, string input, IReadOnlyDictionary<string, string> environment)
    {
        NodeResult result = await NodeScript.RunAsync("call.mjs", [server.Endpoint, operation, input], environment);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Json();
    }

    private static Dictionary<string, string> Credentials(string keyId, string secret) => new()
    {
        ["ECR_ACCESS_KEY_ID"] = keyId,
        ["ECR_SECRET_ACCESS_KEY"] = secret,
    };
}
