using System.Security.Cryptography;
using System.Text;
using TagImmutability.Tests.Registries.Model;
using Xunit.Abstractions;

namespace TagImmutability.Tests.Registries;

/// <summary>
/// Model-based test: random sequences of operations run against the real <see cref="Registry"/> and against
/// <see cref="ReferenceRegistry"/>, a simple model written from the specification. After every step the outcomes
/// (success and what it returned, or the exception type, or the per-id failure codes) and the whole observable state
/// agree, and the registry's invariants hold.
/// </summary>
public sealed class RegistryModelTests(ITestOutputHelper output)
{
    [Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property Registry_agrees_with_the_reference_model_after_every_step() =>
        Prop.ForAll(StepGenerators.Scenarios, (Scenario scenario) => Run(scenario));

    /// <summary>Guards the generator: the scenarios reach every kind of outcome, so the property is not vacuous.</summary>
    [Fact]
    public void Generated_scenarios_reach_every_outcome()
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Scenario scenario in StepGenerators.Scenario.Sample(400))
        {
            foreach (string outcome in Run(scenario))
            {
                string kind = Kind(outcome);
                seen[kind] = seen.GetValueOrDefault(kind) + 1;
            }
        }

        string[] expected =
        [
            "throws InvalidParameterException", "throws RepositoryNotFoundException", "throws RepositoryAlreadyExistsException",
            "throws RepositoryNotEmptyException", "throws ImageTagAlreadyExistsException", "throws ImageAlreadyExistsException",
            "throws ImageDigestDoesNotMatchException", "throws ReferencedImagesNotFoundException", "throws LimitExceededException",
            "throws ImageNotFoundException", "failure ImageNotFound", "failure MissingDigestAndTag", "failure ImageTagDoesNotMatchDigest",
            "failure ImageReferencedByManifestList", "moved", "deleted", "ok",
        ];
        string report = string.Join(", ", seen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"));
        output.WriteLine(report);
        Assert.All(expected, kind => Assert.True(seen.GetValueOrDefault(kind) >= 3, $"'{kind}' occurred {seen.GetValueOrDefault(kind)} times; seen: {report}"));

        static string Kind(string outcome) =>
            Outcomes.IsFailure(outcome) ? outcome
            : outcome.Contains("MOVED", StringComparison.Ordinal) ? "moved"
            : outcome.Contains("failures=[", StringComparison.Ordinal) && !outcome.Contains("failures=[]", StringComparison.Ordinal)
                ? "failure " + outcome[(outcome.IndexOf("failures=[", StringComparison.Ordinal) + 10)..].Split('{')[0]
            : outcome.StartsWith("ok deleted=[{", StringComparison.Ordinal) ? "deleted"
            : "ok";
    }

    /// <summary>Runs one scenario; throws, with the whole history, at the first disagreement or broken invariant.</summary>
    internal static List<string> Run(Scenario scenario) => Run(scenario, RegistryFactory.InMemory);

    /// <summary>Runs one scenario against a registry <paramref name="factory"/> builds; throws at the first disagreement.</summary>
    public static List<string> Run(Scenario scenario, RegistryFactory factory)
    {
        var clock = new ManualClock { Now = RegistryDriver.Epoch };
        Registry registry = factory.Create(new RegistryOptions
        {
            TimeProvider = clock,
            MaxTagsPerImage = scenario.Limits.MaxTagsPerImage,
            MaxImagesPerRepository = scenario.Limits.MaxImagesPerRepository,
        });
        var driver = new RegistryDriver(registry);
        var model = new ReferenceRegistry(scenario.Limits);
        var history = new StringBuilder();
        var outcomes = new List<string>();
        RegistryView before = driver.View();
        for (int i = 0; i < scenario.Steps.Length; i++)
        {
            Step step = scenario.Steps[i];
            clock.Now = RegistryDriver.Epoch.AddSeconds(i + 1);
            model.Now = i + 1;
            string expected = model.Apply(step);
            int eventsBefore = Invariants.HistoryLength(registry, step);
            string actual = driver.Apply(step);
            int eventsAfter = Invariants.HistoryLength(registry, step);
            RegistryView after = driver.View();
            history.Append($"  {i + 1,2}. {step} => {actual}\n");

            void Fail(string what) => throw new InvalidOperationException(
                $"step {i + 1} ({step}): {what}\nhistory:\n{history}state before:\n{Outcomes.Render(before)}state after:\n{Outcomes.Render(after)}");

            // The checks that need no model first (invariants, immutable tags, failures change nothing), then the model's
            // outcome, then the whole state as the catch-all.
            string? broken = Invariants.Check(registry, after) ?? Invariants.CheckHistory(registry, after) ?? Invariants.CheckTransition(before, after, step, actual);
            if (broken is not null)
            {
                Fail(broken);
            }

            if (Invariants.CheckHistoryGrowth(registry, step, actual, eventsBefore, eventsAfter) is { } growth)
            {
                Fail(growth);
            }

            string realState = Outcomes.Render(after);
            bool changesNothing = Outcomes.IsFailure(actual) || step.IsRead || actual.StartsWith("ok deleted=[]", StringComparison.Ordinal);
            if (changesNothing && Outcomes.Render(before) != realState)
            {
                Fail("a failed or read-only operation changed the state");
            }

            if (expected != actual)
            {
                Fail($"outcome differs\n  model:    {expected}\n  registry: {actual}");
            }

            string modelState = Outcomes.Render(model.View());
            if (modelState != realState)
            {
                Fail($"state differs\nmodel:\n{modelState}registry:\n{realState}");
            }

            outcomes.Add(MarkMoves(before, step, actual));
            before = after;
        }

        return outcomes;
    }

    // Marks a successful push that moved a tag, for the coverage guard.
    private static string MarkMoves(RegistryView before, Step step, string outcome) =>
        step is Push { Tag: { } tag } push && !Outcomes.IsFailure(outcome)
            && before.Repos.FirstOrDefault(r => r.Name == push.Repo)?.Resolved.Any(b => b.Tag == tag) == true
            ? outcome + " MOVED"
            : outcome;
}

/// <summary>The registry's invariants, checked on its observable state.</summary>
public static class Invariants
{
    /// <summary>
    /// The tag history of each repository replays to its bindings: numbered from 0 without gaps, in time order, each
    /// event starting from the binding the ones before it left, a rejection changing nothing. Returns what is broken, or null.
    /// </summary>
    public static string? CheckHistory(Registry registry, RegistryView view) =>
        view.Repos.Select(repo => HistoryReplay(registry, repo) is { } broken ? $"{repo.Name}: {broken}" : null).FirstOrDefault(b => b is not null);

    /// <summary>How many events the history of the step's repository holds; -1 when the step names none that exists.</summary>
    public static int HistoryLength(Registry registry, Step step)
    {
        string? repo = step switch
        {
            Push p => p.Repo,
            DeleteImages d => d.Repo,
            SetPolicy s => s.Repo,
            _ => null,
        };
        return repo is not null && RepositoryName.TryParse(repo, GrammarProfile.Ecr, out RepositoryName name)
            && registry.DescribeRepositories().Any(r => r.Name == name)
            ? registry.GetHistory(name).Length
            : -1;
    }

    /// <summary>
    /// What one step adds to its repository's history: a tagged push one Created or Moved event, a push refused for
    /// immutability one Rejected event, a deletion one Removed event per tag deleted, anything else nothing.
    /// </summary>
    public static string? CheckHistoryGrowth(Registry registry, Step step, string outcome, int before, int after)
    {
        if (before < 0)
        {
            return null;
        }

        int expected = step switch
        {
            Push { Tag: not null } when outcome.StartsWith("throws ImageTagAlreadyExistsException", StringComparison.Ordinal) => 1,
            Push { Tag: not null } when !Outcomes.IsFailure(outcome) => 1,
            DeleteImages when !Outcomes.IsFailure(outcome) => DeletedTagCount(outcome),
            _ => 0,
        };
        if (after - before != expected)
        {
            return $"the history grew by {after - before} events, expected {expected} ({outcome})";
        }

        if (expected == 1 && step is Push p)
        {
            TagEvent last = registry.GetHistory(RepositoryName.Parse(p.Repo))[^1];
            bool rejected = Outcomes.IsFailure(outcome);
            if ((last.Kind == TagEventKind.Rejected) != rejected || last.Tag.Value != p.Tag)
            {
                return $"the push recorded {last}, expected a {(rejected ? "rejection" : "creation or move")} of {p.Tag}";
            }
        }

        return null;

        // The outcome renders deleted ids as {label:tag}, or {label} for an untagged image.
        static int DeletedTagCount(string text)
        {
            int start = text.IndexOf("deleted=[", StringComparison.Ordinal) + "deleted=[".Length;
            int end = text.IndexOf(']', start);
            return text[start..end].Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(id => id.Contains(':', StringComparison.Ordinal));
        }
    }

    private static string? HistoryReplay(Registry registry, RepoView repo)
    {
        var history = registry.GetHistory(RepositoryName.Parse(repo.Name));
        var bindings = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < history.Length; i++)
        {
            TagEvent e = history[i];
            string? bound = bindings.GetValueOrDefault(e.Tag.Value);
            if (e.Sequence != i || (i > 0 && e.Timestamp < history[i - 1].Timestamp) || e.OldDigest?.ToString() != bound)
            {
                return $"history event {e} does not follow the events before it";
            }

            bool shapeRight = e.Kind switch
            {
                TagEventKind.Created => e.OldDigest is null && e.NewDigest is not null,
                TagEventKind.Moved => e.OldDigest is not null && e.NewDigest is not null && e.OldDigest != e.NewDigest,
                TagEventKind.Removed => e.OldDigest is not null && e.NewDigest is null,
                _ => e.OldDigest is not null && e.NewDigest is not null,
            };
            if (!shapeRight)
            {
                return $"history event {e} has the wrong shape";
            }

            if (e.DigestAfter is { } after)
            {
                bindings[e.Tag.Value] = after.ToString();
            }
            else
            {
                bindings.Remove(e.Tag.Value);
            }
        }

        return bindings.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(repo.Resolved.Select(r => new KeyValuePair<string, string>(r.Tag, r.Digest)).OrderBy(p => p.Key, StringComparer.Ordinal))
            ? null
            : "replaying the history does not give the bindings";
    }

    /// <summary>Checks one state. Returns what is broken, or null.</summary>
    public static string? Check(Registry registry, RegistryView view)
    {
        foreach (RepoView repo in view.Repos)
        {
            // A digest appears once.
            if (repo.Images.Select(i => i.Digest).Distinct().Count() != repo.Images.Length)
            {
                return $"{repo.Name}: a digest appears twice";
            }

            // A tag names exactly one digest: it sits on one image, once.
            string[] allTags = [.. repo.Images.SelectMany(i => i.Tags)];
            if (allTags.Distinct(StringComparer.Ordinal).Count() != allTags.Length)
            {
                return $"{repo.Name}: a tag sits on two images, or twice on one";
            }

            // Every tag names an existing image, and the image carries it; and every tag an image carries resolves to it.
            foreach ((string tag, string digest) in repo.Resolved)
            {
                if (!repo.Images.Any(i => i.Digest == digest && i.Tags.Contains(tag)))
                {
                    return $"{repo.Name}: tag {tag} resolves to {ManifestPool.Label(digest)}, which does not exist or does not carry it";
                }
            }

            foreach (ImageView image in repo.Images)
            {
                foreach (string tag in image.Tags)
                {
                    if (!repo.Resolved.Contains((tag, image.Digest)))
                    {
                        return $"{repo.Name}: image {ManifestPool.Label(image.Digest)} carries {tag}, which does not resolve to it";
                    }
                }

                // An index's children are in the repository.
                PoolEntry? entry = ManifestPool.Entries.FirstOrDefault(e => e.DigestText == image.Digest);
                foreach (string child in entry?.Children ?? [])
                {
                    if (!repo.Images.Any(i => ManifestPool.Label(i.Digest) == child))
                    {
                        return $"{repo.Name}: index {entry!.Label} references {child}, which is gone";
                    }
                }
            }

            // ListImages is DescribeImages flattened.
            string[] flattened = [.. repo.Images.SelectMany(i => i.Tags.Length == 0 ? [Outcomes.Id(i.Digest, null)] : i.Tags.Select(t => Outcomes.Id(i.Digest, t)))];
            if (!flattened.SequenceEqual(repo.Listed))
            {
                return $"{repo.Name}: ListImages [{string.Join(" ", repo.Listed)}] is not DescribeImages flattened [{string.Join(" ", flattened)}]";
            }

            // Each image's digest is the sha256 of the bytes the registry returns.
            foreach (ImageDetail image in registry.DescribeImages(RegistryDriver.Name(repo.Name)))
            {
                if ("sha256:" + Convert.ToHexString(SHA256.HashData(image.Manifest.Span)).ToLowerInvariant() != image.Digest.ToString())
                {
                    return $"{repo.Name}: {image.Digest} is not the sha256 of its bytes";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Checks one step's change of tags. A tag stops naming its digest only through BatchDeleteImage (or the
    /// repository's deletion); it names another digest only through a successful PutImage of that tag, and only when
    /// the policy in force before the step made it mutable. So the digest under an immutable tag never changes except
    /// through deletion of the tag or its image.
    /// </summary>
    public static string? CheckTransition(RegistryView before, RegistryView after, Step step, string outcome)
    {
        foreach (RepoView old in before.Repos)
        {
            RepoView? now = after.Repos.FirstOrDefault(r => r.Name == old.Name);
            if (now is null)
            {
                if (step is not DeleteRepo { } delete || delete.Repo != old.Name || Outcomes.IsFailure(outcome))
                {
                    return $"repository {old.Name} vanished without a DeleteRepository";
                }

                continue;
            }

            foreach ((string tag, string digest) in old.Resolved)
            {
                string? current = now.Resolved.FirstOrDefault(r => r.Tag == tag).Digest;
                if (current is null && (step is not DeleteImages { } deletion || deletion.Repo != old.Name || Outcomes.IsFailure(outcome)))
                {
                    return $"{old.Name}: tag {tag} vanished without a BatchDeleteImage";
                }

                if (current is not null && current != digest)
                {
                    if (ReferenceRegistry.IsTagImmutable(old.Mode, old.Filters, tag))
                    {
                        return $"{old.Name}: immutable tag {tag} ({old.Mode} [{string.Join(",", old.Filters)}]) moved from {ManifestPool.Label(digest)} to {ManifestPool.Label(current)}";
                    }

                    if (step is not Push { } push || push.Repo != old.Name || push.Tag != tag || Outcomes.IsFailure(outcome))
                    {
                        return $"{old.Name}: tag {tag} moved without a PutImage of it";
                    }
                }
            }
        }

        return null;
    }
}
