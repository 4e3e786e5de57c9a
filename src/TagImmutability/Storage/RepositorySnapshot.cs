using System.Collections.Immutable;

namespace TagImmutability.Storage;

/// <summary>
/// What <see cref="RegistryStore.ReadAsync"/> returns: one consistent view of a repository (everything in it was true at
/// one instant), limited to what a <see cref="RepositoryQuery"/> asked for.
/// </summary>
/// <remarks>
/// <para>
/// <b>Closure.</b> <see cref="Images"/> holds the image every asked-for tag names and every asked-for digest identifies
/// (or every image, for <see cref="RepositoryQuery.All"/>), each with all its tags. So the tags of the loaded images
/// are exactly the loaded bindings, and an asked-for tag that no loaded image carries names nothing.
/// </para>
/// <para><b>Thread safety:</b> immutable; safe to share between threads.</para>
/// </remarks>
public sealed class RepositorySnapshot
{
    /// <summary>Creates the snapshot.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="imageCount">How many images the whole repository holds.</param>
    /// <param name="images">The images asked for, in push order (<see cref="StoredImage.Sequence"/>).</param>
    /// <param name="isComplete">Whether <paramref name="images"/> is every image of the repository.</param>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="imageCount"/> is negative or less than the images given.</exception>
    public RepositorySnapshot(StoredRepository repository, long imageCount, ImmutableArray<StoredImage> images, bool isComplete)
    {
        ArgumentNullException.ThrowIfNull(repository);
        images = images.IsDefault ? [] : images;
        ArgumentOutOfRangeException.ThrowIfLessThan(imageCount, images.Length);
        Repository = repository;
        ImageCount = imageCount;
        Images = images;
        IsComplete = isComplete;
    }

    /// <summary>The repository, with its policy and policy version.</summary>
    public StoredRepository Repository { get; }

    /// <summary>How many images the whole repository holds (not only the ones loaded).</summary>
    public long ImageCount { get; }

    /// <summary>The images asked for, in push order, each with all its tags.</summary>
    public ImmutableArray<StoredImage> Images { get; }

    /// <summary>Whether <see cref="Images"/> is every image of the repository.</summary>
    public bool IsComplete { get; }
}
