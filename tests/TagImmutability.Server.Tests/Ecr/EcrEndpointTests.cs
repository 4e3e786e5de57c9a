using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TagImmutability.Server.Ecr;

namespace TagImmutability.Server.Tests.Ecr;

/// <summary>The ECR JSON 1.1 endpoint over HTTP: each operation, the AWS JSON error shape and headers, and the refusals the endpoint makes itself.</summary>
public sealed class EcrEndpointTests
{
    private static readonly RepositoryName App = RepositoryName.Parse("team/app");

    // --- operations ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task CreateRepository_answers_the_repository_with_the_json_content_type_and_a_request_id()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        EcrAnswer answer = await server.PostAsync("CreateRepository", """{"repositoryName":"team/app","imageTagMutability":"IMMUTABLE"}""");

        answer.AssertOk();
        JsonElement repository = answer.Json.GetProperty("repository");
        Assert.Equal("team/app", repository.GetProperty("repositoryName").GetString());
        Assert.Equal("IMMUTABLE", repository.GetProperty("imageTagMutability").GetString());
        Assert.Equal(TagMutabilityPolicy.Immutable, server.Server.Registry.GetRepository(App).Policy);
    }

    [Fact]
    public async Task DescribeRepositories_lists_the_repositories()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();
        server.Server.Registry.CreateRepository(App, TagMutabilityPolicy.Immutable);

        EcrAnswer answer = await server.PostAsync("DescribeRepositories", "{}");

        answer.AssertOk();
        JsonElement repository = Assert.Single(answer.Json.GetProperty("repositories").EnumerateArray());
        Assert.Equal("team/app", repository.GetProperty("repositoryName").GetString());
    }

    [Fact]
    public async Task PutImageTagMutability_changes_the_setting()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();
        server.Server.Registry.CreateRepository(App, TagMutabilityPolicy.Immutable);

        EcrAnswer answer = await server.PostAsync("PutImageTagMutability", """{"repositoryName":"team/app","imageTagMutability":"MUTABLE"}""");

        answer.AssertOk();
        Assert.Equal("MUTABLE", answer.Json.GetProperty("imageTagMutability").GetString());
        Assert.Equal(TagMutabilityPolicy.Mutable, server.Server.Registry.GetRepository(App).Policy);
    }

    [Fact]
    public async Task PutImage_stores_the_manifest_under_the_sha256_of_its_exact_bytes()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();
        server.Server.Registry.CreateRepository(App);
        byte[] manifest = Manifest("1.0");

        EcrAnswer answer = await server.PostAsync("PutImage", PutImageBody("latest", manifest));

        answer.AssertOk();
        string digest = answer.Json.GetProperty("image").GetProperty("imageId").GetProperty("imageDigest").GetString()!;
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest)), digest);
        Assert.True(server.Server.Registry.TryResolveTag(App, Tag.Parse("latest"), out Digest stored));
        Assert.Equal(digest, stored.ToString());
    }

    [Fact]
    public async Task BatchGetImage_returns_the_manifest_bytes()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();
        server.Server.Registry.CreateRepository(App);
        byte[] manifest = Manifest("1.0");
        server.Server.Registry.PutImage(App, manifest, Tag.Parse("latest"));

        EcrAnswer answer = await server.PostAsync("BatchGetImage", """{"repositoryName":"team/app","imageIds":[{"imageTag":"latest"}]}""");

        answer.AssertOk();
        JsonElement image = Assert.Single(answer.Json.GetProperty("images").EnumerateArray());
        Assert.Equal(Encoding.UTF8.GetString(manifest), image.GetProperty("imageManifest").GetString());
        Assert.Empty(answer.Json.GetProperty("failures").EnumerateArray());
    }

    [Fact]
    public async Task DescribeImages_shows_the_tags_of_each_image()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();
        server.Server.Registry.CreateRepository(App);
        ImageDetail pushed = server.Server.Registry.PutImage(App, Manifest("1.0"), Tag.Parse("v1"));

        EcrAnswer answer = await server.PostAsync("DescribeImages", """{"repositoryName":"team/app"}""");

        answer.AssertOk();
        JsonElement detail = Assert.Single(answer.Json.GetProperty("imageDetails").EnumerateArray());
        Assert.Equal(pushed.Digest.ToString(), detail.GetProperty("imageDigest").GetString());
        Assert.Equal(["v1"], detail.GetProperty("imageTags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task ListImages_lists_one_id_per_tag()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();
        server.Server.Registry.CreateRepository(App);
        server.Server.Registry.PutImage(App, Manifest("1.0"), Tag.Parse("v1"));
        server.Server.Registry.PutImage(App, Manifest("2.0"), Tag.Parse("v2"));

        EcrAnswer answer = await server.PostAsync("ListImages", """{"repositoryName":"team/app"}""");

        answer.AssertOk();
        Assert.Equal(["v1", "v2"], answer.Json.GetProperty("imageIds").EnumerateArray().Select(id => id.GetProperty("imageTag").GetString()).Order());
    }

    [Fact]
    public async Task BatchDeleteImage_removes_the_tag()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();
        server.Server.Registry.CreateRepository(App);
        server.Server.Registry.PutImage(App, Manifest("1.0"), Tag.Parse("v1"));

        EcrAnswer answer = await server.PostAsync("BatchDeleteImage", """{"repositoryName":"team/app","imageIds":[{"imageTag":"v1"}]}""");

        answer.AssertOk();
        Assert.Single(answer.Json.GetProperty("imageIds").EnumerateArray());
        Assert.False(server.Server.Registry.TryResolveTag(App, Tag.Parse("v1"), out _));
    }

    [Fact]
    public async Task DeleteRepository_with_force_deletes_a_repository_with_images()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();
        server.Server.Registry.CreateRepository(App);
        server.Server.Registry.PutImage(App, Manifest("1.0"), Tag.Parse("v1"));

        EcrAnswer answer = await server.PostAsync("DeleteRepository", """{"repositoryName":"team/app","force":true}""");

        answer.AssertOk();
        Assert.Equal("team/app", answer.Json.GetProperty("repository").GetProperty("repositoryName").GetString());
        Assert.Empty(server.Server.Registry.DescribeRepositories());
    }

    // --- errors of the operations -----------------------------------------------------------------------------

    [Fact]
    public async Task An_immutable_tag_refusal_is_400_with_type_in_body_and_header_and_leaves_the_tag()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();
        server.Server.Registry.CreateRepository(App, TagMutabilityPolicy.Immutable);
        ImageDetail first = server.Server.Registry.PutImage(App, Manifest("1.0"), Tag.Parse("latest"));

        EcrAnswer answer = await server.PostAsync("PutImage", PutImageBody("latest", Manifest("1.1")));

        answer.AssertError(400, "ImageTagAlreadyExistsException");
        Assert.Equal(
            "The image tag 'latest' already exists in the 'team/app' repository and cannot be overwritten because the tag is immutable.",
            answer.Json.GetProperty("message").GetString());
        Assert.True(server.Server.Registry.TryResolveTag(App, Tag.Parse("latest"), out Digest still));
        Assert.Equal(first.Digest, still);
    }

    [Fact]
    public async Task A_missing_repository_is_RepositoryNotFoundException()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        EcrAnswer answer = await server.PostAsync("DescribeImages", """{"repositoryName":"nothing/here"}""");

        answer.AssertError(400, "RepositoryNotFoundException");
    }

    [Fact]
    public async Task A_broken_constraint_is_InvalidParameterException()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        EcrAnswer answer = await server.PostAsync("CreateRepository", """{"repositoryName":"Team/App"}""");

        answer.AssertError(400, "InvalidParameterException");
        Assert.StartsWith("Invalid parameter at 'repositoryName'", answer.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"repositoryName\":")]
    [InlineData("[1,2]")]
    [InlineData("{\"repositoryName\":42}")]
    public async Task A_body_that_is_not_the_input_shape_is_SerializationException(string body)
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        EcrAnswer answer = await server.PostAsync("DescribeImages", body);

        answer.AssertError(400, "SerializationException");
    }

    // --- refusals of the endpoint itself ----------------------------------------------------------------------

    [Theory]
    [InlineData("AmazonEC2ContainerRegistry_V20150921.InitiateLayerUpload")]
    [InlineData("AmazonEC2ContainerRegistry_V20150921.putimage")]
    [InlineData("AmazonEC2ContainerRegistry_V20150921.")]
    [InlineData("DynamoDB_20120810.ListTables")]
    [InlineData("PutImage")]
    public async Task A_target_that_names_no_served_operation_is_UnknownOperationException(string target)
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        EcrAnswer answer = await server.SendAsync(EcrTestServer.Request(target, """{"repositoryName":"team/app"}"""));

        answer.AssertError(400, "UnknownOperationException");
        Assert.Empty(server.Server.Registry.DescribeRepositories());
    }

    [Fact]
    public async Task A_request_without_X_Amz_Target_is_UnknownOperationException()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        EcrAnswer answer = await server.SendAsync(EcrTestServer.Request(null, "{}"));

        answer.AssertError(400, "UnknownOperationException");
        Assert.Contains("X-Amz-Target", answer.Json.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Another_method_on_the_root_is_405_with_Allow_POST(string method)
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        EcrAnswer answer = await server.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/"));

        answer.AssertError(405, "UnknownOperationException");
        Assert.Equal("POST", answer.Allow);
    }

    [Fact]
    public async Task HEAD_on_the_root_is_405_with_the_error_type_header_and_no_body()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        EcrAnswer answer = await server.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));

        Assert.Equal(405, answer.Status);
        Assert.Equal("POST", answer.Allow);
        Assert.Equal("UnknownOperationException", answer.ErrorTypeHeader);
        Assert.Empty(answer.Body);
    }

    [Fact]
    public async Task A_body_over_the_cap_is_413_RequestEntityTooLargeException_when_its_length_is_declared()
    {
        var options = new RegistryServerOptions { Registry = new RegistryOptions { MaxManifestSizeInBytes = 1024 } };
        await using EcrTestServer server = await EcrTestServer.StartAsync(options);
        long cap = EcrEndpoint.MaxRequestBodyBytesFor(1024);

        EcrAnswer atCap = await server.PostAsync("DescribeRepositories", Padded(cap));
        EcrAnswer over = await server.PostAsync("DescribeRepositories", Padded(cap + 1));

        atCap.AssertOk();
        over.AssertError(413, "RequestEntityTooLargeException");
    }

    [Fact]
    public async Task A_chunked_body_over_the_cap_is_413_RequestEntityTooLargeException()
    {
        var options = new RegistryServerOptions { Registry = new RegistryOptions { MaxManifestSizeInBytes = 1024 } };
        await using EcrTestServer server = await EcrTestServer.StartAsync(options);
        long cap = EcrEndpoint.MaxRequestBodyBytesFor(1024);
        var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Padded(cap + 1)))),
        };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", EcrTestServer.Prefix + "DescribeRepositories");

        EcrAnswer answer = await server.SendAsync(request);

        answer.AssertError(413, "RequestEntityTooLargeException");
    }

    [Fact]
    public async Task A_manifest_of_the_largest_size_ECR_accepts_passes_the_body_cap()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();
        server.Server.Registry.CreateRepository(App);
        byte[] largest = ManifestOfSize(RegistryOptions.DefaultMaxManifestSizeInBytes);
        byte[] tooLarge = ManifestOfSize(RegistryOptions.DefaultMaxManifestSizeInBytes + 1);

        EcrAnswer accepted = await server.PostAsync("PutImage", PutImageBody("big", largest));
        EcrAnswer refused = await server.PostAsync("PutImage", PutImageBody("bigger", tooLarge));

        accepted.AssertOk();
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(largest)), accepted.Json.GetProperty("image").GetProperty("imageId").GetProperty("imageDigest").GetString());

        // The manifest's own limit answers, as ECR does (ImageManifest is 1..4,194,304), not the endpoint's body cap.
        refused.AssertError(400, "InvalidParameterException");
        Assert.Contains("imageManifest", refused.Json.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    // --- GetAuthorizationToken --------------------------------------------------------------------------------

    [Fact]
    public async Task GetAuthorizationToken_answers_a_basic_token_for_AWS_valid_12_hours_naming_this_server()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using EcrTestServer server = await EcrTestServer.StartAsync(new RegistryServerOptions { Registry = new RegistryOptions { TimeProvider = clock } });

        EcrAnswer answer = await server.PostAsync("GetAuthorizationToken", "{}");

        answer.AssertOk();
        JsonElement data = Assert.Single(answer.Json.GetProperty("authorizationData").EnumerateArray());
        Assert.Equal("AWS:tagimmutability-local", Encoding.UTF8.GetString(Convert.FromBase64String(data.GetProperty("authorizationToken").GetString()!)));
        Assert.Equal(clock.GetUtcNow().AddHours(12).ToUnixTimeSeconds(), data.GetProperty("expiresAt").GetInt64());
        Assert.Equal(server.Endpoint, data.GetProperty("proxyEndpoint").GetString());
    }

    [Fact]
    public async Task GetAuthorizationToken_answers_one_entry_per_requested_registry()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        EcrAnswer answer = await server.PostAsync("GetAuthorizationToken", """{"registryIds":["123456789012","210987654321"]}""");

        answer.AssertOk();
        Assert.Equal(2, answer.Json.GetProperty("authorizationData").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"registryIds":["12345"]}""", "InvalidParameterException", "Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]{12}]'")]
    [InlineData("""{"registryIds":[]}""", "InvalidParameterException", "Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member must have length greater than or equal to 1'")]
    [InlineData("""{"registryIds":["1","2","3","4","5","6","7","8","9","10","11"]}""", "InvalidParameterException", "Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member must have length less than or equal to 10'")]
    [InlineData("""{"registryIds":"123456789012"}""", "SerializationException", null)]
    [InlineData("""{"registryIds":[123456789012]}""", "SerializationException", null)]
    [InlineData("""not json""", "SerializationException", null)]
    public async Task GetAuthorizationToken_refuses_bad_registryIds(string body, string type, string? message)
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        EcrAnswer answer = await server.PostAsync("GetAuthorizationToken", body);

        answer.AssertError(400, type);
        if (message is not null)
        {
            Assert.Equal(message, answer.Json.GetProperty("message").GetString());
        }
    }

    // --- logging and options ----------------------------------------------------------------------------------

    [Fact]
    public async Task A_refusal_is_logged_with_operation_repository_tag_and_error_type()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();
        server.Server.Registry.CreateRepository(App, TagMutabilityPolicy.Immutable);
        server.Server.Registry.PutImage(App, Manifest("1.0"), Tag.Parse("latest"));

        await server.PostAsync("PutImage", PutImageBody("latest", Manifest("1.1")));

        LogEntry entry = Assert.Single(server.Logs.Entries, e => e.Category.EndsWith("EcrEndpoint", StringComparison.Ordinal) && e.Level >= LogLevel.Information);
        Assert.Equal("PutImage", entry.Properties["Operation"]);
        Assert.Equal("team/app", entry.Properties["Repository"]);
        Assert.Equal("latest", entry.Properties["Tag"]);
        Assert.Equal("ImageTagAlreadyExistsException", entry.Properties["ErrorType"]);
        Assert.Equal(400, entry.Properties["StatusCode"]);
    }

    [Fact]
    public async Task A_refusal_of_the_endpoint_itself_is_logged_too()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        await server.SendAsync(EcrTestServer.Request(EcrTestServer.Prefix + "InitiateLayerUpload", """{"repositoryName":"team/app"}"""));

        LogEntry entry = Assert.Single(server.Logs.Entries, e => e.Category.EndsWith("EcrEndpoint", StringComparison.Ordinal));
        Assert.Equal("InitiateLayerUpload", entry.Properties["Operation"]);
        Assert.Equal("team/app", entry.Properties["Repository"]);
        Assert.Equal("UnknownOperationException", entry.Properties["ErrorType"]);
    }

    [Fact]
    public async Task Half_a_key_pair_is_refused_at_start()
    {
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() =>
            RegistryServer.StartAsync(new RegistryServerOptions { AccessKeyId = "AKIDONLY" }, null, CancellationToken.None));

        Assert.Contains("AccessKeyId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_success_body_is_the_compact_output_shape()
    {
        await using EcrTestServer server = await EcrTestServer.StartAsync();

        using HttpRequestMessage request = EcrTestServer.Request(EcrTestServer.Prefix + "DescribeRepositories", "{}");
        using HttpResponseMessage response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new MediaTypeHeaderValue("application/x-amz-json-1.1"), response.Content.Headers.ContentType);
        Assert.Equal("""{"repositories":[]}""", await response.Content.ReadAsStringAsync());
    }

    internal static byte[] Manifest(string version) => Encoding.UTF8.GetBytes(
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
        + "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},"
        + "\"layers\":[],\"annotations\":{\"version\":\"" + version + "\"}}");

    internal static string PutImageBody(string tag, byte[] manifest) =>
        JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["repositoryName"] = "team/app",
            ["imageTag"] = tag,
            ["imageManifest"] = Encoding.UTF8.GetString(manifest),
        });

    // An image manifest of exactly `size` bytes, padded with escaped quotes in an annotation: a harsh case for JSON
    // escaping (System.Text.Json's default encoder writes each quote as six bytes, each backslash as two).
    private static byte[] ManifestOfSize(int size)
    {
        byte[] empty = Manifest(string.Empty);
        return Manifest(new string('\'', size - empty.Length).Replace("''", "\\\"", StringComparison.Ordinal));
    }

    // A valid DescribeRepositories body of exactly `length` bytes (an unknown member, ignored, pads it).
    private static string Padded(long length)
    {
        const string Head = "{\"padding\":\"";
        const string Tail = "\"}";
        return Head + new string('x', (int)length - Head.Length - Tail.Length) + Tail;
    }
}

/// <summary>A clock that stands still.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
