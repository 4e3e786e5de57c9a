namespace TagImmutability.Tests.Policies.Engine;

/// <summary>Error profiles: a denial in each registry's dialect.</summary>
public sealed class RegistryErrorTests
{
    private static readonly Digest A = Digest.Compute("a"u8);
    private static readonly Digest B = Digest.Compute("b"u8);
    private static readonly Tag V1 = Tag.Parse("v1");

    private static PolicyDecision PushDenial() =>
        ImmutabilityPolicy.Ecr(TagMutabilityPolicy.Immutable).DecidePush("app", V1, new TagBinding(V1, A), B);

    [Theory]
    [InlineData(RegistryErrorDialect.Oci, "DENIED", 403)]
    [InlineData(RegistryErrorDialect.EcrApi, "ImageTagAlreadyExistsException", 400)]
    [InlineData(RegistryErrorDialect.EcrDistribution, "TAG_INVALID", 400)]
    [InlineData(RegistryErrorDialect.Harbor, "PRECONDITION", 412)]
    [InlineData(RegistryErrorDialect.Quay, "TAG_IMMUTABLE", 409)]
    [InlineData(RegistryErrorDialect.GitLab, "DENIED", 401)]
    [InlineData(RegistryErrorDialect.Zot, "DENIED", 403)]
    public void Each_dialect_has_its_code_and_status(RegistryErrorDialect dialect, string code, int status)
    {
        RegistryError error = PushDenial().ToRegistryError(dialect);
        Assert.Equal(code, error.Code);
        Assert.Equal(status, error.HttpStatus);
        Assert.Equal(dialect, error.Dialect);
        Assert.False(string.IsNullOrEmpty(error.Message));
    }

    [Fact]
    public void Ecr_distribution_error_carries_ecrs_sentence() =>
        Assert.Equal(
            "The image tag 'v1' already exists in the 'app' repository and cannot be overwritten because the tag is immutable.",
            PushDenial().ToRegistryError(RegistryErrorDialect.EcrDistribution).Message);

    [Fact]
    public void Harbor_error_names_repository_and_tag() =>
        Assert.Equal("Failed to process request due to 'app:v1' configured as immutable.", PushDenial().ToRegistryError(RegistryErrorDialect.Harbor).Message);

    [Fact]
    public void Quay_and_GitLab_errors_use_their_wording()
    {
        Assert.Equal("tag is immutable and cannot be overwritten", PushDenial().ToRegistryError(RegistryErrorDialect.Quay).Message);
        Assert.Equal("tag \"v1\" is immutable", PushDenial().ToRegistryError(RegistryErrorDialect.GitLab).Message);
        PolicyDecision remove = ImmutabilityPolicy.Quay().DecideRemoveTag("app", new TagBinding(V1, A, isStickyImmutable: true));
        Assert.Equal("Cannot delete immutable tag 'v1'", remove.ToRegistryError(RegistryErrorDialect.Quay).Message);
        Assert.Equal("InvalidParameterException", remove.ToRegistryError(RegistryErrorDialect.EcrApi).Code);
    }

    [Fact]
    public void Ecr_api_denial_becomes_ImageTagAlreadyExistsException()
    {
        ImageTagAlreadyExistsException error = PushDenial().ToEcrException("123456789012");
        Assert.Equal("v1", error.Tag.Value);
        Assert.Equal(A, error.ExistingDigest);
        Assert.Equal(B, error.AttemptedDigest);
        Assert.Equal(PushDenial().ToRegistryError(RegistryErrorDialect.EcrDistribution).Message, error.Message);
        PolicyDecision remove = ImmutabilityPolicy.WriteOnce().DecideRemoveTag("app", new TagBinding(V1, A));
        Assert.Throws<InvalidOperationException>(() => remove.ToEcrException("123456789012"));
    }

    [Fact]
    public void An_allowed_decision_has_no_error()
    {
        PolicyDecision allowed = ImmutabilityPolicy.None.DecidePush("app", V1, null, A);
        Assert.Throws<InvalidOperationException>(() => allowed.ToRegistryError(RegistryErrorDialect.Oci));
        Assert.Throws<ArgumentOutOfRangeException>(() => PushDenial().ToRegistryError((RegistryErrorDialect)99));
    }

    [Fact]
    public void Errors_and_decisions_are_values()
    {
        Assert.Equal(PushDenial(), PushDenial());
        Assert.True(PushDenial().ToRegistryError(RegistryErrorDialect.Zot) == PushDenial().ToRegistryError(RegistryErrorDialect.Zot));
        Assert.True(PushDenial().ToRegistryError(RegistryErrorDialect.Zot) != PushDenial().ToRegistryError(RegistryErrorDialect.Oci));
        Assert.Contains("TAG_INVALID (400)", PushDenial().ToRegistryError(RegistryErrorDialect.EcrDistribution).ToString(), StringComparison.Ordinal);
        Assert.Contains("denied PushTag of 'v1'", PushDenial().ToString(), StringComparison.Ordinal);
    }
}
