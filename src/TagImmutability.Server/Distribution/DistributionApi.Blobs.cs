using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using TagImmutability.Server.Blobs;
using TagImmutability.Server.Journal;

namespace TagImmutability.Server.Distribution;

internal sealed partial class DistributionApi
{
    // GET and HEAD /v2/<name>/blobs/<digest> (end-2), with single byte ranges.
    private async Task GetBlobAsync(HttpContext context, DistributionRoute route, RepositoryName name, bool head)
    {
        if (!Digest.TryParse(route.Reference, out Digest digest))
        {
            await RefuseAsync(context, route, StatusCodes.Status400BadRequest, InvalidDigest(route.Reference)).ConfigureAwait(false);
            return;
        }

        if (!RepositoryExists(name))
        {
            await NameUnknownAsync(context, route, name).ConfigureAwait(false);
            return;
        }

        HttpResponse response = context.Response;
        string digestText = digest.ToString();
        Stream? content = _blobs.TryGetLength(name, digest, out _) ? _blobs.Store.OpenRead(digest) : null;
        if (content is null && _registry.TryGetImage(name, digest, out ImageDetail? image))
        {
            // A manifest is content too: the reference registry serves it by digest on the blob endpoint.
            content = new MemoryStream(image.Manifest.ToArray(), writable: false);
        }

        if (content is null)
        {
            await RefuseAsync(context, route, StatusCodes.Status404NotFound, new DistributionError(
                DistributionError.BlobUnknown,
                $"blob unknown to registry: the repository '{name}' holds no blob {digestText}",
                [new("digest", digestText)])).ConfigureAwait(false);
            return;
        }

        response.Headers[DigestHeader] = digestText;
        if (head)
        {
            await using (content.ConfigureAwait(false))
            {
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = OctetStream;
                response.ContentLength = content.Length;
                response.Headers.AcceptRanges = "bytes";
                response.Headers.ETag = string.Concat("\"", digestText, "\"");
            }

            return;
        }

        // Results.Stream answers Range requests (206 and 416) and disposes the stream.
        await Results.Stream(content, OctetStream, fileDownloadName: null, lastModified: null,
            entityTag: new EntityTagHeaderValue(string.Concat("\"", digestText, "\"")), enableRangeProcessing: true)
            .ExecuteAsync(context).ConfigureAwait(false);
    }

    // DELETE /v2/<name>/blobs/<digest> (end-10): unlinks the blob from the repository.
    private async Task DeleteBlobAsync(HttpContext context, DistributionRoute route, RepositoryName name)
    {
        if (!Digest.TryParse(route.Reference, out Digest digest))
        {
            await RefuseAsync(context, route, StatusCodes.Status400BadRequest, InvalidDigest(route.Reference)).ConfigureAwait(false);
            return;
        }

        if (!RepositoryExists(name))
        {
            await NameUnknownAsync(context, route, name).ConfigureAwait(false);
            return;
        }

        bool unlinked = await WriteAsync(write =>
        {
            if (write is not null && !_blobs.TryGetLength(name, digest, out _))
            {
                return false;
            }

            write?.Append(JournalRecord.UnlinkBlob(name, digest));
            return _blobs.Unlink(name, digest);
        }).ConfigureAwait(false);
        if (!unlinked)
        {
            await RefuseAsync(context, route, StatusCodes.Status404NotFound, new DistributionError(
                DistributionError.BlobUnknown, $"blob unknown to registry: the repository '{name}' holds no blob {digest}", [new("digest", digest.ToString())])).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
    }

    // POST /v2/<name>/blobs/uploads/ (end-4a, end-4b, end-11): a session, a monolithic upload, or a mount.
    private async Task StartUploadAsync(HttpContext context, DistributionRoute route, RepositoryName name)
    {
        if (!await EnsureRepositoryAsync(name).ConfigureAwait(false))
        {
            await NameUnknownAsync(context, route, name).ConfigureAwait(false);
            return;
        }

        IQueryCollection query = context.Request.Query;
        if (query.TryGetValue("mount", out var mountText))
        {
            if (!Digest.TryParse(mountText.ToString(), out Digest mount))
            {
                await RefuseAsync(context, route, StatusCodes.Status400BadRequest, InvalidDigest(mountText.ToString())).ConfigureAwait(false);
                return;
            }

            if (await TryMountAsync(name, mount, query["from"].ToString()).ConfigureAwait(false))
            {
                BlobCreated(context, name, mount);
                return;
            }

            // Not mountable: the spec asks for a new upload session instead.
        }

        if (query.TryGetValue("digest", out var digestText))
        {
            if (!Digest.TryParse(digestText.ToString(), out Digest expected))
            {
                await RefuseAsync(context, route, StatusCodes.Status400BadRequest, InvalidDigest(digestText.ToString())).ConfigureAwait(false);
                return;
            }

            IBlobUpload upload = _blobs.Store.BeginUpload();
            try
            {
                if (!await AppendAsync(context, route, upload).ConfigureAwait(false)
                    || !await CommitAsync(context, route, name, upload, expected).ConfigureAwait(false))
                {
                    return;
                }
            }
            finally
            {
                upload.Dispose();
            }

            return;
        }

        IBlobUpload started = _blobs.Store.BeginUpload();
        UploadSession? session = _uploads.Start(name, started);
        if (session is null)
        {
            started.Dispose();
            await RefuseAsync(context, route, StatusCodes.Status429TooManyRequests, new DistributionError(
                DistributionError.TooManyRequests,
                $"too many requests: {Text(UploadSessions.MaxOpenSessions)} upload sessions are open; finish or cancel some, or wait for idle ones to expire")).ConfigureAwait(false);
            return;
        }

        WriteSessionHeaders(context, session);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
    }

    private async Task<bool> TryMountAsync(RepositoryName name, Digest digest, string from)
    {
        // No source named: the registry may find the blob itself (distribution spec v1.1, "Mounting a blob").
        if (from.Length > 0 && !(RepositoryName.TryParse(from, _grammar, out RepositoryName source) && _blobs.TryGetLength(source, digest, out _)))
        {
            return false;
        }

        return await WriteAsync(write =>
        {
            if (write is not null)
            {
                // Under the journal's lock no unlink runs, so the content checked here is the content linked.
                if (!_blobs.ExistsAnywhere(digest))
                {
                    return false;
                }

                write.Append(JournalRecord.LinkBlob(name, digest));
            }

            return _blobs.TryLink(name, digest);
        }).ConfigureAwait(false);
    }

    // GET <location>: the session's progress.
    private async Task UploadStatusAsync(HttpContext context, DistributionRoute route, RepositoryName name)
    {
        UploadSession? session = await AcquireAsync(context, route, name).ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        try
        {
            WriteSessionHeaders(context, session);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        finally
        {
            session.Gate.Release();
        }
    }

    // PATCH <location> (end-5): appends a chunk, which must start where the upload ends.
    private async Task PatchUploadAsync(HttpContext context, DistributionRoute route, RepositoryName name)
    {
        UploadSession? session = await AcquireAsync(context, route, name).ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        try
        {
            if (!await AppendChunkAsync(context, route, session).ConfigureAwait(false))
            {
                return;
            }

            WriteSessionHeaders(context, session);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentLength = 0;
        }
        finally
        {
            _uploads.Touch(session);
            session.Gate.Release();
        }
    }

    // PUT <location>?digest= (end-6): appends the last chunk, if any, verifies the digest and commits.
    private async Task CompleteUploadAsync(HttpContext context, DistributionRoute route, RepositoryName name)
    {
        UploadSession? session = await AcquireAsync(context, route, name).ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        try
        {
            string digestText = context.Request.Query["digest"].ToString();
            if (!Digest.TryParse(digestText, out Digest expected))
            {
                await RefuseAsync(context, route, StatusCodes.Status400BadRequest, InvalidDigest(digestText)).ConfigureAwait(false);
                return;
            }

            if (!await AppendChunkAsync(context, route, session).ConfigureAwait(false))
            {
                return;
            }

            // Whatever the outcome, the session ends: a verified blob is committed, a mismatch is discarded.
            _uploads.Close(session, dispose: false);
            try
            {
                _ = await CommitAsync(context, route, name, session.Upload, expected).ConfigureAwait(false);
            }
            finally
            {
                session.Upload.Dispose();
            }
        }
        finally
        {
            _uploads.Touch(session);
            session.Gate.Release();
        }
    }

    // DELETE <location>: cancels the session.
    private async Task CancelUploadAsync(HttpContext context, DistributionRoute route, RepositoryName name)
    {
        UploadSession? session = await AcquireAsync(context, route, name).ConfigureAwait(false);
        if (session is null)
        {
            return;
        }

        try
        {
            _uploads.Close(session, dispose: true);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            context.Response.ContentLength = 0;
        }
        finally
        {
            session.Gate.Release();
        }
    }

    private async Task<UploadSession?> AcquireAsync(HttpContext context, DistributionRoute route, RepositoryName name)
    {
        UploadSession? session = Guid.TryParseExact(route.Reference, "D", out _)
            ? await _uploads.AcquireAsync(route.Reference, name, context.RequestAborted).ConfigureAwait(false)
            : null;
        if (session is null)
        {
            await RefuseAsync(context, route, StatusCodes.Status404NotFound, new DistributionError(
                DistributionError.BlobUploadUnknown,
                $"blob upload unknown to registry: no open upload session '{route.Reference}' in the repository '{name}' (sessions expire after {_options.UploadSessionTimeout} without a request)",
                [new("session", route.Reference)])).ConfigureAwait(false);
        }

        return session;
    }

    // Appends a PATCH or closing PUT body, honouring Content-Range: a chunk must start where the upload ends (else
    // 416) and be as long as its range says (else SIZE_INVALID, and the chunk is dropped).
    private async Task<bool> AppendChunkAsync(HttpContext context, DistributionRoute route, UploadSession session)
    {
        IBlobUpload upload = session.Upload;
        long start = upload.Length;
        string? range = context.Request.Headers.ContentRange;
        long? expectedLength = null;
        if (!string.IsNullOrEmpty(range))
        {
            if (!TryParseChunkRange(range, out long first, out long last) || first != start)
            {
                WriteSessionHeaders(context, session);
                await RefuseAsync(context, route, StatusCodes.Status416RangeNotSatisfiable, new DistributionError(
                    DistributionError.BlobUploadInvalid,
                    $"the chunk's Content-Range '{range}' does not start where the upload ends: the next byte expected is {Text(start)}",
                    [new("range", range)])).ConfigureAwait(false);
                return false;
            }

            expectedLength = last - first + 1;
        }

        if (!await AppendAsync(context, route, upload).ConfigureAwait(false))
        {
            return false;
        }

        if (expectedLength is { } length && upload.Length - start != length)
        {
            long received = upload.Length - start;
            upload.Truncate(start);
            await RefuseAsync(context, route, StatusCodes.Status400BadRequest, new DistributionError(
                DistributionError.SizeInvalid,
                $"provided length did not match content length: Content-Range '{range}' announces {Text(length)} bytes, the body had {Text(received)}")).ConfigureAwait(false);
            return false;
        }

        return true;
    }

    // Streams the request body into the upload, within the per-blob cap; answers the refusal itself on a limit.
    private async Task<bool> AppendAsync(HttpContext context, DistributionRoute route, IBlobUpload upload)
    {
        long maximum = _options.MaxBlobSizeInBytes;
        if (context.Request.ContentLength is { } declared && upload.Length + declared > maximum)
        {
            await RefuseLimitAsync(context, route, BlobLimitException.BlobTooLarge(maximum)).ConfigureAwait(false);
            return false;
        }

        AllowBody(context, maximum);
        try
        {
            _ = await upload.AppendAsync(context.Request.Body, maximum, context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        catch (BlobLimitException limit)
        {
            await RefuseLimitAsync(context, route, limit).ConfigureAwait(false);
            return false;
        }
    }

    private Task RefuseLimitAsync(HttpContext context, DistributionRoute route, BlobLimitException limit) =>
        limit.Limit == BlobLimit.BlobSize
            ? RefuseAsync(context, route, StatusCodes.Status413PayloadTooLarge, new DistributionError(
                DistributionError.SizeInvalid, limit.Message, [new("limit", Text(limit.Maximum))]))
            : RefuseAsync(context, route, StatusCodes.Status507InsufficientStorage, new DistributionError(
                DistributionError.BlobUploadInvalid, limit.Message, [new("capacity", Text(limit.Maximum))]));

    // Verifies the digest of everything uploaded and commits the blob into the repository; answers either way.
    private async Task<bool> CommitAsync(HttpContext context, DistributionRoute route, RepositoryName name, IBlobUpload upload, Digest expected)
    {
        Digest actual = upload.ComputeDigest(expected.Algorithm);
        if (actual != expected)
        {
            await RefuseAsync(context, route, StatusCodes.Status400BadRequest, new DistributionError(
                DistributionError.DigestInvalid,
                $"provided digest did not match uploaded content: the {Text(upload.Length)} bytes uploaded have the digest {actual}",
                [new("digest", expected.ToString())])).ConfigureAwait(false);
            return false;
        }

        if (_journal is null)
        {
            _blobs.CommitAndLink(name, expected, upload);
        }
        else
        {
            // The content is on disk before the lock, named (and its directory flushed) before the record, and the
            // record on disk before the link and the answer: a journaled link always names durable content.
            upload.FlushToDisk();
            _ = await _journal.WriteAsync(write =>
            {
                upload.Commit(expected);
                write.Append(JournalRecord.LinkBlob(name, expected));
                _blobs.LinkCommitted(name, expected);
                return true;
            }).ConfigureAwait(false);
        }

        BlobCreated(context, name, expected);
        return true;
    }

    private static void BlobCreated(HttpContext context, RepositoryName name, Digest digest)
    {
        string digestText = digest.ToString();
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"/v2/{name}/blobs/{digestText}";
        context.Response.Headers[DigestHeader] = digestText;
        context.Response.ContentLength = 0;
    }

    private static void WriteSessionHeaders(HttpContext context, UploadSession session)
    {
        long length = session.Upload.Length;
        context.Response.Headers.Location = session.Location;
        context.Response.Headers[UploadUuidHeader] = session.Id;

        // As the reference registry does, an empty upload reports "0-0".
        context.Response.Headers.Range = string.Concat("0-", Text(Math.Max(0, length - 1)));
    }

    // Content-Range of a chunk: "<first>-<last>", inclusive (distribution spec, chunked upload); "bytes " is tolerated.
    private static bool TryParseChunkRange(string text, out long first, out long last)
    {
        first = last = 0;
        ReadOnlySpan<char> value = text.AsSpan().Trim();
        if (value.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase))
        {
            value = value["bytes ".Length..];
        }

        int slash = value.IndexOf('/');
        if (slash >= 0)
        {
            value = value[..slash];
        }

        int dash = value.IndexOf('-');
        return dash > 0
            && long.TryParse(value[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out first)
            && long.TryParse(value[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out last)
            && last >= first;
    }
}
