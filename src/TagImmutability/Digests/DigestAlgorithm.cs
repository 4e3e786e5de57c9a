namespace TagImmutability;

/// <summary>
/// The hash algorithms a <see cref="Digest"/> can hold: the algorithms registered by the OCI image spec that this
/// library can verify content against (OCI image-spec, descriptor.md, "Registered algorithms").
/// </summary>
/// <remarks>
/// <c>blake3</c> is registered by the spec too but has no implementation in the .NET base class library, and the
/// core takes no dependencies; see <c>docs/decisions/0002-unregistered-digest-algorithms.md</c>.
/// </remarks>
public enum DigestAlgorithm : byte
{
    /// <summary>No algorithm: the value of <c>default(Digest)</c>, which names no content.</summary>
    None = 0,

    /// <summary><c>sha256</c>: SHA-256, 32 bytes, encoded as 64 lowercase hex characters. Every registry MUST support it.</summary>
    Sha256 = 1,

    /// <summary><c>sha512</c>: SHA-512, 64 bytes, encoded as 128 lowercase hex characters. Optional in the OCI spec.</summary>
    Sha512 = 2,
}
