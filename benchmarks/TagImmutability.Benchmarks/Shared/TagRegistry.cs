using TagImmutability.Registries;
using TagImmutability.Storage;

namespace TagImmutability.Benchmarks.Shared;

/// <summary>
/// An in-memory registry holding one repository, <c>team/app</c>, with a given set of tags spread over images the way
/// ECR's limits require (at most 1,000 tags per image: here <see cref="TagsPerImage"/>, so 1,000,000 tags sit on 2,000
/// images), beside 63 other, empty repositories so that finding the repository is a real lookup too.
/// </summary>
/// <remarks>
/// Built through the public API (<see cref="Registry.PutImage"/> untagged, then one <see cref="Registry.TagImage"/> per
/// tag), so its layout is what a registry reaches by ordinary pushes. At 1,000,000 tags that takes 30 to 60 seconds on
/// the 2-core benchmark machine (each tag write copies part of the index's directory), which is why
/// <see cref="TagFixture"/> builds one per process. Thread safety: as <see cref="Registry"/>.
/// </remarks>
public sealed class TagRegistry
{
    /// <summary>The repository's name: <c>team/app</c>.</summary>
    public const string RepositoryText = "team/app";

    /// <summary>How many tags each image carries: 500, half ECR's limit.</summary>
    public const int TagsPerImage = 500;

    private TagRegistry(Registry registry)
    {
        Registry = registry;
    }

    /// <summary>The registry.</summary>
    public Registry Registry { get; }

    /// <summary><c>team/app</c>, parsed.</summary>
    public RepositoryName Repository { get; } = RepositoryName.Parse(RepositoryText);

    /// <summary>The repository's tag index itself: the structure <see cref="Registry.TryResolveTag(RepositoryName, Tag, out Digest)"/> reads after finding the repository.</summary>
    internal TagIndex Index => Cell.State.Tags;

    /// <summary>The repository's cell: its lock and current snapshot, which benchmarks that write save and put back.</summary>
    internal RepositoryCell Cell => ((InMemoryRegistryStore)Registry.Store).Repositories.TryGetValue(RepositoryText, out RepositoryCell? cell)
        ? cell
        : throw new InvalidOperationException($"no repository {RepositoryText}");

    /// <summary>How many images <paramref name="tagCount"/> tags sit on.</summary>
    /// <param name="tagCount">The number of tags.</param>
    /// <returns><paramref name="tagCount"/> / <see cref="TagsPerImage"/>, rounded up.</returns>
    public static int ImageCountFor(int tagCount) => (tagCount + TagsPerImage - 1) / TagsPerImage;

    /// <summary>The image tag <paramref name="tagIndex"/> names: tags go round the images in turn.</summary>
    /// <param name="tagIndex">The tag's position in the tag set.</param>
    /// <param name="imageCount">How many images.</param>
    /// <returns>The image's build number, for <see cref="OciManifests.Image"/>.</returns>
    public static int ImageOf(int tagIndex, int imageCount) => tagIndex % imageCount;

    /// <summary>Builds a registry holding <paramref name="tags"/> in <c>team/app</c>, with the given policy.</summary>
    /// <param name="tags">The tags, distinct.</param>
    /// <param name="images">The images' manifests (<see cref="OciManifests.Image"/> 0, 1, ...), <see cref="ImageCountFor"/> of them.</param>
    /// <param name="policy">The repository's tag mutability policy.</param>
    /// <returns>The registry.</returns>
    public static TagRegistry Build(string[] tags, ParsedManifest[] images, TagMutabilityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(images);
        var registry = new Registry();
        for (int i = 0; i < 63; i++)
        {
            registry.CreateRepository(RepositoryName.Parse($"team/svc-{i:00}"));
        }

        var built = new TagRegistry(registry);
        registry.CreateRepository(built.Repository, policy);
        foreach (ParsedManifest image in images)
        {
            registry.PutImage(built.Repository, image.Content);
        }

        for (int i = 0; i < tags.Length; i++)
        {
            registry.TagImage(built.Repository, Tag.Parse(tags[i], GrammarProfile.Ecr), images[ImageOf(i, images.Length)].Digest);
        }

        return built;
    }
}
