using System.Collections.Immutable;

namespace TagImmutability;

/// <summary>
/// The general tag-immutability engine: an ordered list of <see cref="ImmutabilityRule"/>s (OR-ed; each matching rule
/// adds its <see cref="TagProtection"/> switches) plus options, and pure decision functions over values — an operation
/// and the current bindings it touches in, a <see cref="PolicyDecision"/> out. One engine expresses ECR, Harbor, Google
/// Artifact Registry, Docker Hub, GitLab, Quay and write-once permissions; see the named constructors and
/// <c>docs/policies.md</c>. Azure Container Registry's per-object locks are decided by <see cref="AcrLocks"/> with the
/// same decision type.
/// </summary>
/// <remarks>
/// <para>
/// Creating a tag is always allowed (no registry's immutability blocks a new tag). A rule that cannot be evaluated
/// (a regular expression that times out) denies the operation with <see cref="PolicyReason.EvaluationFailed"/>: the
/// engine fails closed, unlike Harbor's middleware, which fails open.
/// </para>
/// <para><b>Thread safety:</b> immutable; the decision methods are pure and may be called from any thread.</para>
/// </remarks>
public sealed class ImmutabilityPolicy
{
    /// <summary>The id reported for decisions taken by a sticky flag.</summary>
    public const string StickyFlagRuleId = "sticky-flag";

    /// <summary>Harbor's documented limit: 15 immutability rules per project (enforced by its portal, not its API).</summary>
    public const int HarborMaxRules = 15;

    /// <summary>GitLab's limit: 5 tag rules per project.</summary>
    public const int GitLabMaxRules = 5;

    private ImmutabilityPolicy(
        ImmutableArray<ImmutabilityRule> rules,
        PolicyEvaluation evaluation,
        SignatureTagHandling signatureTags,
        bool identicalRepushIsNoOp,
        bool restrictDigestDeletes,
        TagProtection stickyProtection)
    {
        Rules = rules;
        Evaluation = evaluation;
        SignatureTags = signatureTags;
        IdenticalRepushIsNoOp = identicalRepushIsNoOp;
        RestrictsDigestDeletes = restrictDigestDeletes;
        StickyProtection = stickyProtection;
    }

    /// <summary>No rules: everything is allowed.</summary>
    public static ImmutabilityPolicy None { get; } = new([], PolicyEvaluation.Live, SignatureTagHandling.AsRules, false, false, TagProtection.None);

    /// <summary>The rules, in order; the first rule that denies is the one reported.</summary>
    public ImmutableArray<ImmutabilityRule> Rules { get; }

    /// <summary>Whether rules are evaluated live or set sticky flags at tag creation.</summary>
    public PolicyEvaluation Evaluation { get; }

    /// <summary>How signature, attestation and referrers tags are treated (<see cref="TagImmutability.SignatureTags"/>).</summary>
    public SignatureTagHandling SignatureTags { get; }

    /// <summary>
    /// Whether pushing a tag with the digest it already names is a no-op success even when a rule sets
    /// <see cref="TagProtection.BlockIdenticalRepush"/> (what CI reruns want). Off by default and in the ECR profile,
    /// which rejects it (<c>ImageTagAlreadyExistsException</c>).
    /// </summary>
    public bool IdenticalRepushIsNoOp { get; }

    /// <summary>Whether every delete by digest is refused while the policy has any rule, matched or not (GitLab: a digest delete cascades to all tags).</summary>
    public bool RestrictsDigestDeletes { get; }

    /// <summary>For <see cref="PolicyEvaluation.Sticky"/>, the switches a sticky flag sets; <see cref="TagProtection.None"/> for live policies.</summary>
    public TagProtection StickyProtection { get; }

    /// <summary>Creates a live policy from rules.</summary>
    /// <param name="rules">The rules; ids must be distinct.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rules"/> or a rule is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two rules share an id.</exception>
    public static ImmutabilityPolicy Create(IEnumerable<ImmutabilityRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ImmutableArray<ImmutabilityRule> list = [.. rules];
        if (list.Any(r => r is null))
        {
            throw new ArgumentNullException(nameof(rules), "a rule is null");
        }

        string? duplicate = list.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new ArgumentException($"two rules have the id '{duplicate}'", nameof(rules));
        }

        return new ImmutabilityPolicy(list, PolicyEvaluation.Live, SignatureTagHandling.AsRules, false, false, TagProtection.None);
    }

    /// <summary>
    /// Amazon ECR's <c>imageTagMutability</c> expressed in the general engine: <c>MUTABLE</c> has no rule;
    /// <c>IMMUTABLE</c> one rule for every tag; <c>IMMUTABLE_WITH_EXCLUSION</c> one rule excluding the filters;
    /// <c>MUTABLE_WITH_EXCLUSION</c> one rule matching the filters; each sets <see cref="TagProtection.Ecr"/>.
    /// Decides pushes exactly as <see cref="TagMutabilityPolicy.Evaluate"/> (property-tested); rule ids are ECR's mode names.
    /// </summary>
    /// <param name="ecr">The ECR policy.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ecr"/> is <see langword="null"/>.</exception>
    public static ImmutabilityPolicy Ecr(TagMutabilityPolicy ecr)
    {
        ArgumentNullException.ThrowIfNull(ecr);
        string id = TagMutabilityPolicy.EcrName(ecr.Mode);
        ImmutableArray<TagPattern> filters = [.. ecr.Filters.Select(TagPattern.Wildcard)];
        return ecr.Mode switch
        {
            ImageTagMutability.Mutable => None,
            ImageTagMutability.Immutable => Create([ImmutabilityRule.Create(id, TagProtection.Ecr, [TagPattern.Any])]),
            ImageTagMutability.ImmutableWithExclusion => Create([ImmutabilityRule.Create(id, TagProtection.Ecr, filters, excludeTags: true)]),
            _ => Create([ImmutabilityRule.Create(id, TagProtection.Ecr, filters)]),
        };
    }

    /// <summary>A Harbor project's immutability rules (OR-ed; <see cref="ImmutabilityRule.Harbor"/>).</summary>
    /// <param name="rules">The rules.</param>
    /// <param name="enforceRuleLimit">Whether to reject more than <see cref="HarborMaxRules"/> rules, as Harbor's portal does (its API does not).</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rules"/> or a rule is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two rules share an id, or the limit is enforced and exceeded.</exception>
    public static ImmutabilityPolicy Harbor(IEnumerable<ImmutabilityRule> rules, bool enforceRuleLimit = false)
    {
        ImmutabilityPolicy policy = Create(rules);
        if (enforceRuleLimit && policy.Rules.Length > HarborMaxRules)
        {
            throw new ArgumentException("Harbor allows at most 15 immutability rules per project", nameof(rules));
        }

        return policy;
    }

    /// <summary>
    /// Google Artifact Registry's <c>dockerConfig.immutableTags</c>: when on, one rule for every tag with
    /// <see cref="TagProtection.GoogleArtifactRegistry"/> (no move, no tag removal, no delete of a tagged image;
    /// untagged images stay deletable). Rule id <c>immutableTags</c>.
    /// </summary>
    /// <param name="immutableTags">The repository switch.</param>
    /// <returns>The policy.</returns>
    public static ImmutabilityPolicy GoogleArtifactRegistry(bool immutableTags) => immutableTags
        ? Create([ImmutabilityRule.Create("immutableTags", TagProtection.GoogleArtifactRegistry, [TagPattern.Any])])
        : None;

    /// <summary>
    /// Docker Hub's tag mutability (Docker docs, "Immutable tags"): with no patterns every tag is immutable; with
    /// patterns, the tags that match one (<see cref="TagPattern.DockerHub"/>). Immutable tags cannot be overwritten or
    /// deleted (<see cref="TagProtection.NoUpdateNoDelete"/>). Rule ids <c>dockerhub-1</c>, <c>dockerhub-2</c>, ….
    /// </summary>
    /// <param name="patterns">The "specific tags" regular expressions; empty for "all tags immutable".</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="patterns"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidTagPatternException">A pattern is invalid.</exception>
    public static ImmutabilityPolicy DockerHub(params string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        if (patterns.Length == 0)
        {
            return Create([ImmutabilityRule.Create("dockerhub-all", TagProtection.NoUpdateNoDelete, [TagPattern.Any])]);
        }

        return Create(patterns.Select((p, i) =>
        {
            string id = "dockerhub-" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ImmutabilityRule.Create(id, TagProtection.NoUpdateNoDelete, [TagPattern.DockerHub(p, id)]);
        }));
    }

    /// <summary>
    /// GitLab's immutable container tags (GitLab docs, "Immutable container tags"; container registry
    /// <c>validateTagImmutability</c>): up to 5 unanchored RE2 patterns of ≤ 100 characters; a matching existing tag
    /// cannot be updated (even with the same digest) or deleted; creating it is allowed; and any delete by digest is
    /// refused while a rule exists. Rule ids <c>gitlab-1</c>, ….
    /// </summary>
    /// <param name="patterns">1..5 patterns.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="patterns"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">More than 5 patterns, or none.</exception>
    /// <exception cref="InvalidTagPatternException">A pattern is invalid or longer than 100 characters.</exception>
    public static ImmutabilityPolicy GitLab(params string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        if (patterns.Length is 0 or > GitLabMaxRules)
        {
            throw new ArgumentException("GitLab allows 1..5 tag rules per project", nameof(patterns));
        }

        ImmutabilityPolicy policy = Create(patterns.Select((p, i) =>
        {
            string id = "gitlab-" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ImmutabilityRule.Create(id, TagProtection.NoUpdateNoDelete, [TagPattern.GitLab(p, id)]);
        }));
        return policy.With(restrictDigestDeletes: true);
    }

    /// <summary>
    /// Quay's immutability policies (quay/quay <c>data/model/immutability.py</c>): full-match patterns of ≤ 256
    /// characters, each matching or (<c>tagPatternMatches=false</c>) excluding. The policy is
    /// <see cref="PolicyEvaluation.Sticky"/>: a tag created while a rule selects it gets the flag
    /// (<see cref="PolicyDecision.SetsStickyFlag"/>), and from then on the flag alone blocks move, re-push, tag delete
    /// and digest delete (<see cref="TagProtection.NoUpdateNoDelete"/>), even after the policy is deleted.
    /// Rule ids <c>quay-1</c>, ….
    /// </summary>
    /// <param name="policies">The patterns and whether each is matching (<see langword="true"/>) or excluding.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="policies"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two policies have the same pattern (Quay rejects duplicates).</exception>
    /// <exception cref="InvalidTagPatternException">A pattern is invalid or longer than 256 characters.</exception>
    public static ImmutabilityPolicy Quay(params (string Pattern, bool Matches)[] policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        if (policies.Select(p => p.Pattern).Distinct(StringComparer.Ordinal).Count() != policies.Length)
        {
            throw new ArgumentException("Quay rejects duplicate immutability policy patterns", nameof(policies));
        }

        ImmutabilityPolicy policy = Create(policies.Select((p, i) =>
        {
            string id = "quay-" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ImmutabilityRule.Create(id, TagProtection.NoUpdateNoDelete, [TagPattern.Quay(p.Pattern, id)], excludeTags: !p.Matches);
        }));
        return policy.AsSticky(TagProtection.NoUpdateNoDelete);
    }

    /// <summary>
    /// Write-once by permission (zot: <c>create</c> without <c>update</c>; Artifactory: Deploy without Delete/Overwrite):
    /// a new tag may be created, any update — a move or an identical re-push — is denied; deleting is denied too unless
    /// <paramref name="allowDelete"/> (zot grants <c>delete</c> separately). Rule id <c>write-once</c>.
    /// </summary>
    /// <param name="allowDelete">Whether the principal also holds the delete right.</param>
    /// <returns>The policy.</returns>
    public static ImmutabilityPolicy WriteOnce(bool allowDelete = false) =>
        Create([ImmutabilityRule.Create("write-once", allowDelete ? TagProtection.Ecr : TagProtection.All, [TagPattern.Any])]);

    /// <summary>
    /// A copy that evaluates its rules only when a tag is created and sets a sticky flag, as Quay does
    /// (<see cref="PolicyEvaluation.Sticky"/>); from then on the flag alone decides, with <paramref name="flagProtection"/>.
    /// </summary>
    /// <param name="flagProtection">The switches a sticky flag sets; at least one.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentException"><paramref name="flagProtection"/> is <see cref="TagProtection.None"/> or has undefined bits.</exception>
    public ImmutabilityPolicy AsSticky(TagProtection flagProtection)
    {
        if (flagProtection == TagProtection.None || (flagProtection & ~TagProtection.All) != 0)
        {
            throw new ArgumentException("flagProtection must set at least one defined switch", nameof(flagProtection));
        }

        return new ImmutabilityPolicy(Rules, PolicyEvaluation.Sticky, SignatureTags, IdenticalRepushIsNoOp, RestrictsDigestDeletes, flagProtection);
    }

    /// <summary>A copy with other options; unspecified options keep their values.</summary>
    /// <param name="signatureTags">How signature tags are treated.</param>
    /// <param name="identicalRepushIsNoOp">Whether an identical re-push is a no-op success.</param>
    /// <param name="restrictDigestDeletes">Whether every delete by digest is refused while a rule exists.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="signatureTags"/> is undefined.</exception>
    public ImmutabilityPolicy With(SignatureTagHandling? signatureTags = null, bool? identicalRepushIsNoOp = null, bool? restrictDigestDeletes = null)
    {
        SignatureTagHandling handling = signatureTags ?? SignatureTags;
        if (handling is not (SignatureTagHandling.AsRules or SignatureTagHandling.AppendOnly or SignatureTagHandling.Exempt))
        {
            throw new ArgumentOutOfRangeException(nameof(signatureTags), handling, "must be a defined SignatureTagHandling");
        }

        return new ImmutabilityPolicy(Rules, Evaluation, handling, identicalRepushIsNoOp ?? IdenticalRepushIsNoOp, restrictDigestDeletes ?? RestrictsDigestDeletes, StickyProtection);
    }

    /// <summary>
    /// Decides pushing <paramref name="tag"/> to <paramref name="proposed"/> when the tag is bound as
    /// <paramref name="current"/> (or not at all). Pure: reads nothing else, changes nothing.
    /// </summary>
    /// <param name="repository">The repository name as the product's selectors see it.</param>
    /// <param name="tag">The tag; not the default value.</param>
    /// <param name="current">The tag's binding now, or <see langword="null"/> when it names nothing; its tag must be <paramref name="tag"/>.</param>
    /// <param name="proposed">The digest proposed; not the default value.</param>
    /// <returns>
    /// <see cref="PolicyOutcome.Created"/> for a new tag (with <see cref="PolicyDecision.SetsStickyFlag"/> for a sticky
    /// policy whose rule selects it), <see cref="PolicyOutcome.Unchanged"/> or <see cref="PolicyOutcome.Moved"/>, or
    /// <see cref="PolicyOutcome.Denied"/> by <see cref="TagProtection.BlockIdenticalRepush"/> or <see cref="TagProtection.BlockMove"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A default tag or digest, or <paramref name="current"/> is for another tag.</exception>
    public PolicyDecision DecidePush(string repository, Tag tag, TagBinding? current, Digest proposed)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (tag.IsDefault || proposed.IsDefault)
        {
            throw new ArgumentException("tag and proposed digest must not be default values", tag.IsDefault ? nameof(tag) : nameof(proposed));
        }

        if (current is { } bound && (bound.Tag.IsDefault || bound.Tag != tag))
        {
            throw new ArgumentException("current is the binding of another tag", nameof(current));
        }

        if (current is not { } binding)
        {
            bool flag = false;
            if (Evaluation == PolicyEvaluation.Sticky && !IsExemptSignature(tag.Value))
            {
                Check check = Protection(repository, tag.Value, isSticky: false, TagProtection.All, live: true);
                if (check.Failed)
                {
                    return Deny(PolicyOperation.PushTag, repository, tag.Value, null, proposed, check);
                }

                flag = check.Rule is not null;
            }

            return new PolicyDecision(PolicyOperation.PushTag, PolicyOutcome.Created, PolicyReason.NewTag, repository, tag.Value, null, proposed, setsStickyFlag: flag);
        }

        bool identical = binding.Digest == proposed;
        TagProtection needed = identical ? TagProtection.BlockIdenticalRepush : TagProtection.BlockMove;
        PolicyOutcome outcome = identical ? PolicyOutcome.Unchanged : PolicyOutcome.Moved;
        if (identical && IdenticalRepushIsNoOp)
        {
            return new PolicyDecision(PolicyOperation.PushTag, outcome, PolicyReason.IdenticalRepushNoOp, repository, tag.Value, binding.Digest, proposed);
        }

        if (SignatureTags == SignatureTagHandling.AppendOnly && TagImmutability.SignatureTags.IsSignatureTag(tag.Value))
        {
            return new PolicyDecision(PolicyOperation.PushTag, outcome, PolicyReason.SignatureTagAppendOnly, repository, tag.Value, binding.Digest, proposed);
        }

        return Decide(PolicyOperation.PushTag, outcome, repository, binding, needed, proposed);
    }

    /// <summary>Decides removing the tag of <paramref name="binding"/> (untagging; the image stays).</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="binding">The tag's binding now; not the default value.</param>
    /// <returns><see cref="PolicyOutcome.Removed"/>, or denied by <see cref="TagProtection.BlockRemove"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="binding"/> is the default value.</exception>
    public PolicyDecision DecideRemoveTag(string repository, TagBinding binding)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ThrowIfDefault(binding, nameof(binding));
        return Decide(PolicyOperation.RemoveTag, PolicyOutcome.Removed, repository, binding, TagProtection.BlockRemove, null);
    }

    /// <summary>
    /// Decides deleting the image <paramref name="image"/> by digest, which removes every tag in
    /// <paramref name="tags"/> with it. An untagged image is never protected.
    /// </summary>
    /// <param name="repository">The repository.</param>
    /// <param name="image">The image's digest; not the default value.</param>
    /// <param name="tags">The bindings of the tags that name the image now (each must name <paramref name="image"/>).</param>
    /// <returns><see cref="PolicyOutcome.Deleted"/>, or denied by <see cref="TagProtection.BlockDeleteTaggedImage"/> naming the first protected tag.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> or <paramref name="tags"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="image"/> is default, or a binding names another digest.</exception>
    public PolicyDecision DecideDeleteImage(string repository, Digest image, IEnumerable<TagBinding> tags)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(tags);
        if (image.IsDefault)
        {
            throw new ArgumentException("image must not be default(Digest)", nameof(image));
        }

        // Arguments are checked before any rule is consulted, so that a bad call fails the same way under every policy.
        TagBinding[] bindings = [.. tags];
        foreach (TagBinding binding in bindings)
        {
            ThrowIfDefault(binding, nameof(tags));
            if (binding.Digest != image)
            {
                throw new ArgumentException("a binding names another digest than the image", nameof(tags));
            }
        }

        tags = bindings;
        if (RestrictsDigestDeletes && !Rules.IsEmpty)
        {
            ImmutabilityRule first = Rules[0];
            return new PolicyDecision(PolicyOperation.DeleteImage, PolicyOutcome.Denied, PolicyReason.DigestDeleteRestricted, repository, null, image, null,
                TagProtection.BlockDeleteTaggedImage, first.Id, first.TagSelectorText(first.TagPatterns[0]));
        }

        bool any = false;
        foreach (TagBinding binding in tags)
        {
            ThrowIfDefault(binding, nameof(tags));
            if (binding.Digest != image)
            {
                throw new ArgumentException("a binding names another digest than the image", nameof(tags));
            }

            any = true;
            PolicyDecision decision = Decide(PolicyOperation.DeleteImage, PolicyOutcome.Deleted, repository, binding, TagProtection.BlockDeleteTaggedImage, null);
            if (!decision.IsAllowed)
            {
                return decision;
            }
        }

        return new PolicyDecision(PolicyOperation.DeleteImage, PolicyOutcome.Deleted, any ? PolicyReason.NotProtected : PolicyReason.UntaggedImage, repository, null, image);
    }

    /// <summary>Decides deleting a repository that holds <paramref name="tags"/>.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="tags">Every tag binding in the repository.</param>
    /// <returns><see cref="PolicyOutcome.Deleted"/>, or denied by <see cref="TagProtection.BlockDeleteRepository"/> naming the first protected tag.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> or <paramref name="tags"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A binding is the default value.</exception>
    public PolicyDecision DecideDeleteRepository(string repository, IEnumerable<TagBinding> tags)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(tags);
        foreach (TagBinding binding in tags)
        {
            ThrowIfDefault(binding, nameof(tags));
            PolicyDecision decision = Decide(PolicyOperation.DeleteRepository, PolicyOutcome.Deleted, repository, binding, TagProtection.BlockDeleteRepository, null);
            if (!decision.IsAllowed)
            {
                return decision;
            }
        }

        return new PolicyDecision(PolicyOperation.DeleteRepository, PolicyOutcome.Deleted, PolicyReason.NotProtected, repository, null);
    }

    /// <summary>
    /// The switches the current rules set on <paramref name="tag"/> in <paramref name="repository"/> (the union over
    /// every selecting rule), ignoring sticky flags and signature options: an explain / dry-run view, and for a
    /// sticky policy the test for setting flags retroactively when a rule is added (Quay).
    /// </summary>
    /// <param name="repository">The repository.</param>
    /// <param name="tag">The tag's text.</param>
    /// <returns>The switches; <see cref="TagProtection.All"/> when a rule cannot be evaluated (fail closed).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> is <see langword="null"/>.</exception>
    public TagProtection ProtectionOf(string repository, ReadOnlySpan<char> tag)
    {
        ArgumentNullException.ThrowIfNull(repository);
        TagProtection union = TagProtection.None;
        foreach (ImmutabilityRule rule in Rules)
        {
            try
            {
                if (rule.SelectsRepository(repository) && rule.SelectsTag(tag))
                {
                    union |= rule.Protection;
                }
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                return TagProtection.All;
            }
        }

        return union;
    }

    /// <summary>
    /// What adopting this policy does to existing tags: a sticky policy flags, retroactively, every tag a rule selects
    /// (Quay applies a new policy to existing tags in batches); a live policy changes nothing. Bindings (tag → digest)
    /// never change and a flag is never cleared, so a policy change cannot make a protected tag mutable.
    /// </summary>
    /// <param name="repository">The repository.</param>
    /// <param name="bindings">The repository's bindings now.</param>
    /// <returns>The bindings, in the same order, with flags added where a rule selects the tag (or cannot be evaluated: fail closed).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="repository"/> or <paramref name="bindings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A binding is the default value.</exception>
    public ImmutableArray<TagBinding> ApplyRetroactively(string repository, IEnumerable<TagBinding> bindings)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(bindings);
        var result = ImmutableArray.CreateBuilder<TagBinding>();
        foreach (TagBinding binding in bindings)
        {
            ThrowIfDefault(binding, nameof(bindings));
            bool flag = binding.IsStickyImmutable
                || (Evaluation == PolicyEvaluation.Sticky && !IsExemptSignature(binding.Tag.Value) && ProtectionOf(repository, binding.Tag.Value) != TagProtection.None);
            result.Add(flag == binding.IsStickyImmutable ? binding : new TagBinding(binding.Tag, binding.Digest, flag));
        }

        return result.ToImmutable();
    }

    private static void ThrowIfDefault(TagBinding binding, string name)
    {
        if (binding.Tag.IsDefault)
        {
            throw new ArgumentException("default(TagBinding) is not a binding", name);
        }
    }

    private bool IsExemptSignature(string tag) =>
        SignatureTags == SignatureTagHandling.Exempt && TagImmutability.SignatureTags.IsSignatureTag(tag);

    private PolicyDecision Decide(PolicyOperation operation, PolicyOutcome outcome, string repository, TagBinding binding, TagProtection needed, Digest? proposed)
    {
        string tag = binding.Tag.Value;
        if (IsExemptSignature(tag))
        {
            return new PolicyDecision(operation, outcome, PolicyReason.SignatureTagExempt, repository, tag, binding.Digest, proposed);
        }

        Check check = Protection(repository, tag, binding.IsStickyImmutable, needed, live: Evaluation == PolicyEvaluation.Live);
        if (check.Failed || check.Rule is not null || check.Sticky)
        {
            return Deny(operation, repository, tag, binding.Digest, proposed, check, needed);
        }

        return new PolicyDecision(operation, outcome, PolicyReason.NotProtected, repository, tag, binding.Digest, proposed, ruleId: check.AllowRule?.Id, rulePattern: check.AllowPattern);
    }

    private static PolicyDecision Deny(PolicyOperation operation, string repository, string tag, Digest? existing, Digest? proposed, Check check, TagProtection needed = TagProtection.All) =>
        check.Failed
            ? new PolicyDecision(operation, PolicyOutcome.Denied, PolicyReason.EvaluationFailed, repository, tag, existing, proposed, TagProtection.All, check.Rule!.Id, string.Join(",", check.Rule.TagPatterns))
            : check.Sticky
                ? new PolicyDecision(operation, PolicyOutcome.Denied, PolicyReason.ProtectedByStickyFlag, repository, tag, existing, proposed, needed, StickyFlagRuleId, tag)
                : new PolicyDecision(operation, PolicyOutcome.Denied, PolicyReason.ProtectedByRule, repository, tag, existing, proposed, needed, check.Rule!.Id, check.Rule.TagSelectorText(check.Pattern));

    /// <summary>
    /// The first rule that selects the tag and sets one of <paramref name="needed"/>'s switches (live), or the sticky
    /// flag when it covers them; Failed when such a rule threw while being evaluated. When nothing denies, the rule
    /// that decided the tag is not protected: the first excluding rule whose pattern matched, or the first rule that
    /// selects the tag without setting the switch.
    /// </summary>
    private Check Protection(string repository, string tag, bool isSticky, TagProtection needed, bool live)
    {
        if (!live)
        {
            return new Check(null, null, Failed: false, Sticky: isSticky && (StickyProtection & needed) != 0);
        }

        ImmutabilityRule? allowRule = null;
        string? allowPattern = null;
        foreach (ImmutabilityRule rule in Rules)
        {
            bool relevant = (rule.Protection & needed) != 0;
            try
            {
                if (!rule.SelectsRepository(repository))
                {
                    continue;
                }

                bool selected = ImmutabilityRule.Select(rule.TagPatterns, rule.ExcludesTags, tag, out TagPattern? matched);
                if (selected && relevant)
                {
                    return new Check(rule, matched, Failed: false, Sticky: false);
                }

                if (allowRule is null && (selected || (rule.ExcludesTags && matched is not null)))
                {
                    allowRule = rule;
                    allowPattern = selected ? rule.TagSelectorText(matched) : matched!.ToString();
                }
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException) when (relevant)
            {
                return new Check(rule, null, Failed: true, Sticky: false);
            }
            catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
            {
                // A rule that could not deny this operation anyway: its failure changes nothing.
            }
        }

        return new Check(null, null, Failed: false, Sticky: false, allowRule, allowPattern);
    }

    private readonly record struct Check(ImmutabilityRule? Rule, TagPattern? Pattern, bool Failed, bool Sticky, ImmutabilityRule? AllowRule = null, string? AllowPattern = null);
}
