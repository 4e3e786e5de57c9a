using System.Collections.Immutable;

namespace TagImmutability;

// The ValueTask forms: the same operations, for stores that do I/O. In memory they complete synchronously; over a
// shared store they are asynchronous. An error is carried by the returned task rather than thrown from the call.
public sealed partial class Registry
{
    /// <summary>The <c>ValueTask</c> form of <see cref="CreateRepository(RepositoryName, TagMutabilityPolicy)"/>; errors are carried by the task.</summary>
    /// <param name="name">The repository's name.</param>
    /// <param name="policy">The tag mutability policy.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The new repository.</returns>
    public ValueTask<RepositoryInfo> CreateRepositoryAsync(RepositoryName name, TagMutabilityPolicy policy, CancellationToken cancellationToken = default) =>
        Run(() => CreateRepositoryCoreAsync(name, policy, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="DescribeRepositories()"/>.</summary>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The repositories.</returns>
    public ValueTask<ImmutableArray<RepositoryInfo>> DescribeRepositoriesAsync(CancellationToken cancellationToken) =>
        Run(() => DescribeRepositoriesCoreAsync(cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="DeleteRepository"/>; errors are carried by the task.</summary>
    /// <param name="name">The repository's name.</param>
    /// <param name="force">Whether to delete a repository that still holds images.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The deleted repository.</returns>
    public ValueTask<RepositoryInfo> DeleteRepositoryAsync(RepositoryName name, bool force, CancellationToken cancellationToken = default) =>
        Run(() => DeleteRepositoryCoreAsync(name, force, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="PutImageTagMutability"/>; errors are carried by the task.</summary>
    /// <param name="name">The repository's name.</param>
    /// <param name="policy">The new policy.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The repository with its new policy.</returns>
    public ValueTask<RepositoryInfo> PutImageTagMutabilityAsync(RepositoryName name, TagMutabilityPolicy policy, CancellationToken cancellationToken = default) =>
        Run(() => PutImageTagMutabilityCoreAsync(name, policy, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="PutImage(RepositoryName, ReadOnlyMemory{byte}, Tag?, MediaType?, Digest?)"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="manifest">The manifest's exact bytes.</param>
    /// <param name="tag">The tag, or <see langword="null"/>.</param>
    /// <param name="mediaType">The media type when the manifest has none, or <see langword="null"/>.</param>
    /// <param name="imageDigest">The expected digest, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The image as stored.</returns>
    public ValueTask<ImageDetail> PutImageAsync(
        RepositoryName repository,
        ReadOnlyMemory<byte> manifest,
        Tag? tag = null,
        MediaType? mediaType = null,
        Digest? imageDigest = null,
        CancellationToken cancellationToken = default) =>
        Run(() => PutImageCoreAsync(repository, manifest, tag, mediaType, imageDigest, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="BatchGetImage"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="imageIds">1..100 ids.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The images and the failures.</returns>
    public ValueTask<BatchGetImageResult> BatchGetImageAsync(RepositoryName repository, IEnumerable<ImageId> imageIds, CancellationToken cancellationToken = default) =>
        Run(() => BatchGetImageCoreAsync(repository, imageIds, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="BatchDeleteImage"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="imageIds">1..100 ids.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>What was deleted and the failures.</returns>
    public ValueTask<BatchDeleteImageResult> BatchDeleteImageAsync(RepositoryName repository, IEnumerable<ImageId> imageIds, CancellationToken cancellationToken = default) =>
        Run(() => BatchDeleteImageCoreAsync(repository, imageIds, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="DescribeImages(RepositoryName, TagStatus)"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tagStatus">Which images.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The images.</returns>
    public ValueTask<ImmutableArray<ImageDetail>> DescribeImagesAsync(RepositoryName repository, TagStatus tagStatus, CancellationToken cancellationToken) =>
        Run(() => DescribeImagesCoreAsync(repository, tagStatus, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="DescribeImages(RepositoryName, IEnumerable{ImageId})"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="imageIds">1..100 ids.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The images, in request order.</returns>
    public ValueTask<ImmutableArray<ImageDetail>> DescribeImagesAsync(RepositoryName repository, IEnumerable<ImageId> imageIds, CancellationToken cancellationToken) =>
        Run(() => DescribeImagesCoreAsync(repository, imageIds, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="DescribeRepositories(IEnumerable{RepositoryName})"/>; errors are carried by the task.</summary>
    /// <param name="names">1..100 names.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The repositories, in the order asked.</returns>
    public ValueTask<ImmutableArray<RepositoryInfo>> DescribeRepositoriesAsync(IEnumerable<RepositoryName> names, CancellationToken cancellationToken) =>
        Run(() => DescribeRepositoriesCoreAsync(names, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="ListImages(RepositoryName, TagStatus)"/>; errors are carried by the task.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tagStatus">Which images.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The ids.</returns>
    public ValueTask<ImmutableArray<ImageId>> ListImagesAsync(RepositoryName repository, TagStatus tagStatus, CancellationToken cancellationToken = default) =>
        Run(() => ListImagesCoreAsync(repository, tagStatus, cancellationToken), cancellationToken);

    /// <summary>The <c>ValueTask</c> form of <see cref="TryResolveTag(RepositoryName, Tag, out Digest)"/>: the digest, or <see langword="null"/> when the repository or tag does not exist.</summary>
    /// <param name="repository">The repository's name.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="cancellationToken">Cancels the call before it starts.</param>
    /// <returns>The digest, or <see langword="null"/>.</returns>
    public ValueTask<Digest?> ResolveTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default) =>
        Run(() => ResolveTagCoreAsync(repository, tag, cancellationToken), cancellationToken);

    // Starts an operation's ValueTask form: a cancelled token gives a cancelled task before anything runs, and an
    // exception thrown while starting is carried by the task like one thrown later.
    private static ValueTask<T> Run<T>(Func<ValueTask<T>> operation, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return operation();
        }
        catch (Exception error)
        {
            return ValueTask.FromException<T>(error);
        }
    }

    private ValueTask<Digest?> ResolveTagCoreAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken)
    {
        if (_memory is not null || repository.IsDefault || tag.IsDefault)
        {
            return new ValueTask<Digest?>(TryResolveTag(repository, tag, out Digest digest) ? digest : null);
        }

        return Store.ResolveTagAsync(repository, tag, cancellationToken);
    }
}
