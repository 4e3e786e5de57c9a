namespace TagImmutability;

/// <summary>An image an expiry plan keeps, and why.</summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class ExpiryKeptImage
{
    internal ExpiryKeptImage(ImageDetail image, ExpiryKeepReason reason, Digest? keptBy)
    {
        Image = image;
        Reason = reason;
        KeptBy = keptBy;
    }

    /// <summary>The image.</summary>
    public ImageDetail Image { get; }

    /// <summary>Why it is kept.</summary>
    public ExpiryKeepReason Reason { get; }

    /// <summary>For <see cref="ExpiryKeepReason.ReferencedByKeptIndex"/>, the smallest digest of a kept index that references it; else <see langword="null"/>.</summary>
    public Digest? KeptBy { get; }

    /// <summary>The digest and the reason.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Image.Digest}: {Reason}{(KeptBy is { } by ? " by " + by : string.Empty)}";
}
