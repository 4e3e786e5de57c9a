using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TagImmutability.Ecr;

namespace TagImmutability;

// The image operations: PutImage, BatchGetImage, BatchDeleteImage, DescribeImages, ListImages.
public sealed partial class EcrApi
{
    private const string DigestPattern = "[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+";

    private byte[] PutImage(EcrRequest request)
    {
        string? registryId = RegistryIdOf(request);
        RepositoryName name = RepositoryNameOf(request);

        // The manifest is the exact UTF-8 bytes of the JSON string's value: its digest is taken over them (S21).
        byte[] manifest = Encoding.UTF8.GetBytes(request.RequiredString("imageManifest"));
        MediaType? mediaType = request.String("imageManifestMediaType") is { } mediaTypeText ? MediaTypeOf(mediaTypeText) : null;
        Tag? tag = request.String("imageTag") is { } tagText ? Registry.ParseTag(tagText, "imageTag") : null;
        Digest? digest = request.String("imageDigest") is { } digestText ? DigestParameterOf(digestText) : null;
        CheckRegistry(registryId, name);
        ImageDetail image = Registry.PutImage(name, manifest, tag, mediaType, digest);
        return EcrJson.Write(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("image");
            EcrJson.WriteImage(w, image, tag);
            w.WriteEndObject();
        });
    }

    private byte[] BatchGetImage(EcrRequest request)
    {
        string? registryId = RegistryIdOf(request);
        RepositoryName name = RepositoryNameOf(request);
        List<RawImageId> raw = RawImageIdsOf(request, required: true)!;
        if (request.StringArray("acceptedMediaTypes") is { } accepted)
        {
            Registry.CheckCount("acceptedMediaTypes", accepted.Count, 100);
        }

        CheckRegistry(registryId, name);
        (List<ImageId> ids, List<RawFailure> invalid) = Classify(raw);
        BatchGetImageResult? result = ids.Count > 0 ? Registry.BatchGetImage(name, ids) : null;
        if (result is null)
        {
            Registry.GetRepository(name);
        }

        return EcrJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("images");
            foreach (RetrievedImage image in result?.Images ?? [])
            {
                EcrJson.WriteImage(w, image.Image, image.ImageId.Tag);
            }

            w.WriteEndArray();
            WriteFailures(w, invalid, result?.Failures ?? []);
            w.WriteEndObject();
        });
    }

    private byte[] BatchDeleteImage(EcrRequest request)
    {
        string? registryId = RegistryIdOf(request);
        RepositoryName name = RepositoryNameOf(request);
        List<RawImageId> raw = RawImageIdsOf(request, required: true)!;
        CheckRegistry(registryId, name);
        (List<ImageId> ids, List<RawFailure> invalid) = Classify(raw);
        BatchDeleteImageResult? result = ids.Count > 0 ? Registry.BatchDeleteImage(name, ids) : null;
        if (result is null)
        {
            Registry.GetRepository(name);
        }

        return EcrJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("imageIds");
            foreach (ImageId id in result?.ImageIds ?? [])
            {
                EcrJson.WriteImageIdValue(w, id);
            }

            w.WriteEndArray();
            WriteFailures(w, invalid, result?.Failures ?? []);
            w.WriteEndObject();
        });
    }

    private byte[] DescribeImages(EcrRequest request)
    {
        const string Operation = "DescribeImages";
        string? registryId = RegistryIdOf(request);
        RepositoryName name = RepositoryNameOf(request);
        List<RawImageId>? raw = RawImageIdsOf(request, required: false);
        int? maxResults = MaxResultsOf(request);
        string? nextToken = request.String("nextToken");
        (TagStatus tagStatus, bool active) = FilterOf(request);
        ImmutableArray<ImageDetail> images;
        string? next = null;
        if (raw is not null)
        {
            RejectWith("imageIds", maxResults, nextToken);
            List<(ImageId Id, RawImageId? Unrepresentable)> ids = [.. raw.Select(DescribedIdOf)];
            CheckRegistry(registryId, name);

            // A digest of ECR's form that this library cannot represent names no image: the request is answered as ECR
            // would, ImageNotFoundException, after the ids before it (which may be missing too) have been looked up.
            int bad = ids.FindIndex(i => i.Unrepresentable is not null);
            if (bad >= 0)
            {
                Registry.GetRepository(name);
                if (bad > 0)
                {
                    Registry.DescribeImages(name, ids.Take(bad).Select(i => i.Id));
                }

                RawImageId missing = ids[bad].Unrepresentable!.Value;
                throw new ImageNotFoundException(ImageNotFoundException.FormatMessage(Registry.RegistryId, name, missing.Digest, missing.Tag));
            }

            images = Registry.DescribeImages(name, ids.Select(i => i.Id));
        }
        else
        {
            CheckRegistry(registryId, name);
            (List<ImageDetail> page, next) = Page(
                ImagesOf(name, tagStatus, active),
                Operation,
                Scope(name, tagStatus, active),
                nextToken,
                maxResults,
                i => i.Sequence.ToString(CultureInfo.InvariantCulture),
                key => long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out long sequence) ? i => i.Sequence > sequence : null);
            images = [.. page];
        }

        return EcrJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("imageDetails");
            foreach (ImageDetail image in images)
            {
                EcrJson.WriteImageDetail(w, image);
            }

            w.WriteEndArray();
            WriteNextToken(w, next);
            w.WriteEndObject();
        });
    }

    private byte[] ListImages(EcrRequest request)
    {
        const string Operation = "ListImages";
        string? registryId = RegistryIdOf(request);
        RepositoryName name = RepositoryNameOf(request);
        int? maxResults = MaxResultsOf(request);
        string? nextToken = request.String("nextToken");
        (TagStatus tagStatus, bool active) = FilterOf(request);
        CheckRegistry(registryId, name);

        // ListImages' own order (push order, then tag order), keyed by the image's push sequence and the tag's position.
        IEnumerable<(ImageId Id, long Sequence, int Index)> entries =
            ImagesOf(name, tagStatus, active).SelectMany(image => Registry.ListedIds(image).Select((id, index) => (id, image.Sequence, index)));
        (List<(ImageId Id, long Sequence, int Index)> page, string? next) = Page(
            entries,
            Operation,
            Scope(name, tagStatus, active),
            nextToken,
            maxResults,
            e => string.Create(CultureInfo.InvariantCulture, $"{e.Sequence}.{e.Index}"),
            ListKey);
        return EcrJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("imageIds");
            foreach ((ImageId id, _, _) in page)
            {
                EcrJson.WriteImageIdValue(w, id);
            }

            w.WriteEndArray();
            WriteNextToken(w, next);
            w.WriteEndObject();
        });
    }

    // The images a listing covers, in push order; the repository must exist whatever the filter.
    private ImmutableArray<ImageDetail> ImagesOf(RepositoryName name, TagStatus tagStatus, bool active)
    {
        ImmutableArray<ImageDetail> images = Registry.DescribeImages(name, tagStatus);
        return active ? images : [];
    }

    private static Func<(ImageId Id, long Sequence, int Index), bool>? ListKey(string key)
    {
        int dot = key.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0
            || !long.TryParse(key.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out long sequence)
            || !int.TryParse(key.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return null;
        }

        return e => e.Sequence > sequence || (e.Sequence == sequence && e.Index > index);
    }

    private static string Scope(RepositoryName name, TagStatus tagStatus, bool active) =>
        string.Create(CultureInfo.InvariantCulture, $"{name} {tagStatus} {(active ? "ACTIVE" : "INACTIVE")}");

    // filter {tagStatus, imageStatus}. Every image this model holds is ACTIVE, so ARCHIVED and ACTIVATING select none.
    private static (TagStatus TagStatus, bool Active) FilterOf(EcrRequest request)
    {
        if (request.Object("filter") is not { } filter)
        {
            return (TagStatus.Any, true);
        }

        TagStatus tagStatus = filter.String("tagStatus") switch
        {
            null or "ANY" => TagStatus.Any,
            "TAGGED" => TagStatus.Tagged,
            "UNTAGGED" => TagStatus.Untagged,
            _ => throw new InvalidParameterException("filter.tagStatus", "Member must satisfy enum value set: [TAGGED, UNTAGGED, ANY]", null),
        };
        bool active = filter.String("imageStatus") switch
        {
            null or "ACTIVE" or "ANY" => true,
            "ARCHIVED" or "ACTIVATING" => false,
            _ => throw new InvalidParameterException("filter.imageStatus", "Member must satisfy enum value set: [ACTIVE, ARCHIVED, ACTIVATING, ANY]", null),
        };
        return (tagStatus, active);
    }

    private MediaType MediaTypeOf(string text)
    {
        if (MediaType.TryParse(text, out MediaType mediaType))
        {
            return mediaType;
        }

        try
        {
            MediaType.Parse(text);
        }
        catch (InvalidMediaTypeException error)
        {
            throw new InvalidParameterException("imageManifestMediaType", error.Message, error);
        }

        throw new InvalidOperationException("unreachable: TryParse and Parse disagree");
    }

    // PutImage's imageDigest: a digest the library cannot parse can never equal the computed one.
    private static Digest DigestParameterOf(string text)
    {
        if (Digest.TryParse(text, out Digest digest))
        {
            return digest;
        }

        try
        {
            Digest.Parse(text);
        }
        catch (InvalidDigestException error)
        {
            throw new InvalidParameterException("imageDigest", error.Message, error);
        }

        throw new InvalidOperationException("unreachable: TryParse and Parse disagree");
    }

    // --- image ids ------------------------------------------------------------------------------------------------

    /// <summary>An image id as the request spelled it, before any parsing.</summary>
    private readonly record struct RawImageId(string? Digest, string? Tag);

    /// <summary>A per-id failure the facade finds itself, before the registry sees the id.</summary>
    private readonly record struct RawFailure(RawImageId Id, ImageFailureCode Code, string Reason);

    private static List<RawImageId>? RawImageIdsOf(EcrRequest request, bool required)
    {
        if (request.Array("imageIds") is not { } items)
        {
            return required ? throw new InvalidParameterException("imageIds", "Member must not be null", null) : null;
        }

        var ids = new List<RawImageId>();
        foreach (JsonElement item in items)
        {
            EcrRequest id = EcrRequest.Of(item, "imageIds");
            ids.Add(new RawImageId(id.String("imageDigest"), id.String("imageTag")));
        }

        // Checked here, on the ids as sent: ids the facade itself fails never reach the registry's own check.
        Registry.CheckCount("imageIds", ids.Count, Registry.MaxImageIdsPerRequest);
        return ids;
    }

    // Batch ids: a digest that breaks ECR's pattern is the failure InvalidImageDigest, a tag that breaks the registry's
    // grammar InvalidImageTag, and a digest of ECR's form that the library cannot represent (such as upper-case hex)
    // ImageNotFound, since no image has it. The rest go to the registry.
    private (List<ImageId> Ids, List<RawFailure> Failures) Classify(List<RawImageId> raw)
    {
        var ids = new List<ImageId>();
        var failures = new List<RawFailure>();
        foreach (RawImageId id in raw)
        {
            if (id.Digest is { } digestText && !MatchesDigestPattern(digestText))
            {
                failures.Add(new RawFailure(id, ImageFailureCode.InvalidImageDigest, ImageFailure.InvalidDigestReason));
                continue;
            }

            Tag? tag = null;
            if (id.Tag is { } tagText)
            {
                if (!Registry.TryParseTag(tagText, out Tag parsed, out InvalidTagException? error))
                {
                    failures.Add(new RawFailure(id, ImageFailureCode.InvalidImageTag, "Invalid request parameters: " + error.Message));
                    continue;
                }

                tag = parsed;
            }

            Digest? digest = null;
            if (id.Digest is { } text)
            {
                if (!Digest.TryParse(text, out Digest parsed))
                {
                    failures.Add(new RawFailure(id, ImageFailureCode.ImageNotFound, ImageFailure.NotFoundReason));
                    continue;
                }

                digest = parsed;
            }

            ids.Add(new ImageId(digest, tag));
        }

        return (ids, failures);
    }

    // DescribeImages ids: a malformed digest or tag fails the whole call (InvalidParameterException).
    private (ImageId Id, RawImageId? Unrepresentable) DescribedIdOf(RawImageId raw)
    {
        if (raw.Digest is { } digestText && !MatchesDigestPattern(digestText))
        {
            throw new InvalidParameterException("imageDigest", "Member must satisfy regular expression pattern: " + DigestPattern, null);
        }

        Tag? tag = raw.Tag is { } tagText ? Registry.ParseTag(tagText, "imageTag") : null;
        if (raw.Digest is { } text)
        {
            return Digest.TryParse(text, out Digest digest) ? (new ImageId(digest, tag), null) : (default, raw);
        }

        return (new ImageId(null, tag), null);
    }

    // Failures found by the facade first, in request order, then the registry's, in request order.
    private static void WriteFailures(Utf8JsonWriter writer, List<RawFailure> invalid, ImmutableArray<ImageFailure> failures)
    {
        writer.WriteStartArray("failures");
        foreach (RawFailure failure in invalid)
        {
            EcrJson.WriteFailure(writer, failure.Id.Digest, failure.Id.Tag, failure.Code, failure.Reason);
        }

        foreach (ImageFailure failure in failures)
        {
            EcrJson.WriteFailure(writer, failure.ImageId.Digest?.ToString(), failure.ImageId.Tag?.Value, failure.FailureCode, failure.FailureReason);
        }

        writer.WriteEndArray();
    }

    // ECR's digest pattern [a-zA-Z0-9-_+.]+:[a-fA-F0-9]+, matched against the whole text, without a regex.
    internal static bool MatchesDigestPattern(ReadOnlySpan<char> text)
    {
        int colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        foreach (char c in text[..colon])
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '+' or '.'))
            {
                return false;
            }
        }

        foreach (char c in text[(colon + 1)..])
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
