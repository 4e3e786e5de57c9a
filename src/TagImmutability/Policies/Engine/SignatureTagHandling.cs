namespace TagImmutability;

/// <summary>
/// How an <see cref="ImmutabilityPolicy"/> treats signature, attestation and referrers tags (<c>sha256-&lt;hex&gt;.sig</c>,
/// <c>.att</c>, <c>.sbom</c>, and the OCI referrers fallback tag <c>sha256-&lt;hex&gt;</c>), which tools rewrite every time
/// they add a signature (OCI distribution spec, "Referrers tag schema"; cosign). See <see cref="SignatureTags"/>.
/// </summary>
public enum SignatureTagHandling
{
    /// <summary>Like any other tag: if a rule makes it immutable, a second signature can no longer be pushed (what ECR, Harbor and GAR do).</summary>
    AsRules = 0,

    /// <summary>The tag may be rewritten (moved, re-pushed) but removal and deletion stay subject to the rules.</summary>
    AppendOnly = 1,

    /// <summary>No rule applies to the tag at all.</summary>
    Exempt = 2,
}
