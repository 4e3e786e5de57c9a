namespace TagImmutability.Server.Journal;

/// <summary>
/// The registry side of the distribution API's writes, shared by the live request and the journal's replay so that
/// both run exactly the same calls in the same order: what a replay does is, by construction, what the server did.
/// </summary>
/// <remarks><b>Thread safety:</b> stateless; the registry's own guarantees apply.</remarks>
internal static class RegistryWrites
{
    /// <summary>Creates the repository a push names (create on push); <see langword="false"/> when it already exists.</summary>
    public static bool CreateOnPush(Registry registry, RepositoryName name, TagMutabilityPolicy policy)
    {
        try
        {
            registry.CreateRepository(name, policy);
            return true;
        }
        catch (RepositoryAlreadyExistsException)
        {
            return false;
        }
    }

    /// <summary>
    /// A manifest PUT: with several tags, refuses them all when one of them would be refused (the refusing decision
    /// is returned and nothing changes); otherwise puts the image once per tag (once untagged when there is none),
    /// treating "already there" as success as ECR's push proxy does (decisions Q1, Q2).
    /// </summary>
    /// <returns>The refusing decision of a several-tag push, or <see langword="null"/> when the push was applied.</returns>
    /// <exception cref="RegistryException">The registry refused one of the puts (earlier tags of the same push stay applied, as the live server did).</exception>
    public static TagWriteDecision? PushManifest(Registry registry, RepositoryName name, ReadOnlyMemory<byte> manifest, MediaType? mediaType, Digest manifestDigest, Digest? imageDigest, IReadOnlyList<Tag> tags)
    {
        if (tags.Count > 1)
        {
            foreach (TagWriteDecision decision in registry.CheckPushPlan(name, tags.Select(t => (t, manifestDigest))))
            {
                if (!decision.IsAllowed)
                {
                    return decision;
                }
            }
        }

        if (tags.Count == 0)
        {
            PutImage(registry, name, manifest, null, mediaType, imageDigest);
        }

        foreach (Tag tag in tags)
        {
            PutImage(registry, name, manifest, tag, mediaType, imageDigest);
        }

        return null;
    }

    /// <summary>A manifest DELETE: by digest deletes the image, by tag removes only the tag.</summary>
    public static BatchDeleteImageResult DeleteManifest(Registry registry, RepositoryName name, ImageId id) => registry.BatchDeleteImage(name, [id]);

    private static void PutImage(Registry registry, RepositoryName name, ReadOnlyMemory<byte> manifest, Tag? tag, MediaType? mediaType, Digest? imageDigest)
    {
        try
        {
            _ = registry.PutImage(name, manifest, tag, mediaType, imageDigest);
        }
        catch (ImageAlreadyExistsException)
        {
        }
    }
}
