namespace TagImmutability;

/// <summary>
/// The settings of a <see cref="Registry"/>: its identity (registry id, region), its clock, its grammar profile and its
/// limits. Defaults are ECR's.
/// </summary>
/// <remarks><b>Thread safety:</b> immutable once built (init-only properties); safe to share.</remarks>
public sealed class RegistryOptions
{
    /// <summary>The default registry id: <c>123456789012</c>, the account id AWS uses in its documentation.</summary>
    public const string DefaultRegistryId = "123456789012";

    /// <summary>The default region: <c>us-east-1</c>.</summary>
    public const string DefaultRegion = "us-east-1";

    /// <summary>ECR's limit on tags per image: 1,000.</summary>
    public const int DefaultMaxTagsPerImage = 1000;

    /// <summary>ECR's default limit on images per repository: 100,000.</summary>
    public const int DefaultMaxImagesPerRepository = 100_000;

    /// <summary>ECR's limit on a manifest's size, in bytes: 4,194,304 (4 MiB).</summary>
    public const int DefaultMaxManifestSizeInBytes = 4 * 1024 * 1024;

    /// <summary>The default bound on each repository's tag history: 10,000 events.</summary>
    public const int DefaultMaxHistoryEventsPerRepository = 10_000;

    /// <summary>The default number of attempts of a write over a shared store before it gives up: 64.</summary>
    public const int DefaultMaxStoreAttempts = 64;

    private readonly int _maxHistoryEventsPerRepository = DefaultMaxHistoryEventsPerRepository;
    private readonly int _maxStoreAttempts = DefaultMaxStoreAttempts;
    private readonly string _registryId = DefaultRegistryId;
    private readonly string _region = DefaultRegion;
    private readonly int _maxTagsPerImage = DefaultMaxTagsPerImage;
    private readonly int _maxImagesPerRepository = DefaultMaxImagesPerRepository;
    private readonly int _maxManifestSizeInBytes = DefaultMaxManifestSizeInBytes;
    private readonly TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>The default options: ECR's limits, registry <c>123456789012</c> in <c>us-east-1</c>, the system clock.</summary>
    public static RegistryOptions Default { get; } = new();

    /// <summary>The registry id, 12 digits (ECR's <c>RegistryId</c> pattern <c>[0-9]{12}</c>).</summary>
    /// <exception cref="ArgumentException">Set to something other than 12 ASCII digits.</exception>
    public string RegistryId
    {
        get => _registryId;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length != 12 || value.AsSpan().ContainsAnyExceptInRange('0', '9'))
            {
                throw new ArgumentException($"registry id '{value}' is invalid: it must match [0-9]{{12}}", nameof(value));
            }

            _registryId = value;
        }
    }

    /// <summary>The AWS region, such as <c>ap-northeast-1</c>: lowercase letters, digits and <c>-</c>, 1..32 characters.</summary>
    /// <exception cref="ArgumentException">Set to an empty or malformed region.</exception>
    public string Region
    {
        get => _region;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Length is 0 or > 32 || value.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyz0123456789-") >= 0)
            {
                throw new ArgumentException($"region '{value}' is invalid: it must match [a-z0-9-]{{1,32}}", nameof(value));
            }

            _region = value;
        }
    }

    /// <summary>The clock for <c>createdAt</c> and <c>imagePushedAt</c>; the system clock by default. Tests inject a fixed one.</summary>
    /// <exception cref="ArgumentNullException">Set to <see langword="null"/>.</exception>
    public TimeProvider TimeProvider
    {
        get => _timeProvider;
        init => _timeProvider = value ?? throw new ArgumentNullException(nameof(value), "TimeProvider must not be null: use TimeProvider.System for the system clock");
    }

    /// <summary>
    /// The grammar tags and repository names must match: <see cref="GrammarProfile.Ecr"/> by default (tags of 1..300
    /// characters, names of 2..256). A registry serving the OCI distribution API may choose <see cref="GrammarProfile.Oci"/>.
    /// </summary>
    public GrammarProfile Grammar { get; init; } = GrammarProfile.Ecr;

    /// <summary>The most tags one image may carry; 1,000 by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int MaxTagsPerImage
    {
        get => _maxTagsPerImage;
        init => _maxTagsPerImage = Positive(value);
    }

    /// <summary>The most images one repository may hold; 100,000 by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int MaxImagesPerRepository
    {
        get => _maxImagesPerRepository;
        init => _maxImagesPerRepository = Positive(value);
    }

    /// <summary>The largest manifest accepted, in bytes; 4 MiB by default.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int MaxManifestSizeInBytes
    {
        get => _maxManifestSizeInBytes;
        init => _maxManifestSizeInBytes = Positive(value);
    }

    /// <summary>
    /// The most tag events each repository's history keeps (<see cref="Registry.GetHistory(RepositoryName)"/>); when
    /// a write would exceed it, the oldest events are dropped. 10,000 by default.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int MaxHistoryEventsPerRepository
    {
        get => _maxHistoryEventsPerRepository;
        init => _maxHistoryEventsPerRepository = Positive(value);
    }

    /// <summary>
    /// Over a shared <see cref="Storage.RegistryStore"/> (not in memory): how many times one write is read, decided and
    /// committed before the registry gives up with <see cref="Storage.StoreConflictException"/>. An attempt fails only
    /// when another write changed what this one read, so each failed attempt is another write's success; 64 by default.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1.</exception>
    public int MaxStoreAttempts
    {
        get => _maxStoreAttempts;
        init => _maxStoreAttempts = Positive(value);
    }

    /// <summary>
    /// Names who is writing, for <see cref="TagEvent.Actor"/>; <see langword="null"/> (the default) records no actor.
    /// Called once per write that records tag events, on the writing thread, while the repository's lock is held: it
    /// must be fast, must not call back into the registry, and may return <see langword="null"/>. If it throws, the
    /// write fails with that exception and changes nothing (for a rejected push, the rejection goes unrecorded). An
    /// <see cref="AsyncLocal{T}"/> read is the usual implementation.
    /// </summary>
    public Func<string?>? ActorProvider { get; init; }

    private static int Positive(int value) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "a limit must be at least 1");
}
