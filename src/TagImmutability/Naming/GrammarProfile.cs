namespace TagImmutability;

/// <summary>
/// Which registry's grammar a tag or repository name is checked against. The OCI distribution spec and Amazon ECR
/// disagree on tags and on name lengths, so the caller says which applies; nothing here guesses.
/// </summary>
/// <remarks>See <c>docs/grammar.md</c> for the rules of each profile and their sources.</remarks>
public enum GrammarProfile
{
    /// <summary>
    /// The OCI distribution spec (v1.1, "Pulling manifests"): tag <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>;
    /// repository name <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*</c>, at most 255
    /// characters (the limit of the CNCF distribution reference library that Docker clients apply).
    /// </summary>
    Oci = 0,

    /// <summary>
    /// Amazon ECR's API: tag 1..300 characters of <c>[A-Za-z0-9_.-]</c> (a leading <c>.</c> or <c>-</c> accepted);
    /// repository name 2..256 characters of the same path grammar as <see cref="Oci"/> (ECR API reference,
    /// <c>RepositoryName</c> and <c>ImageTag</c> shapes; decision Q4 of the specification we follow).
    /// </summary>
    Ecr = 1,
}
