using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using TagImmutability.Cli.Serve;
using TagImmutability.Server;

namespace TagImmutability.Cli.Tests.Serve;

public sealed class ServeOptionsTests
{
    [Fact]
    public void The_options_become_the_servers_settings()
    {
        var error = new StringWriter();
        RegistryServerOptions options = ServeCommand.BuildOptions(0, "immutable_with_exclusion", ["latest", "dev-*"], true, "/tmp/blobs", "210987654321", "eu-west-1", "harbor", error)!;
        Assert.Equal(ImageTagMutability.ImmutableWithExclusion, options.CreateOnPushPolicy.Mode);
        Assert.Equal(["latest", "dev-*"], options.CreateOnPushPolicy.Filters.Select(f => f.ToString()));
        Assert.True(options.CreateOnPush);
        Assert.Equal("/tmp/blobs", options.DataDirectory);
        Assert.Equal(("210987654321", "eu-west-1"), (options.Registry.RegistryId, options.Registry.Region));
        Assert.Equal(RegistryErrorDialect.Harbor, options.ErrorDialect);
        Assert.Equal(IPAddress.Loopback, options.BindAddress);
        Assert.Equal(string.Empty, error.ToString());
    }

    [Theory]
    [InlineData(5000, "SOMETIMES", new string[0], "ecr", "--mutability 'SOMETIMES' is not one of")]
    [InlineData(5000, "MUTABLE", new[] { "latest" }, "ecr", "imageTagMutabilityExclusionFilters")]
    [InlineData(5000, "IMMUTABLE_WITH_EXCLUSION", new string[0], "ecr", "imageTagMutabilityExclusionFilters")]
    [InlineData(5000, "IMMUTABLE_WITH_EXCLUSION", new[] { "a/b" }, "ecr", "--exclude")]
    [InlineData(5000, "MUTABLE", new string[0], "artifactory", "--profile 'artifactory' is not one of")]
    [InlineData(70000, "MUTABLE", new string[0], "ecr", "--port 70000 is not a TCP port")]
    public void Bad_options_are_named_and_refused(int port, string mutability, string[] excludes, string profile, string expected)
    {
        var error = new StringWriter();
        Assert.Null(ServeCommand.BuildOptions(port, mutability, excludes, true, null, null, null, profile, error));
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_registry_id_that_is_not_12_digits_is_refused()
    {
        var error = new StringWriter();
        Assert.Null(ServeCommand.BuildOptions(0, "MUTABLE", [], false, null, "12345", null, "ecr", error));
        Assert.StartsWith("tagimm: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_without_create_on_push_gets_a_note_on_where_it_applies()
    {
        var error = new StringWriter();
        Assert.NotNull(ServeCommand.BuildOptions(0, "IMMUTABLE", [], false, null, null, null, "ecr", error));
        Assert.Contains("apply to repositories created on push", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_parses_into_the_serve_command()
    {
        CliRun run = CliHarness.Tagimm("serve", "--mutability", "SOMETIMES");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--mutability 'SOMETIMES'", run.Error, StringComparison.Ordinal);
    }
}

/// <summary><c>tagimm serve</c> as a real process: it prints its URL, serves, and stops cleanly on SIGINT (Ctrl-C) and SIGTERM.</summary>
public sealed class ServeProcessTests
{
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task Serve_prints_its_url_serves_the_policy_and_stops_cleanly_on_a_signal(string signal)
    {
        // env --default-signal: a test host started in the background may ignore SIGINT, and a child inherits that.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "tagimm.dll"), "serve", "--port", "0", "--create-on-push", "--mutability", "IMMUTABLE" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        try
        {
            Task<string> errors = process.StandardError.ReadToEndAsync();
            string first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? string.Empty;
            Assert.StartsWith("tagimm: serving http://127.0.0.1:", first, StringComparison.Ordinal);
            Assert.Contains("create on push: IMMUTABLE", first, StringComparison.Ordinal);
            string url = first["tagimm: serving ".Length..first.IndexOf(' ', "tagimm: serving ".Length)];

            using var http = new HttpClient { BaseAddress = new Uri(url) };
            Assert.Equal(HttpStatusCode.Created, await PushAsync(http, "example-0001"));
            Assert.Equal(HttpStatusCode.BadRequest, await PushAsync(http, "example-0002"));

            using (Process kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            string rest = await process.StandardOutput.ReadToEndAsync();
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("tagimm: stopped", rest, StringComparison.Ordinal);
            Assert.Contains("Refused manifest push to app:latest", await errors + rest, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    // Pushes a FROM scratch image labelled maintainer=<label> as app:latest with monolithic blob uploads.
    private static async Task<HttpStatusCode> PushAsync(HttpClient http, string label)
    {
        byte[] layer = Convert.FromHexString("1f8b08000000000000ff621805a360148c5800080000ffff2eafb5ef00040000");
        byte[] config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{\"Labels\":{{\"maintainer\":\"{label}\"}}}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef\"]}}}}");
        foreach (byte[] blob in new[] { layer, config })
        {
            using var content = new ByteArrayContent(blob);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            (await http.PostAsync($"/v2/app/blobs/uploads/?digest={DigestOf(blob)}", content)).EnsureSuccessStatusCode();
        }

        byte[] manifest = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{DigestOf(config)}\",\"size\":{config.Length}}},"
            + $"\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"{DigestOf(layer)}\",\"size\":{layer.Length}}}]}}");
        using var body = new ByteArrayContent(manifest);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
        using HttpResponseMessage response = await http.PutAsync("/v2/app/manifests/latest", body);
        return response.StatusCode;
    }

    private static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
}
