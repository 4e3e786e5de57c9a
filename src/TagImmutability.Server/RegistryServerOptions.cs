using System.Net;

namespace TagImmutability.Server;

/// <summary>
/// How a <see cref="RegistryServer"/> listens, stores blobs and treats pushes. Immutable once the server starts; every
/// default is the safe one (loopback only, in-memory storage with a size cap, no repository created on push).
/// </summary>
/// <remarks><b>Thread safety:</b> immutable after construction (init-only); safe to share.</remarks>
public sealed class RegistryServerOptions
{
    /// <summary>The default cap on the bytes of all blobs kept in memory: 1 GiB.</summary>
    public const long DefaultMaxMemoryBlobBytes = 1L << 30;

    /// <summary>The default cap on one blob's size: 512 MiB.</summary>
    public const long DefaultMaxBlobSizeInBytes = 512L << 20;

    /// <summary>The default time after which an upload session with no request expires: 15 minutes.</summary>
    public static TimeSpan DefaultUploadSessionTimeout { get; } = TimeSpan.FromMinutes(15);

    /// <summary>The address to bind: <see cref="IPAddress.Loopback"/> (127.0.0.1) unless set.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The TCP port, 0..65535; 0 (the default) asks the system for a free one, which <see cref="RegistryServer.BaseAddress"/> then names.</summary>
    public int Port { get; init; }

    /// <summary>The registry's identity, clock, grammar and limits (ECR's defaults unless set).</summary>
    public RegistryOptions Registry { get; init; } = RegistryOptions.Default;

    /// <summary>
    /// Where the registry's repositories, images, tags and history live: <see langword="null"/> (the default) keeps
    /// them in this process's memory; a shared store, such as the PostgreSQL one (<c>TagImmutability.PostgreSql</c>),
    /// lets several servers serve one registry, each a stateless node (docs/scaling.md). The caller owns the store and
    /// disposes it after the server. Blobs are not in it: see <see cref="DataDirectory"/>, which then holds blobs only
    /// (no journal: the store keeps the state durable).
    /// </summary>
    public Storage.RegistryStore? Store { get; init; }

    /// <summary>
    /// Whether a manifest push to a repository that does not exist creates it (with <see cref="CreateOnPushPolicy"/>).
    /// Off by default: ECR answers <c>NAME_UNKNOWN</c> with <c>RepositoryNotFoundException</c>'s message.
    /// </summary>
    public bool CreateOnPush { get; init; }

    /// <summary>The tag mutability policy of repositories created on push; ECR's default, <c>MUTABLE</c>, unless set.</summary>
    public TagMutabilityPolicy CreateOnPushPolicy { get; init; } = TagMutabilityPolicy.Mutable;

    /// <summary>The default number of journal records between state snapshots: 10,000.</summary>
    public const int DefaultSnapshotEveryRecords = 10_000;

    /// <summary>
    /// Where the state lives: <see langword="null"/> (the default) keeps everything in memory (blobs capped by
    /// <see cref="MaxMemoryBlobBytes"/>) and loses it when the server stops. A directory makes the server durable:
    /// blobs are stored content-addressed under <c>DIR/blobs/</c>, and every write (repositories, manifests, tags,
    /// policies, tag history, blob links) is appended to a journal under <c>DIR/state/</c> and flushed to disk
    /// (<c>fsync</c>) before it is applied and answered, so a server restarted on the same directory, after a crash
    /// or a clean stop, holds exactly the writes it acknowledged (docs/durability.md). With a <see cref="Store"/>, the
    /// directory holds blobs only and nothing is journaled: the store keeps the rest.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// With a <see cref="DataDirectory"/>: how many journal records are appended between state snapshots (the state
    /// is also snapshotted on a clean stop). At least 1; default <see cref="DefaultSnapshotEveryRecords"/>. Smaller
    /// values make restarts faster and writes that cross the threshold slower (a snapshot writes the whole state).
    /// </summary>
    public int SnapshotEveryRecords { get; init; } = DefaultSnapshotEveryRecords;

    /// <summary>The cap on the total bytes of blobs kept in memory; a push beyond it is refused. Default 1 GiB.</summary>
    public long MaxMemoryBlobBytes { get; init; } = DefaultMaxMemoryBlobBytes;

    /// <summary>The cap on one blob's size in bytes; a larger upload is refused. Default 512 MiB.</summary>
    public long MaxBlobSizeInBytes { get; init; } = DefaultMaxBlobSizeInBytes;

    /// <summary>How long an upload session may go without a request before it is dropped. Default 15 minutes.</summary>
    public TimeSpan UploadSessionTimeout { get; init; } = DefaultUploadSessionTimeout;

    /// <summary>
    /// The dialect of the tag-immutability refusal on the distribution API. <see cref="RegistryErrorDialect.EcrDistribution"/>
    /// (the default) answers as ECR's push proxy does: HTTP 400, code <c>TAG_INVALID</c>, ECR's message.
    /// </summary>
    public RegistryErrorDialect ErrorDialect { get; init; } = RegistryErrorDialect.EcrDistribution;

    /// <summary>
    /// The access key id of the one key pair whose AWS Signature Version 4 signatures the ECR endpoint checks; with
    /// <see langword="null"/> (the default) signatures are accepted unchecked, as befits a local endpoint.
    /// Set together with <see cref="SecretAccessKey"/>.
    /// </summary>
    public string? AccessKeyId { get; init; }

    /// <summary>The secret access key paired with <see cref="AccessKeyId"/>.</summary>
    public string? SecretAccessKey { get; init; }
}
