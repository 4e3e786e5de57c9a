namespace TagImmutability.Server.Distribution;

/// <summary>The endpoints of the OCI distribution API, as the spec's endpoint table names them (end-1 … end-11, plus referrers).</summary>
internal enum DistributionEndpoint
{
    /// <summary>No endpoint matches the path.</summary>
    None,

    /// <summary><c>/v2/</c> (end-1).</summary>
    Base,

    /// <summary><c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c> (end-3, end-7, end-9).</summary>
    Manifest,

    /// <summary><c>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</c> (end-2, end-10).</summary>
    Blob,

    /// <summary><c>/v2/&lt;name&gt;/blobs/uploads/</c> (end-4a, end-4b, end-11).</summary>
    StartUpload,

    /// <summary><c>/v2/&lt;name&gt;/blobs/uploads/&lt;id&gt;</c> (end-5, end-6, status and cancel).</summary>
    Upload,

    /// <summary><c>/v2/&lt;name&gt;/tags/list</c> (end-8a, end-8b).</summary>
    TagsList,

    /// <summary><c>/v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> (end-12a, end-12b of distribution-spec v1.1).</summary>
    Referrers,
}

/// <summary>
/// A request path under <c>/v2/</c> split into its endpoint, the repository name's text and the last segment
/// (reference, digest or upload id). Names may contain slashes, so the path is read from its end: a name may even
/// contain a component called <c>manifests</c> or <c>blobs</c>. The name's text is not validated here.
/// </summary>
internal readonly record struct DistributionRoute(DistributionEndpoint Endpoint, string Name, string Reference)
{
    private const string TagsList = "/tags/list";
    private const string Uploads = "/blobs/uploads";

    /// <summary>Splits <paramref name="path"/>, the request path starting with <c>/v2</c>.</summary>
    public static DistributionRoute Parse(string path)
    {
        if (!path.StartsWith("/v2", StringComparison.Ordinal))
        {
            return default;
        }

        string rest = path[3..];
        if (rest.Length == 0 || rest == "/")
        {
            return new(DistributionEndpoint.Base, string.Empty, string.Empty);
        }

        rest = rest[1..];
        if (rest.EndsWith(TagsList, StringComparison.Ordinal))
        {
            return Named(DistributionEndpoint.TagsList, rest[..^TagsList.Length], string.Empty);
        }

        if (rest.EndsWith(Uploads + "/", StringComparison.Ordinal))
        {
            return Named(DistributionEndpoint.StartUpload, rest[..^(Uploads.Length + 1)], string.Empty);
        }

        if (rest.EndsWith(Uploads, StringComparison.Ordinal))
        {
            return Named(DistributionEndpoint.StartUpload, rest[..^Uploads.Length], string.Empty);
        }

        int slash = rest.LastIndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1)
        {
            return default;
        }

        string last = rest[(slash + 1)..];
        string before = rest[..slash];
        return before switch
        {
            _ when before.EndsWith("/manifests", StringComparison.Ordinal) => Named(DistributionEndpoint.Manifest, before[..^"/manifests".Length], last),
            _ when before.EndsWith(Uploads, StringComparison.Ordinal) => Named(DistributionEndpoint.Upload, before[..^Uploads.Length], last),
            _ when before.EndsWith("/blobs", StringComparison.Ordinal) => Named(DistributionEndpoint.Blob, before[..^"/blobs".Length], last),
            _ when before.EndsWith("/referrers", StringComparison.Ordinal) => Named(DistributionEndpoint.Referrers, before[..^"/referrers".Length], last),
            _ => default,
        };
    }

    private static DistributionRoute Named(DistributionEndpoint endpoint, string name, string reference) =>
        name.Length == 0 ? default : new(endpoint, name, reference);
}
