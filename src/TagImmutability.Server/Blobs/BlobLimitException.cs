namespace TagImmutability.Server.Blobs;

/// <summary>Which limit a blob upload hit.</summary>
internal enum BlobLimit
{
    /// <summary>The blob is larger than <see cref="RegistryServerOptions.MaxBlobSizeInBytes"/>.</summary>
    BlobSize,

    /// <summary>The in-memory store would hold more than <see cref="RegistryServerOptions.MaxMemoryBlobBytes"/>.</summary>
    StoreCapacity,
}

/// <summary>A blob upload was refused because it would exceed a size limit; nothing of the refused chunk was kept.</summary>
internal sealed class BlobLimitException : Exception
{
    public BlobLimitException()
    {
    }

    public BlobLimitException(string? message)
        : base(message)
    {
    }

    public BlobLimitException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public BlobLimitException(BlobLimit limit, long maximum, string message)
        : base(message)
    {
        Limit = limit;
        Maximum = maximum;
    }

    /// <summary>The limit that was hit.</summary>
    public BlobLimit Limit { get; }

    /// <summary>The limit's value in bytes.</summary>
    public long Maximum { get; }

    public static BlobLimitException BlobTooLarge(long maximum) =>
        new(BlobLimit.BlobSize, maximum, $"the blob is larger than the registry's limit of {maximum.ToString(System.Globalization.CultureInfo.InvariantCulture)} bytes per blob");

    public static BlobLimitException StoreFull(long capacity) =>
        new(BlobLimit.StoreCapacity, capacity, $"the registry's in-memory blob storage is full: its cap is {capacity.ToString(System.Globalization.CultureInfo.InvariantCulture)} bytes (use a data directory to store blobs on disk)");
}
