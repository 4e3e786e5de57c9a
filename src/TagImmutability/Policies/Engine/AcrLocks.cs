namespace TagImmutability;

/// <summary>
/// Azure Container Registry's lock model as pure decisions, in the same <see cref="PolicyDecision"/> vocabulary as
/// <see cref="ImmutabilityPolicy"/>. ACR has no rules or patterns: each repository, tag and manifest carries its own
/// <see cref="AcrLockAttributes"/>, and tag and manifest attributes are independent (locking a tag does not lock its
/// manifest). Source: Azure docs, "Lock a container image in an Azure container registry".
/// </summary>
/// <remarks>
/// Decisions report the rule id <c>acr:repository</c>, <c>acr:tag</c> or <c>acr:manifest</c> and, as the pattern, the
/// object's name; reason <see cref="PolicyReason.WriteDisabled"/> or <see cref="PolicyReason.DeleteDisabled"/>.
/// <para><b>Thread safety:</b> stateless; safe from any thread.</para>
/// </remarks>
public static class AcrLocks
{
    /// <summary>
    /// Decides a push of <paramref name="tag"/>: a repository with <c>writeEnabled=false</c> takes no push; an existing
    /// tag with <c>writeEnabled=false</c> cannot be moved or re-pushed; <c>deleteEnabled=false</c> alone does not block it.
    /// </summary>
    /// <param name="repository">The repository.</param>
    /// <param name="repositoryLocks">The repository's attributes.</param>
    /// <param name="tag">The tag; not the default value.</param>
    /// <param name="current">The tag's binding now, or <see langword="null"/>.</param>
    /// <param name="tagLocks">The tag's attributes (ignored for a new tag).</param>
    /// <param name="proposed">The digest proposed; not the default value.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A default tag or digest.</exception>
    public static PolicyDecision DecidePush(string repository, AcrLockAttributes repositoryLocks, Tag tag, TagBinding? current, AcrLockAttributes tagLocks, Digest proposed)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (tag.IsDefault || proposed.IsDefault)
        {
            throw new ArgumentException("tag and proposed digest must not be default values", tag.IsDefault ? nameof(tag) : nameof(proposed));
        }

        Digest? existing = current?.Digest;
        bool identical = existing == proposed;
        TagProtection needed = current is null ? TagProtection.BlockMove : identical ? TagProtection.BlockIdenticalRepush : TagProtection.BlockMove;
        if (!repositoryLocks.WriteEnabled)
        {
            return Deny(PolicyOperation.PushTag, repository, tag.Value, existing, proposed, needed, PolicyReason.WriteDisabled, "acr:repository", repository);
        }

        if (current is not null && !tagLocks.WriteEnabled)
        {
            return Deny(PolicyOperation.PushTag, repository, tag.Value, existing, proposed, needed, PolicyReason.WriteDisabled, "acr:tag", tag.Value);
        }

        PolicyOutcome outcome = current is null ? PolicyOutcome.Created : identical ? PolicyOutcome.Unchanged : PolicyOutcome.Moved;
        return new PolicyDecision(PolicyOperation.PushTag, outcome, current is null ? PolicyReason.NewTag : PolicyReason.NotProtected, repository, tag.Value, existing, proposed);
    }

    /// <summary>Decides untagging: denied when the tag (or the repository) has <c>writeEnabled=false</c> or <c>deleteEnabled=false</c> on the tag.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="repositoryLocks">The repository's attributes.</param>
    /// <param name="binding">The tag's binding; not the default value.</param>
    /// <param name="tagLocks">The tag's attributes.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="binding"/> is the default value.</exception>
    public static PolicyDecision DecideRemoveTag(string repository, AcrLockAttributes repositoryLocks, TagBinding binding, AcrLockAttributes tagLocks)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (binding.Tag.IsDefault)
        {
            throw new ArgumentException("default(TagBinding) is not a binding", nameof(binding));
        }

        string tag = binding.Tag.Value;
        if (!repositoryLocks.WriteEnabled)
        {
            return Deny(PolicyOperation.RemoveTag, repository, tag, binding.Digest, null, TagProtection.BlockRemove, PolicyReason.WriteDisabled, "acr:repository", repository);
        }

        if (!tagLocks.EffectiveDeleteEnabled)
        {
            return Deny(PolicyOperation.RemoveTag, repository, tag, binding.Digest, null, TagProtection.BlockRemove,
                tagLocks.WriteEnabled ? PolicyReason.DeleteDisabled : PolicyReason.WriteDisabled, "acr:tag", tag);
        }

        return new PolicyDecision(PolicyOperation.RemoveTag, PolicyOutcome.Removed, PolicyReason.NotProtected, repository, tag, binding.Digest);
    }

    /// <summary>
    /// Decides deleting a manifest by digest: denied when the manifest (or the repository) has <c>writeEnabled=false</c>,
    /// or the manifest has <c>deleteEnabled=false</c>. Tag locks do not protect the manifest (attributes are independent).
    /// </summary>
    /// <param name="repository">The repository.</param>
    /// <param name="repositoryLocks">The repository's attributes.</param>
    /// <param name="image">The manifest's digest; not the default value.</param>
    /// <param name="manifestLocks">The manifest's attributes.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="image"/> is the default value.</exception>
    public static PolicyDecision DecideDeleteImage(string repository, AcrLockAttributes repositoryLocks, Digest image, AcrLockAttributes manifestLocks)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (image.IsDefault)
        {
            throw new ArgumentException("image must not be default(Digest)", nameof(image));
        }

        if (!repositoryLocks.WriteEnabled)
        {
            return Deny(PolicyOperation.DeleteImage, repository, null, image, null, TagProtection.BlockDeleteTaggedImage, PolicyReason.WriteDisabled, "acr:repository", repository);
        }

        if (!manifestLocks.EffectiveDeleteEnabled)
        {
            return Deny(PolicyOperation.DeleteImage, repository, null, image, null, TagProtection.BlockDeleteTaggedImage,
                manifestLocks.WriteEnabled ? PolicyReason.DeleteDisabled : PolicyReason.WriteDisabled, "acr:manifest", image.ToString());
        }

        return new PolicyDecision(PolicyOperation.DeleteImage, PolicyOutcome.Deleted, PolicyReason.NotProtected, repository, null, image);
    }

    /// <summary>Decides deleting the repository: denied when it has <c>writeEnabled=false</c> or <c>deleteEnabled=false</c>.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="repositoryLocks">The repository's attributes.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> is <see langword="null"/>.</exception>
    public static PolicyDecision DecideDeleteRepository(string repository, AcrLockAttributes repositoryLocks)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return repositoryLocks.EffectiveDeleteEnabled
            ? new PolicyDecision(PolicyOperation.DeleteRepository, PolicyOutcome.Deleted, PolicyReason.NotProtected, repository, null)
            : Deny(PolicyOperation.DeleteRepository, repository, null, null, null, TagProtection.BlockDeleteRepository,
                repositoryLocks.WriteEnabled ? PolicyReason.DeleteDisabled : PolicyReason.WriteDisabled, "acr:repository", repository);
    }

    /// <summary>Whether an object may be pulled: its own <c>readEnabled</c> and its repository's.</summary>
    /// <param name="repositoryLocks">The repository's attributes.</param>
    /// <param name="objectLocks">The tag's or manifest's attributes.</param>
    /// <returns><see langword="true"/> when readable.</returns>
    public static bool CanRead(AcrLockAttributes repositoryLocks, AcrLockAttributes objectLocks) => repositoryLocks.ReadEnabled && objectLocks.ReadEnabled;

    /// <summary>Whether an object appears in listings: its own <c>listEnabled</c> and its repository's.</summary>
    /// <param name="repositoryLocks">The repository's attributes.</param>
    /// <param name="objectLocks">The tag's or manifest's attributes.</param>
    /// <returns><see langword="true"/> when listed.</returns>
    public static bool IsListed(AcrLockAttributes repositoryLocks, AcrLockAttributes objectLocks) => repositoryLocks.ListEnabled && objectLocks.ListEnabled;

    private static PolicyDecision Deny(PolicyOperation operation, string repository, string? tag, Digest? existing, Digest? proposed, TagProtection switchUsed, PolicyReason reason, string ruleId, string name) =>
        new(operation, PolicyOutcome.Denied, reason, repository, tag, existing, proposed, switchUsed, ruleId, name);
}
