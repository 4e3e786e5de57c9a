using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using TagImmutability.Server.Journal;

namespace TagImmutability.Server.Distribution;

internal sealed partial class DistributionApi
{
    // GET and HEAD /v2/<name>/manifests/<reference> (end-3): the hot path of every pull.
    private Task GetManifestAsync(HttpContext context, DistributionRoute route, RepositoryName name, bool head)
    {
        Digest digest;
        if (IsDigest(route.Reference))
        {
            if (!Digest.TryParse(route.Reference, out digest))
            {
                return RefuseAsync(context, route, StatusCodes.Status400BadRequest, InvalidDigest(route.Reference));
            }
        }
        else if (!Tag.TryParse(route.Reference, _grammar, out Tag tag) || !_registry.TryResolveTag(name, tag, out digest))
        {
            return ManifestUnknownAsync(context, route, name);
        }

        if (!_registry.TryGetImage(name, digest, out ImageDetail? image))
        {
            return ManifestUnknownAsync(context, route, name);
        }

        string mediaType = image.ManifestMediaType.Value;
        if (!MediaTypeNegotiation.Accepts(context.Request.Headers.Accept, mediaType))
        {
            return RefuseAsync(context, route, StatusCodes.Status404NotFound, new DistributionError(
                DistributionError.ManifestUnknown,
                $"the manifest is a {mediaType}, which the request's Accept header does not list",
                [new("mediaType", mediaType)]));
        }

        HttpResponse response = context.Response;
        string digestText = digest.ToString();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = mediaType;
        response.ContentLength = image.Manifest.Length;
        response.Headers[DigestHeader] = digestText;
        response.Headers.ETag = string.Concat("\"", digestText, "\"");
        return head ? Task.CompletedTask : response.Body.WriteAsync(image.Manifest, context.RequestAborted).AsTask();
    }

    private Task ManifestUnknownAsync(HttpContext context, DistributionRoute route, RepositoryName name) =>
        RepositoryExists(name)
            ? RefuseAsync(context, route, StatusCodes.Status404NotFound, new DistributionError(
                DistributionError.ManifestUnknown,
                $"manifest unknown: '{route.Reference}' names no manifest in the repository '{name}'",
                [new(IsDigest(route.Reference) ? "digest" : "tag", route.Reference)]))
            : NameUnknownAsync(context, route, name);

    // PUT /v2/<name>/manifests/<reference> (end-7), with ?tag= on a push by digest.
    private async Task PutManifestAsync(HttpContext context, DistributionRoute route, RepositoryName name)
    {
        Digest? byDigest = null;
        var tags = new List<Tag>(1);
        if (IsDigest(route.Reference))
        {
            if (!Digest.TryParse(route.Reference, out Digest digest))
            {
                await RefuseAsync(context, route, StatusCodes.Status400BadRequest, InvalidDigest(route.Reference)).ConfigureAwait(false);
                return;
            }

            byDigest = digest;
            foreach (string? text in context.Request.Query["tag"])
            {
                if (!Tag.TryParse(text, _grammar, out Tag extra))
                {
                    await RefuseAsync(context, route, StatusCodes.Status400BadRequest, InvalidTag(text ?? string.Empty)).ConfigureAwait(false);
                    return;
                }

                if (!tags.Contains(extra))
                {
                    tags.Add(extra);
                }
            }
        }
        else if (Tag.TryParse(route.Reference, _grammar, out Tag tag))
        {
            tags.Add(tag);
        }
        else
        {
            await RefuseAsync(context, route, StatusCodes.Status400BadRequest, InvalidTag(route.Reference)).ConfigureAwait(false);
            return;
        }

        byte[]? body = await ReadManifestAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await RefuseAsync(context, route, StatusCodes.Status413PayloadTooLarge, new DistributionError(
                DistributionError.ManifestInvalid,
                $"manifest invalid: it is larger than the registry's limit of {Text(_maxManifestBytes)} bytes",
                [new("limit", Text(_maxManifestBytes))])).ConfigureAwait(false);
            return;
        }

        MediaType? mediaType = MediaTypeNegotiation.ParseContentType(context.Request.ContentType);
        if (!ManifestParser.TryParse(body, mediaType, null, out ParsedManifest? parsed, out ManifestInvalidException? invalid))
        {
            await RefuseAsync(context, route, StatusCodes.Status400BadRequest, new DistributionError(
                DistributionError.ManifestInvalid, $"manifest invalid: {invalid!.Message}")).ConfigureAwait(false);
            return;
        }

        if (!await EnsureRepositoryAsync(name).ConfigureAwait(false))
        {
            await NameUnknownAsync(context, route, name).ConfigureAwait(false);
            return;
        }

        List<DistributionError> missing = MissingBlobs(name, parsed!.Manifest);
        if (missing.Count > 0)
        {
            await RefuseAsync(context, route, StatusCodes.Status400BadRequest, missing).ConfigureAwait(false);
            return;
        }

        // Several tags in one push: all of them are refused when one of them would be, so that a refused push changes
        // nothing (RegistryWrites.PushManifest, which the journal's replay runs too).
        TagWriteDecision? refusal;
        try
        {
            refusal = await WriteAsync(write =>
            {
                write?.Append(JournalRecord.PushManifest(name, body, mediaType, parsed.Digest, byDigest, tags));
                return RegistryWrites.PushManifest(_registry, name, body, mediaType, parsed.Digest, byDigest, tags);
            }).ConfigureAwait(false);
        }
        catch (ImageTagAlreadyExistsException error)
        {
            await RefuseImmutableAsync(context, route, name, error.Tag, error.ExistingDigest, error.AttemptedDigest).ConfigureAwait(false);
            return;
        }
        catch (RepositoryNotFoundException)
        {
            await NameUnknownAsync(context, route, name).ConfigureAwait(false);
            return;
        }
        catch (ImageDigestDoesNotMatchException error)
        {
            await RefuseAsync(context, route, StatusCodes.Status400BadRequest, new DistributionError(
                DistributionError.DigestInvalid,
                $"provided digest did not match uploaded content: the manifest's digest is {error.ComputedDigest}",
                [new("digest", error.ProvidedDigest.ToString())])).ConfigureAwait(false);
            return;
        }
        catch (ReferencedImagesNotFoundException error)
        {
            await RefuseAsync(context, route, StatusCodes.Status400BadRequest, [.. error.MissingDigests.Select(d => new DistributionError(
                DistributionError.ManifestBlobUnknown,
                $"the index references the manifest {d}, which the repository '{name}' does not hold",
                [new("digest", d.ToString())]))]).ConfigureAwait(false);
            return;
        }
        catch (InvalidParameterException error)
        {
            bool tagProblem = string.Equals(error.Parameter, "imageTag", StringComparison.Ordinal);
            await RefuseAsync(context, route, StatusCodes.Status400BadRequest, new DistributionError(
                tagProblem ? DistributionError.TagInvalid : DistributionError.ManifestInvalid, error.Message)).ConfigureAwait(false);
            return;
        }
        catch (LimitExceededException error)
        {
            // ECR answers its tag and image quotas with 403 on the registry API (specification, section (a)).
            await RefuseAsync(context, route, StatusCodes.Status403Forbidden, new DistributionError(DistributionError.Denied, error.Message)).ConfigureAwait(false);
            return;
        }

        if (refusal is { } refused)
        {
            await RefuseImmutableAsync(context, route, name, refused.Tag, refused.ExistingDigest ?? parsed.Digest, parsed.Digest).ConfigureAwait(false);
            return;
        }

        HttpResponse response = context.Response;
        string digestText = parsed.Digest.ToString();
        response.StatusCode = StatusCodes.Status201Created;
        response.Headers.Location = $"/v2/{name}/manifests/{digestText}";
        response.Headers[DigestHeader] = digestText;
        if (parsed.Subject is { } subject)
        {
            response.Headers["OCI-Subject"] = subject.Digest.ToString();
        }

        if (byDigest is not null && tags.Count > 0)
        {
            response.Headers["OCI-Tag"] = new StringValues([.. tags.Select(t => t.Value)]);
        }

        response.ContentLength = 0;
    }

    private Task RefuseImmutableAsync(HttpContext context, DistributionRoute route, RepositoryName name, Tag tag, Digest existing, Digest attempted)
    {
        TagMutabilityPolicy? policy = null;
        try
        {
            policy = _registry.GetRepository(name).Policy;
        }
        catch (RepositoryNotFoundException)
        {
        }

        RegistryError error = DialectError(name, tag, existing, attempted, policy);
        string rule = policy is null ? "unknown" : TagMutabilityPolicy.EcrName(policy.Mode);
        string reason = "immutable tag";
        if (policy is not null)
        {
            TagMutabilityRuling ruling = policy.Rule(tag.Value);
            reason = ruling.MatchedFilter is { } filter ? $"{ruling.Reason}, filter '{filter}'" : ruling.Reason.ToString();
        }

        _log.ImmutableTagRefused(name.Value, tag.Value, existing.ToString(), attempted.ToString(), rule, reason, error.HttpStatus, error.Code);
        return DistributionError.WriteAsync(context, error.HttpStatus, [new DistributionError(error.Code, error.Message)]);
    }

    // The refusal in the configured dialect, from the policy engine's decision for the same push.
    private RegistryError DialectError(RepositoryName name, Tag tag, Digest existing, Digest attempted, TagMutabilityPolicy? policy)
    {
        PolicyDecision decision = ImmutabilityPolicy.Ecr(policy ?? TagMutabilityPolicy.Immutable)
            .DecidePush(name.Value, tag, new TagBinding(tag, existing), attempted);
        if (decision.IsAllowed)
        {
            // The policy changed between the push and this answer: answer for the policy that refused it.
            decision = ImmutabilityPolicy.Ecr(TagMutabilityPolicy.Immutable).DecidePush(name.Value, tag, new TagBinding(tag, existing), attempted);
        }

        return decision.ToRegistryError(_options.ErrorDialect);
    }

    private List<DistributionError> MissingBlobs(RepositoryName name, Manifest manifest)
    {
        var missing = new List<DistributionError>();
        if (manifest is not ImageManifest image)
        {
            return missing;
        }

        foreach (Descriptor descriptor in image.Layers.Prepend(image.Config))
        {
            // Foreign layers (with urls) are not pushed to the registry; Docker and the reference registry skip them.
            if (descriptor.Urls.IsDefaultOrEmpty && !_blobs.TryGetLength(name, descriptor.Digest, out _)
                && !missing.Exists(e => string.Equals(e.Detail![0].Value, descriptor.Digest.ToString(), StringComparison.Ordinal)))
            {
                missing.Add(new DistributionError(
                    DistributionError.ManifestBlobUnknown,
                    $"the manifest references the blob {descriptor.Digest}, which the repository '{name}' does not hold; push it first",
                    [new("digest", descriptor.Digest.ToString())]));
            }
        }

        return missing;
    }

    // Reads the body up to the manifest limit; null when it is larger.
    private async Task<byte[]?> ReadManifestAsync(HttpContext context)
    {
        long? declared = context.Request.ContentLength;
        if (declared > _maxManifestBytes)
        {
            return null;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(declared is { } known ? (int)known + 1 : 16 * 1024);
        try
        {
            int length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, _maxManifestBytes + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                length += read;
                if (length > _maxManifestBytes)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // DELETE /v2/<name>/manifests/<reference> (end-9): by digest deletes the image, by tag removes only the tag.
    private async Task DeleteManifestAsync(HttpContext context, DistributionRoute route, RepositoryName name)
    {
        ImageId id;
        if (IsDigest(route.Reference))
        {
            if (!Digest.TryParse(route.Reference, out Digest digest))
            {
                await RefuseAsync(context, route, StatusCodes.Status400BadRequest, InvalidDigest(route.Reference)).ConfigureAwait(false);
                return;
            }

            id = ImageId.ForDigest(digest);
        }
        else if (Tag.TryParse(route.Reference, _grammar, out Tag tag))
        {
            id = ImageId.ForTag(tag);
        }
        else
        {
            await ManifestUnknownAsync(context, route, name).ConfigureAwait(false);
            return;
        }

        BatchDeleteImageResult result;
        try
        {
            result = await WriteAsync(write =>
            {
                write?.Append(JournalRecord.DeleteManifest(name, id));
                return RegistryWrites.DeleteManifest(_registry, name, id);
            }).ConfigureAwait(false);
        }
        catch (RepositoryNotFoundException)
        {
            await NameUnknownAsync(context, route, name).ConfigureAwait(false);
            return;
        }

        if (!result.Failures.IsDefaultOrEmpty)
        {
            ImageFailure failure = result.Failures[0];
            (int status, string code) = failure.FailureCode switch
            {
                ImageFailureCode.ImageNotFound => (StatusCodes.Status404NotFound, DistributionError.ManifestUnknown),
                ImageFailureCode.ImageReferencedByManifestList => (StatusCodes.Status409Conflict, DistributionError.Denied),
                _ => (StatusCodes.Status400BadRequest, DistributionError.ManifestInvalid),
            };
            await RefuseAsync(context, route, status, new DistributionError(code, failure.FailureReason, [new("reference", route.Reference)])).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentLength = 0;
    }

    private static bool IsDigest(string reference) => reference.Contains(':', StringComparison.Ordinal);

    private static DistributionError InvalidDigest(string text) => new(
        DistributionError.DigestInvalid,
        $"invalid digest '{text}': a digest is an algorithm, ':' and the lowercase hex encoding of the hash, such as sha256: and 64 hex characters",
        [new("digest", text)]);

    private DistributionError InvalidTag(string text)
    {
        string message;
        try
        {
            _ = Tag.Parse(text, _grammar);
            message = $"invalid tag '{text}'";
        }
        catch (InvalidTagException error)
        {
            message = error.Message;
        }

        return new DistributionError(DistributionError.TagInvalid, message, [new("tag", text)]);
    }
}
