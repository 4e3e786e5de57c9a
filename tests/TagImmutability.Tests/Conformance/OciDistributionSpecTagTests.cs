namespace TagImmutability.Tests.Conformance;

/// <summary>
/// The tag grammar of the OCI distribution spec ("Pulling manifests": a tag MUST be at most 128 characters and match
/// <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>), and Amazon ECR's <c>imageTag</c> (1..300 of <c>[a-zA-Z0-9_.-]</c>,
/// decision Q4 of our ECR specification). Rows are our own data; each comment names the clause it checks.
/// </summary>
public sealed class OciDistributionSpecTagTests
{
    public static TheoryData<string, bool, bool> Rows => new()
    {
        // text, valid under OCI, valid under ECR
        // the first character is [a-zA-Z0-9_]
        { "latest", true, true },
        { "_", true, true },
        { "0", true, true },
        { "Z", true, true },
        // OCI: no leading '.' or '-'; ECR: any of [A-Za-z0-9_.-] anywhere (Q4)
        { ".hidden", false, true },
        { "-rc1", false, true },
        // the body is [a-zA-Z0-9._-]
        { "v1.2.3-rc.1_build-7", true, true },
        { "a..b", true, true },
        // length: OCI 128 accepted, 129 rejected; ECR 300 accepted, 301 rejected
        { new string('a', 128), true, true },
        { new string('a', 129), false, true },
        { new string('a', 300), false, true },
        { new string('a', 301), false, false },
        // empty is never a tag
        { "", false, false },
        // characters outside the class: ':' '/' '@' '+' space, and the Unicode characters .NET's \w would accept
        { "a:b", false, false },
        { "a/b", false, false },
        { "a@b", false, false },
        { "1.0+build", false, false },
        { "a b", false, false },
        { "caf\u00E9", false, false },
        { "v\u0663", false, false },
        { "\uFF21", false, false },
        { "\u212Aelvin", false, false },
        { "a\u0000", false, false },
        { "a\n", false, false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Tag_grammar(string text, bool oci, bool ecr)
    {
        Assert.Equal(oci, Tag.IsValid(text, GrammarProfile.Oci));
        Assert.Equal(oci, Tag.TryParse(text, out _));
        Assert.Equal(ecr, Tag.IsValid(text, GrammarProfile.Ecr));
        Assert.Equal(ecr, Tag.TryParse(text, GrammarProfile.Ecr, out _));
    }
}
