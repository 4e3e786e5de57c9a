using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// A content descriptor: what a manifest says about a piece of content it references, namely its media type, digest
/// and size in bytes, and optionally URLs, annotations, a platform, an artifact type and the content itself embedded
/// as <c>data</c> (OCI image-spec descriptor.md; image-index.md adds <c>platform</c>).
/// </summary>
/// <remarks>
/// <para>
/// A descriptor always satisfies the spec's rules: the media type and digest are present (sha256 or sha512), the size
/// is a non-negative number of bytes and, when <see cref="Data"/> is present, it is exactly the referenced content:
/// its length equals <see cref="Size"/> and it hashes to <see cref="Digest"/> (descriptor.md: the decoded data MUST be
/// identical to the referenced content).
/// </para>
/// <para>
/// Equality is value equality over every field: media types ignoring ASCII case (RFC 6838), strings ordinal, URLs and
/// data in order, annotations as a map. Absent URLs and annotations are empty; an absent platform, artifact type or
/// data is <see langword="null"/>.
/// </para>
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
public sealed class Descriptor : IEquatable<Descriptor>
{
    /// <summary>Creates a descriptor.</summary>
    /// <param name="mediaType">The media type of the referenced content (<c>mediaType</c>).</param>
    /// <param name="digest">The digest of the referenced content's exact bytes (<c>digest</c>).</param>
    /// <param name="size">The size of the referenced content, in bytes (<c>size</c>); 0 or more.</param>
    /// <param name="urls">URLs the content may be downloaded from (<c>urls</c>), in order; <see langword="null"/> or empty when absent. Not validated beyond being text.</param>
    /// <param name="annotations">Annotations (<c>annotations</c>); <see langword="null"/> or empty when absent. Keys must be unique.</param>
    /// <param name="platform">The platform of the referenced manifest (<c>platform</c>); <see langword="null"/> when absent.</param>
    /// <param name="artifactType">The type of the referenced artifact (<c>artifactType</c>); <see langword="null"/> when absent.</param>
    /// <param name="data">The referenced content itself, embedded (<c>data</c>, written as base64); <see langword="null"/> when absent.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="mediaType"/>, <paramref name="digest"/> or <paramref name="artifactType"/> is the default value;
    /// a URL or annotation is <see langword="null"/> or has a lone surrogate; an annotation key repeats; or
    /// <paramref name="data"/> is not the referenced content (its length is not <paramref name="size"/> or it does not
    /// hash to <paramref name="digest"/>).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public Descriptor(
        MediaType mediaType,
        Digest digest,
        long size,
        IEnumerable<string>? urls = null,
        IEnumerable<KeyValuePair<string, string>>? annotations = null,
        Platform? platform = null,
        MediaType? artifactType = null,
        ImmutableArray<byte>? data = null)
    {
        if (mediaType.IsDefault)
        {
            throw new ArgumentException("the media type is required (OCI image-spec descriptor.md)", nameof(mediaType));
        }

        if (digest.IsDefault)
        {
            throw new ArgumentException("the digest is required (OCI image-spec descriptor.md)", nameof(digest));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (artifactType is { IsDefault: true })
        {
            throw new ArgumentException("the artifact type must be a media type or null, not default(MediaType)", nameof(artifactType));
        }

        if (data is { } bytes)
        {
            if (bytes.IsDefault)
            {
                throw new ArgumentException("data must be an array or null, not a default ImmutableArray", nameof(data));
            }

            string? problem = CheckData(bytes.AsSpan(), digest, size);
            if (problem is not null)
            {
                throw new ArgumentException(problem + " (OCI image-spec descriptor.md)", nameof(data));
            }
        }

        MediaType = mediaType;
        Digest = digest;
        Size = size;
        Urls = ModelValues.ToStrings(urls, nameof(urls));
        Annotations = ModelValues.ToAnnotations(annotations, nameof(annotations));
        Platform = platform;
        ArtifactType = artifactType;
        Data = data;
    }

    // For the parser, which has checked everything already and built the immutable collections itself.
    internal Descriptor(
        MediaType mediaType,
        Digest digest,
        long size,
        ImmutableArray<string> urls,
        ImmutableSortedDictionary<string, string> annotations,
        Platform? platform,
        MediaType? artifactType,
        ImmutableArray<byte>? data,
        bool trusted)
    {
        System.Diagnostics.Debug.Assert(trusted, "only the parser uses this constructor");
        MediaType = mediaType;
        Digest = digest;
        Size = size;
        Urls = urls;
        Annotations = annotations;
        Platform = platform;
        ArtifactType = artifactType;
        Data = data;
    }

    /// <summary>The media type of the referenced content (<c>mediaType</c>).</summary>
    public MediaType MediaType { get; }

    /// <summary>The digest of the referenced content's exact bytes (<c>digest</c>).</summary>
    public Digest Digest { get; }

    /// <summary>The size of the referenced content, in bytes (<c>size</c>); never negative.</summary>
    public long Size { get; }

    /// <summary>URLs the content may be downloaded from (<c>urls</c>), in document order; empty when absent.</summary>
    public ImmutableArray<string> Urls { get; }

    /// <summary>The descriptor's annotations (<c>annotations</c>), sorted by key (ordinal); empty when absent.</summary>
    public ImmutableSortedDictionary<string, string> Annotations { get; }

    /// <summary>The platform the referenced manifest is for (<c>platform</c>, in index entries); <see langword="null"/> when absent.</summary>
    public Platform? Platform { get; }

    /// <summary>The type of the referenced artifact (<c>artifactType</c>); <see langword="null"/> when absent.</summary>
    public MediaType? ArtifactType { get; }

    /// <summary>
    /// The referenced content embedded in the descriptor (<c>data</c>, decoded from base64); <see langword="null"/>
    /// when absent. When present it is exactly <see cref="Size"/> bytes that hash to <see cref="Digest"/>.
    /// </summary>
    public ImmutableArray<byte>? Data { get; }

    /// <summary>Creates a descriptor for <paramref name="content"/>: its sha256 digest and its length in bytes.</summary>
    /// <param name="mediaType">The media type of the content.</param>
    /// <param name="content">The exact bytes the descriptor will reference.</param>
    /// <returns>A descriptor with only the media type, digest and size set.</returns>
    /// <exception cref="ArgumentException"><paramref name="mediaType"/> is the default value.</exception>
    public static Descriptor FromContent(MediaType mediaType, ReadOnlySpan<byte> content) =>
        new(mediaType, Digest.Compute(content), content.Length);

    /// <summary>Whether two descriptors are equal.</summary>
    /// <param name="left">The first descriptor, or <see langword="null"/>.</param>
    /// <param name="right">The second descriptor, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when both are <see langword="null"/> or equal.</returns>
    public static bool operator ==(Descriptor? left, Descriptor? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether two descriptors differ.</summary>
    /// <param name="left">The first descriptor, or <see langword="null"/>.</param>
    /// <param name="right">The second descriptor, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(Descriptor? left, Descriptor? right) => !(left == right);

    /// <summary>Whether every field is equal (see the remarks on <see cref="Descriptor"/>).</summary>
    /// <param name="other">The other descriptor.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals([NotNullWhen(true)] Descriptor? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return MediaType == other.MediaType
            && Digest == other.Digest
            && Size == other.Size
            && Platform == other.Platform
            && Nullable.Equals(ArtifactType, other.ArtifactType)
            && DataEquals(Data, other.Data)
            && ModelValues.SequenceEqual(Urls, other.Urls)
            && ModelValues.AnnotationsEqual(Annotations, other.Annotations);
    }

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="Descriptor"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Descriptor other && Equals(other);

    /// <summary>A hash code consistent with <see cref="Equals(Descriptor)"/>.</summary>
    /// <returns>The hash code; it varies between processes.</returns>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(MediaType);
        hash.Add(Digest);
        hash.Add(Size);
        hash.Add(Platform);
        hash.Add(ArtifactType);
        hash.Add(Data is { } data ? data.Length : -1);
        ModelValues.AddSequence(ref hash, Urls);
        ModelValues.AddAnnotations(ref hash, Annotations);
        return hash.ToHashCode();
    }

    /// <summary>The descriptor as <c>mediaType digest (size bytes)</c>, for display.</summary>
    /// <returns>The text form.</returns>
    public override string ToString() =>
        MediaType.Value + " " + Digest.ToString() + " (" + Size.ToString(CultureInfo.InvariantCulture) + " bytes)";

    // Why data is not the content the descriptor references, or null when it is.
    internal static string? CheckData(ReadOnlySpan<byte> data, Digest digest, long size)
    {
        if (data.Length != size)
        {
            return "data is " + data.Length.ToString(CultureInfo.InvariantCulture) + " bytes but size is "
                + size.ToString(CultureInfo.InvariantCulture) + "; the embedded data must be the referenced content";
        }

        return digest.Matches(data)
            ? null
            : "data does not hash to " + digest.ToString() + "; the embedded data must be the referenced content";
    }

    private static bool DataEquals(ImmutableArray<byte>? left, ImmutableArray<byte>? right)
    {
        if (left is not { } l || right is not { } r)
        {
            return left is null && right is null;
        }

        return l.AsSpan().SequenceEqual(r.AsSpan());
    }
}
