using System.Text;
using System.Text.Json;
using TagImmutability.Tests.Registries;

namespace TagImmutability.Tests.Ecr;

/// <summary>
/// A registry in ap-northeast-1 with a stopped clock, its ECR facade, and assertions on the facade's answers. Requests
/// are written as JSON text, as an SDK would send them; answers are parsed back with JsonDocument.
/// </summary>
public class EcrHarness
{
    public const string RegistryId = "123456789012";

    public EcrHarness()
    {
        Registry = new Registry(new RegistryOptions { TimeProvider = Clock, Region = "ap-northeast-1" });
        Api = new EcrApi(Registry);
    }

    public ManualClock Clock { get; } = new();

    public Registry Registry { get; }

    public EcrApi Api { get; }

    public EcrResponse Call(string operation, string json) => Api.Invoke(operation, Encoding.UTF8.GetBytes(json));

    /// <summary>Calls and asserts success (status 200, no error); returns the parsed body.</summary>
    public JsonElement Ok(string operation, string json)
    {
        EcrResponse response = Call(operation, json);
        Assert.True(response.IsSuccess, $"{operation} failed: {response}");
        Assert.Equal(200, response.StatusCode);
        Assert.Null(response.ErrorType);
        return Parse(response);
    }

    /// <summary>Calls and asserts an error of <paramref name="type"/> with status 400; returns the error message.</summary>
    public string Fail(string operation, string json, string type)
    {
        EcrResponse response = Call(operation, json);
        Assert.False(response.IsSuccess, $"{operation} succeeded: {response}");
        Assert.Equal(400, response.StatusCode);
        JsonElement body = Parse(response);
        Assert.Equal(type, body.GetProperty("__type").GetString());
        Assert.Equal(type, response.ErrorType);
        string message = body.GetProperty("message").GetString()!;
        Assert.Equal(message, response.ErrorMessage);
        Assert.Equal(["__type", "message"], Names(body));
        return message;
    }

    public static JsonElement Parse(EcrResponse response)
    {
        using JsonDocument document = JsonDocument.Parse(response.Body);
        return document.RootElement.Clone();
    }

    public static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    /// <summary>A JSON string literal holding <paramref name="text"/> (escaped as System.Text.Json escapes it).</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text);

    public static string Text(ParsedManifest manifest) => Encoding.UTF8.GetString(manifest.Content.Span);

    public void CreateRepository(string name, string mode = "MUTABLE", params string[] filters)
    {
        string filterJson = filters.Length == 0
            ? string.Empty
            : ",\"imageTagMutabilityExclusionFilters\":[" + string.Join(',', filters.Select(f => $"{{\"filterType\":\"WILDCARD\",\"filter\":{Quote(f)}}}")) + "]";
        Ok("CreateRepository", $"{{\"repositoryName\":{Quote(name)},\"imageTagMutability\":\"{mode}\"{filterJson}}}");
    }

    public EcrResponse Put(string repository, ParsedManifest manifest, string? tag = null)
    {
        string tagJson = tag is null ? string.Empty : $",\"imageTag\":{Quote(tag)}";
        return Call("PutImage", $"{{\"repositoryName\":{Quote(repository)},\"imageManifest\":{Quote(Text(manifest))}{tagJson}}}");
    }

    public JsonElement PutOk(string repository, ParsedManifest manifest, string? tag = null)
    {
        EcrResponse response = Put(repository, manifest, tag);
        Assert.True(response.IsSuccess, response.ToString());
        return Parse(response);
    }

    public static long EpochSeconds(DateTimeOffset time) => time.ToUnixTimeSeconds();
}
