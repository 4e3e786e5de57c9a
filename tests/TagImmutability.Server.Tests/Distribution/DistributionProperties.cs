using System.Net;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace TagImmutability.Server.Tests.Distribution;

/// <summary>Invariants of the distribution API over one started server, checked on generated inputs.</summary>
public sealed class DistributionProperties : IAsyncLifetime
{
    private TestServer _server = null!;
    private int _repositories;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new RegistryServerOptions { CreateOnPush = true });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Property(MaxTest = 40)]
    public Property An_upload_in_chunks_of_any_sizes_stores_what_a_monolithic_upload_stores() =>
        Prop.ForAll(
            Gen.Choose(0, 5000).SelectMany(length => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length)).ToArbitrary(),
            Gen.ListOf(Gen.Choose(1, 1500)).ToArbitrary(),
            (content, cuts) => Run(async () =>
            {
                string repository = NewRepository();
                string digest = TestImage.DigestOf(content);
                using HttpResponseMessage start = await _server.Http.PostAsync($"/v2/{repository}/blobs/uploads/", null);
                Uri location = start.Headers.Location!;
                int offset = 0;
                foreach (int cut in cuts)
                {
                    int size = Math.Min(cut, content.Length - offset);
                    if (size == 0)
                    {
                        break;
                    }

                    using HttpResponseMessage chunk = await BlobEndpointTests.PatchAsync(_server.Http, location, content[offset..(offset + size)], $"{offset}-{offset + size - 1}");
                    if (chunk.StatusCode != HttpStatusCode.Accepted || chunk.Header("Range") != $"0-{offset + size - 1}")
                    {
                        return false;
                    }

                    location = chunk.Headers.Location!;
                    offset += size;
                }

                // The rest, if any, goes with the closing PUT.
                using HttpResponseMessage closed = await _server.Http.PutAsync(
                    RegistryClient.AppendQuery(location, "digest=" + digest), BlobEndpointTests.Octets(content[offset..]));
                byte[] chunked = await _server.Http.GetByteArrayAsync($"/v2/{repository}/blobs/{digest}");

                string other = NewRepository();
                using HttpResponseMessage monolithic = await _server.Http.PostAsync($"/v2/{other}/blobs/uploads/?digest={digest}", BlobEndpointTests.Octets(content));
                byte[] whole = await _server.Http.GetByteArrayAsync($"/v2/{other}/blobs/{digest}");
                return closed.StatusCode == HttpStatusCode.Created && monolithic.StatusCode == HttpStatusCode.Created
                    && closed.Header("Docker-Content-Digest") == digest && monolithic.Header("Docker-Content-Digest") == digest
                    && chunked.AsSpan().SequenceEqual(content) && whole.AsSpan().SequenceEqual(content);
            }));

    [Property(MaxTest = 25)]
    public Property Following_the_links_lists_every_tag_once_in_order() =>
        Prop.ForAll(
            Gen.NonEmptyListOf(Gen.Elements("a", "B", "c1", "C2", "latest", "v1.0", "v1.1", "V10", "x_y", "z-9", "0", "9z")).Select(l => l.Distinct().ToArray()).ToArbitrary(),
            Gen.Choose(1, 5).ToArbitrary(),
            (tags, n) => Run(async () =>
            {
                string repository = NewRepository();
                TestImage image = TestImage.Scratch("example-0001");
                foreach (string tag in tags)
                {
                    (await _server.Http.PushAsync(repository, image, tag)).EnsureSuccessStatusCode();
                }

                var seen = new List<string>();
                string? next = $"/v2/{repository}/tags/list?n={n}";
                while (next is not null)
                {
                    using HttpResponseMessage page = await _server.Http.GetAsync(next);
                    using JsonDocument body = JsonDocument.Parse(await page.Content.ReadAsStringAsync());
                    string[] pageTags = [.. body.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)];
                    if (pageTags.Length > n || (pageTags.Length < n && page.Header("Link").Length > 0))
                    {
                        return false;
                    }

                    seen.AddRange(pageTags);
                    string link = page.Header("Link");
                    next = link.Length == 0 ? null : link[1..link.IndexOf('>', StringComparison.Ordinal)];
                }

                string[] expected = [.. tags.Order(Server.Distribution.DistributionApi.TagOrder)];
                return seen.SequenceEqual(expected)
                    && expected.Zip(expected.Skip(1)).All(p => string.Compare(p.First, p.Second, StringComparison.OrdinalIgnoreCase) <= 0);
            }));

    private string NewRepository() => $"prop/r{Interlocked.Increment(ref _repositories)}";

    private static bool Run(Func<Task<bool>> property) => property().GetAwaiter().GetResult();
}
