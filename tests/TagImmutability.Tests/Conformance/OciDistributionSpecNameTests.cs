namespace TagImmutability.Tests.Conformance;

/// <summary>
/// The repository name grammar of the OCI distribution spec ("Pulling manifests":
/// <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*</c>), with the OCI profile's 255
/// limit (distribution/reference's RepositoryNameTotalLengthMax) and ECR's 2..256. Our own rows; comments name the part.
/// </summary>
public sealed class OciDistributionSpecNameTests
{
    public static TheoryData<string, bool, bool> Rows => new()
    {
        // text, valid under OCI, valid under ECR
        // a component is [a-z0-9]+, joined by '/'
        { "alpine", true, true },
        { "library/alpine", true, true },
        { "a/b/c/d/e", true, true },
        { "0/1", true, true },
        // separators: '.', '_', '__', and any run of '-'
        { "my.app", true, true },
        { "my_app", true, true },
        { "my__app", true, true },
        { "my-app", true, true },
        { "my---app", true, true },
        // but not '___', '..', '._', '-_', nor a separator at either end of a component
        { "my___app", false, false },
        { "my..app", false, false },
        { "my._app", false, false },
        { "my-_app", false, false },
        { "-app", false, false },
        { "app-", false, false },
        { "team/.app", false, false },
        { "team_/app", false, false },
        // empty components
        { "/app", false, false },
        { "app/", false, false },
        { "team//app", false, false },
        // lowercase only; no ':' '@' or spaces; ASCII only
        { "Team/app", false, false },
        { "team/app:latest", false, false },
        { "team/app@x", false, false },
        { "team app", false, false },
        { "\u00E9quipe/app", false, false },
        // lengths: one character is a valid OCI name but not an ECR one (2..256)
        { "a", true, false },
        { "ab", true, true },
        { new string('a', 255), true, true },
        { new string('a', 256), false, true },
        { new string('a', 257), false, false },
        { "", false, false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Repository_name_grammar(string text, bool oci, bool ecr)
    {
        Assert.Equal(oci, RepositoryName.IsValid(text, GrammarProfile.Oci));
        Assert.Equal(oci, RepositoryName.TryParse(text, out _));
        Assert.Equal(ecr, RepositoryName.IsValid(text, GrammarProfile.Ecr));
        Assert.Equal(ecr, RepositoryName.TryParse(text, GrammarProfile.Ecr, out _));
    }
}
