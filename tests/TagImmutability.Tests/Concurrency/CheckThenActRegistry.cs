using TagImmutability.Tests.Registries.Model;

namespace TagImmutability.Tests.Concurrency;

/// <summary>
/// A deliberately broken registry, for the checkers' self-tests: a tagged push decides from a read of the tag (the
/// check) and writes later without deciding again (the act), as a registry would that read its tag map outside the
/// transaction that writes it. Between the two a racing push can bind the tag; the act then overwrites it (clearing
/// the tag first, since the registry underneath would refuse). Sequentially it answers exactly like the real registry.
/// </summary>
public sealed class CheckThenActRegistry(Registry registry)
{
    private readonly RegistryDriver _driver = new(registry);

    public string Apply(Step step)
    {
        if (step is not Push { Tag: { } text } push)
        {
            return _driver.Apply(step);
        }

        RepositoryName name;
        Tag tag = RegistryDriver.TagOf(text);
        Digest digest = push.Entry.Manifest.Digest;
        try
        {
            // The check.
            name = RegistryDriver.Name(push.Repo);
            TagExplanation explanation = registry.Explain(name, tag);
            if (explanation.CurrentDigest is { } current)
            {
                if (explanation.IsImmutable)
                {
                    return Outcomes.Throws(nameof(ImageTagAlreadyExistsException));
                }

                if (current == digest)
                {
                    return Outcomes.Throws(nameof(ImageAlreadyExistsException));
                }
            }
        }
        catch (Exception error)
        {
            return Outcomes.Throws(error.GetType().Name);
        }

        // The window in which another thread's push can land.
        Thread.Yield();

        // The act, on the stale decision.
        try
        {
            if (registry.TryResolveTag(name, tag, out Digest now) && now != digest)
            {
                registry.BatchDeleteImage(name, [ImageId.ForTag(tag)]);
            }
        }
        catch (Exception error)
        {
            return Outcomes.Throws(error.GetType().Name);
        }

        return _driver.Apply(push);
    }
}

/// <summary>
/// A deliberately broken registry, for the stress test's self-test: a push to an immutable tag that names another
/// digest is let through by switching the repository to <c>MUTABLE</c> for the push and back afterwards, as an
/// "admin override" would. Each call still answers consistently with the state it leaves; only the rule is broken.
/// </summary>
public sealed class PolicyBypassRegistry(Registry registry)
{
    private readonly RegistryDriver _driver = new(registry);
    private readonly object _gate = new();

    public string Apply(Step step)
    {
        if (step is not Push { Tag: { } text } push)
        {
            return _driver.Apply(step);
        }

        lock (_gate)
        {
            RepositoryName name = RegistryDriver.Name(push.Repo);
            TagExplanation explanation = registry.Explain(name, RegistryDriver.TagOf(text));
            if (!explanation.IsImmutable || explanation.CurrentDigest is not { } current || current == push.Entry.Manifest.Digest)
            {
                return _driver.Apply(step);
            }

            TagMutabilityPolicy policy = explanation.Policy;
            registry.PutImageTagMutability(name, TagMutabilityPolicy.Mutable);
            try
            {
                return _driver.Apply(step);
            }
            finally
            {
                registry.PutImageTagMutability(name, policy);
            }
        }
    }
}
