using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TagImmutability.Server.Tests.Distribution;

/// <summary>
/// A <c>FROM scratch</c> image in the walkthrough's form (docs/examples): one empty-tar layer and a config whose
/// only difference between builds is the label <c>maintainer</c>; plus image indexes over such images.
/// </summary>
internal sealed record TestImage(byte[] Layer, byte[] Config, byte[] Manifest, string MediaType, string Architecture)
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar+gzip";

    /// <summary>The gzip of an empty tar archive (1,024 zero bytes), 32 bytes: the layer of an image with no files.</summary>
    public static byte[] EmptyLayer { get; } = Convert.FromHexString("1f8b08000000000000ff621805a360148c5800080000ffff2eafb5ef00040000");

    /// <summary>The diff_id of <see cref="EmptyLayer"/>: the sha256 of 1,024 zero bytes.</summary>
    public const string EmptyLayerDiffId = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

    public string LayerDigest => DigestOf(Layer);

    public string ConfigDigest => DigestOf(Config);

    public string ManifestDigest => DigestOf(Manifest);

    public static TestImage Scratch(string maintainer, string architecture = "amd64")
    {
        byte[] config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"{architecture}\",\"os\":\"linux\",\"config\":{{\"Labels\":{{\"maintainer\":\"{maintainer}\"}}}},"
            + $"\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"{EmptyLayerDiffId}\"]}}}}");
        byte[] manifest = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{OciManifest}\","
            + $"\"config\":{{\"mediaType\":\"{OciConfig}\",\"digest\":\"{DigestOf(config)}\",\"size\":{config.Length}}},"
            + $"\"layers\":[{{\"mediaType\":\"{OciLayer}\",\"digest\":\"{DigestOf(EmptyLayer)}\",\"size\":{EmptyLayer.Length}}}]}}");
        return new TestImage(EmptyLayer, config, manifest, OciManifest, architecture);
    }

    /// <summary>An artifact manifest whose <c>subject</c> is <paramref name="subject"/> (a signature, an SBOM).</summary>
    public static TestImage Referrer(TestImage subject, string artifactType, string annotation)
    {
        byte[] config = "{}"u8.ToArray();
        byte[] manifest = Encoding.UTF8.GetBytes(
            $"{{\"schemaVersion\":2,\"mediaType\":\"{OciManifest}\",\"artifactType\":\"{artifactType}\","
            + $"\"config\":{{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"{DigestOf(config)}\",\"size\":2}},"
            + $"\"layers\":[{{\"mediaType\":\"{OciLayer}\",\"digest\":\"{DigestOf(EmptyLayer)}\",\"size\":{EmptyLayer.Length}}}],"
            + $"\"subject\":{{\"mediaType\":\"{subject.MediaType}\",\"digest\":\"{subject.ManifestDigest}\",\"size\":{subject.Manifest.Length}}},"
            + $"\"annotations\":{{\"org.example.note\":\"{annotation}\"}}}}");
        return new TestImage(EmptyLayer, config, manifest, OciManifest, "none");
    }

    /// <summary>An OCI image index over <paramref name="children"/>, each with its platform.</summary>
    public static byte[] Index(params TestImage[] children) => Encoding.UTF8.GetBytes(
        $"{{\"schemaVersion\":2,\"mediaType\":\"{OciIndex}\",\"manifests\":["
        + string.Join(",", children.Select(c =>
            $"{{\"mediaType\":\"{c.MediaType}\",\"digest\":\"{c.ManifestDigest}\",\"size\":{c.Manifest.Length},\"platform\":{{\"architecture\":\"{c.Architecture}\",\"os\":\"linux\"}}}}"))
        + "]}");

    public static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}

/// <summary>The requests of a push and a pull, as a client sends them.</summary>
internal static class RegistryClient
{
    public const string AcceptAll = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
        + "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>Uploads a blob with POST then PUT (the form every registry supports); returns the closing PUT's response.</summary>
    public static async Task<HttpResponseMessage> UploadBlobAsync(this HttpClient client, string repository, byte[] content, string? digest = null)
    {
        using HttpResponseMessage start = await client.PostAsync($"/v2/{repository}/blobs/uploads/", null);
        if (start.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            return await CloneAsync(start);
        }

        string location = AppendQuery(start.Headers.Location!, "digest=" + (digest ?? TestImage.DigestOf(content)));
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await client.PutAsync(location, body);
    }

    /// <summary>Pushes the blobs and the manifest of <paramref name="image"/> as <paramref name="reference"/>; returns the manifest PUT's response.</summary>
    public static async Task<HttpResponseMessage> PushAsync(this HttpClient client, string repository, TestImage image, string reference)
    {
        (await client.UploadBlobAsync(repository, image.Layer)).EnsureSuccessStatusCode();
        (await client.UploadBlobAsync(repository, image.Config)).EnsureSuccessStatusCode();
        return await client.PutManifestAsync(repository, reference, image.Manifest, image.MediaType);
    }

    public static Task<HttpResponseMessage> PutManifestAsync(this HttpClient client, string repository, string reference, byte[] manifest, string mediaType)
    {
        var body = new ByteArrayContent(manifest);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return client.PutAsync($"/v2/{repository}/manifests/{reference}", body);
    }

    public static Task<HttpResponseMessage> GetManifestAsync(this HttpClient client, string repository, string reference, HttpMethod? method = null, string accept = AcceptAll)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, $"/v2/{repository}/manifests/{reference}");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return client.SendAsync(request);
    }

    /// <summary>The error codes of an OCI error body, in order.</summary>
    public static async Task<string[]> ErrorCodesAsync(this HttpResponseMessage response) =>
        [.. (await ErrorsAsync(response)).Select(e => e.Code)];

    public static async Task<(string Code, string Message)[]> ErrorsAsync(this HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0)
        {
            return [];
        }

        using JsonDocument document = JsonDocument.Parse(text);
        return [.. document.RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("code").GetString()!, e.TryGetProperty("message", out JsonElement m) ? m.GetString() ?? string.Empty : string.Empty))];
    }

    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values)
        : string.Empty;

    public static string AppendQuery(Uri location, string query)
    {
        string text = location.OriginalString;
        return text + (text.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;
    }

    private static async Task<HttpResponseMessage> CloneAsync(HttpResponseMessage response)
    {
        var copy = new HttpResponseMessage(response.StatusCode) { Content = new ByteArrayContent(await response.Content.ReadAsByteArrayAsync()) };
        return copy;
    }
}
