using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using TagImmutability.Internal;

namespace TagImmutability;

/// <summary>
/// The platform an image runs on, as an index entry's <c>platform</c> object gives it: CPU architecture, operating
/// system, and optionally the OS version, required OS features and CPU variant (OCI image-spec image-index.md,
/// "platform"; the Docker manifest list has the same fields).
/// </summary>
/// <remarks>
/// <para>
/// Values are kept as written; the spec recommends Go's <c>GOARCH</c>/<c>GOOS</c> names (<c>amd64</c>, <c>arm64</c>,
/// <c>linux</c>, <c>windows</c>) but does not require them, so none is refused. BuildKit marks attestation entries with
/// the platform <c>unknown/unknown</c> (<see cref="IsUnknown"/>).
/// </para>
/// <para>
/// Equality is ordinal on every field; <see cref="OSFeatures"/> is compared in order. An absent optional string is
/// <see langword="null"/>; absent features are an empty array.
/// </para>
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
public sealed class Platform : IEquatable<Platform>
{
    /// <summary>Creates a platform.</summary>
    /// <param name="architecture">The CPU architecture (<c>architecture</c>), such as <c>amd64</c>; required.</param>
    /// <param name="operatingSystem">The operating system (<c>os</c>), such as <c>linux</c>; required.</param>
    /// <param name="osVersion">The OS version (<c>os.version</c>), such as <c>10.0.14393.1066</c>; <see langword="null"/> when absent.</param>
    /// <param name="osFeatures">The OS features the image requires (<c>os.features</c>), such as <c>win32k</c>; <see langword="null"/> or empty when absent.</param>
    /// <param name="variant">The CPU variant (<c>variant</c>), such as <c>v8</c>; <see langword="null"/> when absent.</param>
    /// <exception cref="ArgumentNullException"><paramref name="architecture"/> or <paramref name="operatingSystem"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A string has a lone surrogate (no UTF-8 form), or <paramref name="osFeatures"/> holds <see langword="null"/>.</exception>
    public Platform(
        string architecture,
        string operatingSystem,
        string? osVersion = null,
        IEnumerable<string>? osFeatures = null,
        string? variant = null)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(operatingSystem);
        ModelValues.ThrowIfNotScalarValues(architecture, nameof(architecture));
        ModelValues.ThrowIfNotScalarValues(operatingSystem, nameof(operatingSystem));
        if (osVersion is not null)
        {
            ModelValues.ThrowIfNotScalarValues(osVersion, nameof(osVersion));
        }

        if (variant is not null)
        {
            ModelValues.ThrowIfNotScalarValues(variant, nameof(variant));
        }

        Architecture = architecture;
        OperatingSystem = operatingSystem;
        OSVersion = osVersion;
        OSFeatures = ModelValues.ToStrings(osFeatures, nameof(osFeatures));
        Variant = variant;
    }

    /// <summary>The CPU architecture (<c>architecture</c>), such as <c>amd64</c>.</summary>
    public string Architecture { get; }

    /// <summary>The operating system (<c>os</c>), such as <c>linux</c>.</summary>
    public string OperatingSystem { get; }

    /// <summary>The OS version (<c>os.version</c>); <see langword="null"/> when absent.</summary>
    public string? OSVersion { get; }

    /// <summary>The OS features the image requires (<c>os.features</c>), in document order; empty when absent.</summary>
    public ImmutableArray<string> OSFeatures { get; }

    /// <summary>The CPU variant (<c>variant</c>), such as <c>v7</c>; <see langword="null"/> when absent.</summary>
    public string? Variant { get; }

    /// <summary>
    /// Whether this is <c>unknown/unknown</c>, the platform BuildKit gives attestation manifests in an index
    /// (BuildKit docs, attestation-storage.md).
    /// </summary>
    public bool IsUnknown =>
        string.Equals(Architecture, "unknown", StringComparison.Ordinal)
        && string.Equals(OperatingSystem, "unknown", StringComparison.Ordinal);

    /// <summary>Whether two platforms are equal.</summary>
    /// <param name="left">The first platform, or <see langword="null"/>.</param>
    /// <param name="right">The second platform, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when both are <see langword="null"/> or equal.</returns>
    public static bool operator ==(Platform? left, Platform? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether two platforms differ.</summary>
    /// <param name="left">The first platform, or <see langword="null"/>.</param>
    /// <param name="right">The second platform, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(Platform? left, Platform? right) => !(left == right);

    /// <summary>Whether every field is equal (ordinal), with <see cref="OSFeatures"/> in the same order.</summary>
    /// <param name="other">The other platform.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public bool Equals([NotNullWhen(true)] Platform? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (string.Equals(Architecture, other.Architecture, StringComparison.Ordinal)
                && string.Equals(OperatingSystem, other.OperatingSystem, StringComparison.Ordinal)
                && string.Equals(OSVersion, other.OSVersion, StringComparison.Ordinal)
                && string.Equals(Variant, other.Variant, StringComparison.Ordinal)
                && ModelValues.SequenceEqual(OSFeatures, other.OSFeatures)));

    /// <summary>Whether <paramref name="obj"/> is an equal <see cref="Platform"/>.</summary>
    /// <param name="obj">The object.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Platform other && Equals(other);

    /// <summary>A hash code consistent with <see cref="Equals(Platform)"/>.</summary>
    /// <returns>The hash code; it varies between processes.</returns>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(Architecture, StringComparer.Ordinal);
        hash.Add(OperatingSystem, StringComparer.Ordinal);
        hash.Add(OSVersion, StringComparer.Ordinal);
        hash.Add(Variant, StringComparer.Ordinal);
        ModelValues.AddSequence(ref hash, OSFeatures);
        return hash.ToHashCode();
    }

    /// <summary>The platform as <c>os/architecture[/variant]</c>, such as <c>linux/arm64/v8</c>, with the OS version in parentheses when present.</summary>
    /// <returns>The text form, for display.</returns>
    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append(OperatingSystem).Append('/').Append(Architecture);
        if (Variant is not null)
        {
            builder.Append('/').Append(Variant);
        }

        if (OSVersion is not null)
        {
            builder.Append(" (").Append(OSVersion).Append(')');
        }

        return builder.ToString();
    }
}
