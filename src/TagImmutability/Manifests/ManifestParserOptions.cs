namespace TagImmutability;

/// <summary>Limits and choices for <see cref="ManifestParser"/>. The defaults suit a registry that accepts pushes.</summary>
/// <remarks>
/// <para>Set the properties in an object initializer; each setter checks its value.</para>
/// <para><b>Thread safety:</b> immutable once initialized; share one instance between threads.</para>
/// </remarks>
public sealed class ManifestParserOptions
{
    /// <summary>The default <see cref="MaxSizeInBytes"/>: 4 MiB (4,194,304 bytes), the limit of ECR's <c>imageManifest</c> and of common registries.</summary>
    public const int DefaultMaxSizeInBytes = 4 * 1024 * 1024;

    /// <summary>The default <see cref="MaxDepth"/>: 64 levels of nested objects and arrays.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>The largest <see cref="MaxDepth"/> that can be set: 256.</summary>
    public const int MaxDepthLimit = 256;

    private readonly int _maxSizeInBytes = DefaultMaxSizeInBytes;
    private readonly int _maxDepth = DefaultMaxDepth;

    /// <summary>The default options: 4 MiB, depth 64, content not copied.</summary>
    public static ManifestParserOptions Default { get; } = new();

    /// <summary>
    /// The largest manifest accepted, in bytes; larger content is refused with
    /// <see cref="ManifestInvalidReason.TooLarge"/> before any byte of it is read. Default
    /// <see cref="DefaultMaxSizeInBytes"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxSizeInBytes
    {
        get => _maxSizeInBytes;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxSizeInBytes = value;
        }
    }

    /// <summary>
    /// The deepest nesting of objects and arrays accepted, counting the top-level object as 1; deeper content is
    /// refused with <see cref="ManifestInvalidReason.TooDeep"/>. Real manifests nest 5 deep. Default
    /// <see cref="DefaultMaxDepth"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1 or more than <see cref="MaxDepthLimit"/>.</exception>
    public int MaxDepth
    {
        get => _maxDepth;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxDepthLimit);
            _maxDepth = value;
        }
    }

    /// <summary>
    /// Whether <see cref="ParsedManifest.Content"/> is a private copy of the bytes (<see langword="true"/>) or the
    /// caller's own memory (<see langword="false"/>, the default: nothing is copied, and the caller must not change the
    /// bytes while the result is in use).
    /// </summary>
    public bool CopyContent { get; init; }
}
