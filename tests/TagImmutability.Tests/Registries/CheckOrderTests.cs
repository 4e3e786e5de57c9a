using static TagImmutability.Tests.Registries.RegistryTestExtensions;

namespace TagImmutability.Tests.Registries;

/// <summary>
/// Decision Q11, parameters before the repository and the images, for the calls where the model-based test found the
/// registry checking in another order.
/// </summary>
/// <remarks>Runs against the default registry here; derived classes run the same rules against other stores.</remarks>
public class CheckOrderTests
{
    private readonly Registry _registry;

    public CheckOrderTests()
        : this(RegistryFactory.InMemory)
    {
    }

    protected CheckOrderTests(RegistryFactory factory) => _registry = factory.Create(RegistryOptions.Default);

    [Fact]
    public void DescribeImages_with_an_empty_id_is_InvalidParameterException_even_when_the_repository_is_missing()
    {
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(
            () => _registry.DescribeImages(Name("app"), [ImageId.ForTag(Tag.Parse("v1")), default]));
        Assert.Equal("imageIds", error.Parameter);
    }

    [Fact]
    public void DescribeImages_with_an_empty_id_is_InvalidParameterException_even_after_an_id_that_is_not_found()
    {
        _registry.CreateRepository(Name("app"));
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(
            () => _registry.DescribeImages(Name("app"), [ImageId.ForTag(Tag.Parse("missing")), default]));
        Assert.Equal("imageIds", error.Parameter);
    }

    [Fact]
    public void DescribeRepositories_with_a_name_the_grammar_refuses_is_InvalidParameterException_not_RepositoryNotFound()
    {
        // "x" is a valid OCI name but breaks ECR's 2..256 length; every other call reports it as a parameter error.
        _registry.CreateRepository(Name("app"));
        Assert.Throws<InvalidParameterException>(() => _registry.CreateRepository(Name("x")));
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(() => _registry.DescribeRepositories([Name("missing"), Name("x")]));
        Assert.Equal("repositoryNames", error.Parameter);
    }
}
