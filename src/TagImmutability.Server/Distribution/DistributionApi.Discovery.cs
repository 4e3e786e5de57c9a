using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TagImmutability.Server.Distribution;

internal sealed partial class DistributionApi
{
    /// <summary>
    /// The order of the tags list: the spec's "lexical order (i.e. case-insensitive alphanumeric order)", with an
    /// ordinal tie-break so that tags differing only in case keep one fixed order.
    /// </summary>
    internal static readonly Comparer<string> TagOrder = Comparer<string>.Create(static (a, b) =>
    {
        int ignoringCase = string.Compare(a, b, StringComparison.OrdinalIgnoreCase);
        return ignoringCase != 0 ? ignoringCase : string.CompareOrdinal(a, b);
    });

    // GET /v2/<name>/tags/list[?n=&last=] (end-8a, end-8b).
    private async Task ListTagsAsync(HttpContext context, DistributionRoute route, RepositoryName name)
    {
        IQueryCollection query = context.Request.Query;
        int? n = null;
        if (query.TryGetValue("n", out var nText))
        {
            if (!int.TryParse(nText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            {
                await RefuseAsync(context, route, StatusCodes.Status400BadRequest, new DistributionError(
                    DistributionError.Unsupported, $"n must be a non-negative integer, not '{nText}'", [new("n", nText.ToString())])).ConfigureAwait(false);
                return;
            }

            n = count;
        }

        string? last = query.TryGetValue("last", out var lastText) ? lastText.ToString() : null;
        TagListing tags;
        try
        {
            tags = new TagListing(_registry.ListImages(name, TagStatus.Tagged));
        }
        catch (RepositoryNotFoundException)
        {
            await NameUnknownAsync(context, route, name).ConfigureAwait(false);
            return;
        }

        string[] ordered = tags.Sorted();
        int start = 0;
        if (last is not null)
        {
            // Tags strictly after `last` in the list's order, whether or not `last` is itself a tag.
            start = Array.BinarySearch(ordered, last, TagOrder);
            start = start >= 0 ? start + 1 : ~start;
        }

        int take = Math.Min(n ?? int.MaxValue, ordered.Length - start);
        ArraySegment<string> page = new(ordered, start, Math.Max(0, take));
        if (n is > 0 && start + take < ordered.Length)
        {
            string next = Uri.EscapeDataString(page[^1]);
            context.Response.Headers.Link = $"</v2/{name}/tags/list?n={Text(n.Value)}&last={next}>; rel=\"next\"";
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, JsonOptions.Writer))
        {
            json.WriteStartObject();
            json.WriteString("name", name.Value);
            json.WriteStartArray("tags");
            foreach (string tag in page)
            {
                json.WriteStringValue(tag);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, buffer.WrittenMemory).ConfigureAwait(false);
    }

    // GET /v2/<name>/referrers/<digest>[?artifactType=] (distribution spec v1.1, "Listing Referrers"): an image index
    // of the manifests whose subject is <digest>. Never 404 for a well-formed request: no referrers is an empty index.
    private async Task ListReferrersAsync(HttpContext context, DistributionRoute route, RepositoryName name)
    {
        if (!Digest.TryParse(route.Reference, out Digest subject))
        {
            await RefuseAsync(context, route, StatusCodes.Status400BadRequest, InvalidDigest(route.Reference)).ConfigureAwait(false);
            return;
        }

        string? artifactType = context.Request.Query.TryGetValue("artifactType", out var filter) ? filter.ToString() : null;
        IEnumerable<ImageDetail> images;
        try
        {
            images = _registry.DescribeImages(name, TagStatus.Any);
        }
        catch (RepositoryNotFoundException)
        {
            images = [];
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, JsonOptions.Writer))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", MediaType.OciImageIndex.Value);
            json.WriteStartArray("manifests");
            foreach (ImageDetail image in images.Where(i => i.SubjectDigest == subject).OrderBy(i => i.Digest))
            {
                Manifest manifest = ManifestParser.Parse(image.Manifest, image.ManifestMediaType).Manifest;
                MediaType? type = manifest.ArtifactType ?? (manifest as ImageManifest)?.Config.MediaType;
                if (artifactType is not null && !string.Equals(type?.Value, artifactType, StringComparison.Ordinal))
                {
                    continue;
                }

                json.WriteStartObject();
                json.WriteString("mediaType", image.ManifestMediaType.Value);
                json.WriteString("digest", image.Digest.ToString());
                json.WriteNumber("size", image.Manifest.Length);
                if (type is { } known)
                {
                    json.WriteString("artifactType", known.Value);
                }

                if (manifest.Annotations.Count > 0)
                {
                    json.WriteStartObject("annotations");
                    foreach (KeyValuePair<string, string> annotation in manifest.Annotations)
                    {
                        json.WriteString(annotation.Key, annotation.Value);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        if (artifactType is not null)
        {
            context.Response.Headers["OCI-Filters-Applied"] = "artifactType";
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK, buffer.WrittenMemory, MediaType.OciImageIndex.Value).ConfigureAwait(false);
    }

    /// <summary>The distinct tags of a repository's listing.</summary>
    private readonly struct TagListing(System.Collections.Immutable.ImmutableArray<ImageId> ids)
    {
        public string[] Sorted()
        {
            var tags = new HashSet<string>(StringComparer.Ordinal);
            foreach (ImageId id in ids)
            {
                if (id.Tag is { } tag)
                {
                    tags.Add(tag.Value);
                }
            }

            string[] sorted = [.. tags];
            Array.Sort(sorted, TagOrder);
            return sorted;
        }
    }
}
