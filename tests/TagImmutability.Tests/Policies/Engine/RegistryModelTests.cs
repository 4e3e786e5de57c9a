namespace TagImmutability.Tests.Policies.Engine;

/// <summary>
/// Each registry's documented behaviour (see the shared registries reference), reproduced by the general engine.
/// Test names start with the registry and the rule.
/// </summary>
public sealed class RegistryModelTests
{
    private const string Repo = "app";
    private static readonly Digest A = Digest.Compute("a"u8);
    private static readonly Digest B = Digest.Compute("b"u8);
    private static readonly Tag V1 = Tag.Parse("v1.0.0");
    private static readonly Tag Latest = Tag.Parse("latest");
    private static readonly Tag Signature = Tag.Parse("sha256-" + new string('a', 64) + ".sig");
    private static readonly Tag Referrers = Tag.Parse("sha256-" + new string('b', 64));

    private static TagBinding Bound(Tag tag, Digest digest, bool sticky = false) => new(tag, digest, sticky);

    // ---------------- Amazon ECR ----------------

    [Fact]
    public void Ecr_immutable_blocks_move_and_identical_repush_but_not_delete()
    {
        var policy = ImmutabilityPolicy.Ecr(TagMutabilityPolicy.Immutable);
        PolicyDecision move = policy.DecidePush(Repo, Latest, Bound(Latest, A), B);
        Assert.Equal(PolicyOutcome.Denied, move.Outcome);
        Assert.Equal(TagProtection.BlockMove, move.DeniedBy);
        Assert.Equal("IMMUTABLE", move.RuleId);
        Assert.Equal(TagProtection.BlockIdenticalRepush, policy.DecidePush(Repo, Latest, Bound(Latest, A), A).DeniedBy);
        Assert.True(policy.DecideRemoveTag(Repo, Bound(Latest, A)).IsAllowed);
        Assert.True(policy.DecideDeleteImage(Repo, A, [Bound(Latest, A)]).IsAllowed);
        Assert.Equal(PolicyOutcome.Created, policy.DecidePush(Repo, V1, null, A).Outcome);
    }

    [Fact]
    public void Ecr_immutable_with_exclusion_reports_the_excluding_rule()
    {
        var policy = ImmutabilityPolicy.Ecr(TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest")]));
        PolicyDecision allowed = policy.DecidePush(Repo, Latest, Bound(Latest, A), B);
        Assert.True(allowed.IsAllowed);
        Assert.Equal("IMMUTABLE_WITH_EXCLUSION", allowed.RuleId);
        Assert.Equal("latest", allowed.RulePattern);
        PolicyDecision denied = policy.DecidePush(Repo, V1, Bound(V1, A), B);
        Assert.Equal("IMMUTABLE_WITH_EXCLUSION", denied.RuleId);
        Assert.Equal("excluding latest", denied.RulePattern);
        Assert.Equal(PolicyReason.ProtectedByRule, denied.Reason);
    }

    [Fact]
    public void Ecr_mutable_with_exclusion_reports_the_matching_filter()
    {
        var policy = ImmutabilityPolicy.Ecr(TagMutabilityPolicy.Create(ImageTagMutability.MutableWithExclusion, [TagFilter.Parse("x*"), TagFilter.Parse("v*")]));
        PolicyDecision denied = policy.DecidePush(Repo, V1, Bound(V1, A), B);
        Assert.Equal("v*", denied.RulePattern);
        Assert.Equal(PolicyOutcome.Moved, policy.DecidePush(Repo, Latest, Bound(Latest, A), B).Outcome);
    }

    // ---------------- Harbor ----------------

    private static ImmutabilityPolicy HarborReleases() =>
        ImmutabilityPolicy.Harbor([ImmutabilityRule.Harbor("rel", "**", "v*")]);

    [Fact]
    public void Harbor_immutable_tag_cannot_be_overwritten_or_re_pushed()
    {
        var policy = HarborReleases();
        Assert.Equal(TagProtection.BlockMove, policy.DecidePush(Repo, V1, Bound(V1, A), B).DeniedBy);
        Assert.Equal(TagProtection.BlockIdenticalRepush, policy.DecidePush(Repo, V1, Bound(V1, A), A).DeniedBy);
        Assert.Equal("rel", policy.DecidePush(Repo, V1, Bound(V1, A), A).RuleId);
    }

    [Fact]
    public void Harbor_immutable_tag_cannot_be_deleted_nor_the_artifact_or_repository_holding_it()
    {
        var policy = HarborReleases();
        Assert.Equal(TagProtection.BlockRemove, policy.DecideRemoveTag(Repo, Bound(V1, A)).DeniedBy);
        PolicyDecision image = policy.DecideDeleteImage(Repo, A, [Bound(Latest, A), Bound(V1, A)]);
        Assert.Equal(TagProtection.BlockDeleteTaggedImage, image.DeniedBy);
        Assert.Equal("v1.0.0", image.Tag);
        Assert.Equal(TagProtection.BlockDeleteRepository, policy.DecideDeleteRepository(Repo, [Bound(Latest, B), Bound(V1, A)]).DeniedBy);
    }

    [Fact]
    public void Harbor_sibling_tag_matching_no_rule_can_be_deleted()
    {
        var policy = HarborReleases();
        Assert.Equal(PolicyOutcome.Removed, policy.DecideRemoveTag(Repo, Bound(Latest, A)).Outcome);
        Assert.True(policy.DecidePush(Repo, Latest, Bound(Latest, A), B).IsAllowed);
    }

    [Fact]
    public void Harbor_untagged_artifacts_are_never_immutable()
    {
        PolicyDecision decision = HarborReleases().DecideDeleteImage(Repo, A, []);
        Assert.True(decision.IsAllowed);
        Assert.Equal(PolicyReason.UntaggedImage, decision.Reason);
    }

    [Fact]
    public void Harbor_rules_are_ored_and_excludes_means_everything_not_matching()
    {
        var policy = ImmutabilityPolicy.Harbor([
            ImmutabilityRule.Harbor("not-latest", "**", "latest", tagsExcluding: true),
            ImmutabilityRule.Harbor("latest-in-prod", "prod/**", "latest"),
        ]);
        Assert.Equal("not-latest", policy.DecidePush("dev/app", V1, Bound(V1, A), B).RuleId);
        Assert.True(policy.DecidePush("dev/app", Latest, Bound(Latest, A), B).IsAllowed);
        // The second rule still applies: an exclusion does not subtract from other rules.
        Assert.Equal("latest-in-prod", policy.DecidePush("prod/app", Latest, Bound(Latest, A), B).RuleId);
    }

    [Fact]
    public void Harbor_repository_selector_star_does_not_cross_slash_but_double_star_does()
    {
        var star = ImmutabilityPolicy.Harbor([ImmutabilityRule.Harbor("r", "team/*", "")]);
        Assert.False(star.DecidePush("team/app", V1, Bound(V1, A), B).IsAllowed);
        Assert.True(star.DecidePush("team/sub/app", V1, Bound(V1, A), B).IsAllowed);
        var excluded = ImmutabilityPolicy.Harbor([ImmutabilityRule.Harbor("r", "cache/**", "", repositoriesExcluding: true)]);
        Assert.True(excluded.DecidePush("cache/x/y", V1, Bound(V1, A), B).IsAllowed);
        Assert.False(excluded.DecidePush("app", V1, Bound(V1, A), B).IsAllowed);
    }

    [Fact]
    public void Harbor_comma_list_items_keep_their_own_semantics_in_a_rule()
    {
        var policy = ImmutabilityPolicy.Harbor([ImmutabilityRule.Harbor("r", "**", "v*,{stable,lts}")]);
        Assert.Equal("v*", policy.DecidePush(Repo, V1, Bound(V1, A), B).RulePattern);
        Assert.Equal("{stable,lts}", policy.DecidePush(Repo, Tag.Parse("lts"), Bound(Tag.Parse("lts"), A), B).RulePattern);
        Assert.True(policy.DecidePush(Repo, Latest, Bound(Latest, A), B).IsAllowed);
    }

    [Fact]
    public void Harbor_rule_limit_of_15_is_optional()
    {
        var rules = Enumerable.Range(0, 16).Select(i => ImmutabilityRule.Harbor("r" + i, "**", "v" + i)).ToArray();
        Assert.Equal(16, ImmutabilityPolicy.Harbor(rules).Rules.Length);
        Assert.Throws<ArgumentException>(() => ImmutabilityPolicy.Harbor(rules, enforceRuleLimit: true));
    }

    // ---------------- Google Artifact Registry ----------------

    [Fact]
    public void Gar_immutable_tags_block_move_remove_and_delete_of_tagged_image()
    {
        var policy = ImmutabilityPolicy.GoogleArtifactRegistry(immutableTags: true);
        Assert.Equal(TagProtection.BlockMove, policy.DecidePush(Repo, Latest, Bound(Latest, A), B).DeniedBy);
        Assert.Equal(TagProtection.BlockRemove, policy.DecideRemoveTag(Repo, Bound(Latest, A)).DeniedBy);
        Assert.Equal(TagProtection.BlockDeleteTaggedImage, policy.DecideDeleteImage(Repo, A, [Bound(Latest, A)]).DeniedBy);
        Assert.Equal("immutableTags", policy.DecideRemoveTag(Repo, Bound(Latest, A)).RuleId);
    }

    [Fact]
    public void Gar_untagged_images_stay_deletable_and_new_tags_can_be_created()
    {
        var policy = ImmutabilityPolicy.GoogleArtifactRegistry(immutableTags: true);
        Assert.True(policy.DecideDeleteImage(Repo, B, []).IsAllowed);
        Assert.Equal(PolicyOutcome.Created, policy.DecidePush(Repo, V1, null, A).Outcome);
        Assert.Equal(PolicyOutcome.Unchanged, policy.DecidePush(Repo, V1, Bound(V1, A), A).Outcome);
        Assert.True(ImmutabilityPolicy.GoogleArtifactRegistry(false).DecidePush(Repo, V1, Bound(V1, A), B).IsAllowed);
    }

    // ---------------- Azure Container Registry ----------------

    [Fact]
    public void Acr_write_disabled_tag_cannot_be_updated_or_deleted()
    {
        var locked = new AcrLockAttributes(writeEnabled: false);
        PolicyDecision push = AcrLocks.DecidePush(Repo, default, Latest, Bound(Latest, A), locked, B);
        Assert.Equal(PolicyReason.WriteDisabled, push.Reason);
        Assert.Equal("acr:tag", push.RuleId);
        Assert.False(AcrLocks.DecideRemoveTag(Repo, default, Bound(Latest, A), locked).IsAllowed);
        Assert.False(locked.EffectiveDeleteEnabled);
    }

    [Fact]
    public void Acr_delete_disabled_tag_can_be_updated_but_not_deleted()
    {
        var noDelete = new AcrLockAttributes(deleteEnabled: false);
        Assert.Equal(PolicyOutcome.Moved, AcrLocks.DecidePush(Repo, default, Latest, Bound(Latest, A), noDelete, B).Outcome);
        PolicyDecision remove = AcrLocks.DecideRemoveTag(Repo, default, Bound(Latest, A), noDelete);
        Assert.Equal(PolicyReason.DeleteDisabled, remove.Reason);
    }

    [Fact]
    public void Acr_tag_and_manifest_locks_are_independent()
    {
        // A locked tag does not lock its manifest: deleting the manifest by digest is decided by the manifest's attributes.
        Assert.True(AcrLocks.DecideDeleteImage(Repo, default, A, AcrLockAttributes.Unlocked).IsAllowed);
        PolicyDecision manifest = AcrLocks.DecideDeleteImage(Repo, default, A, new AcrLockAttributes(deleteEnabled: false));
        Assert.Equal("acr:manifest", manifest.RuleId);
        Assert.Equal(A.ToString(), manifest.RulePattern);
        Assert.False(AcrLocks.DecideDeleteImage(Repo, default, A, AcrLockAttributes.Locked).IsAllowed);
    }

    [Fact]
    public void Acr_repository_delete_disabled_protects_the_repository_not_its_images()
    {
        var repo = new AcrLockAttributes(deleteEnabled: false);
        Assert.False(AcrLocks.DecideDeleteRepository(Repo, repo).IsAllowed);
        Assert.True(AcrLocks.DecideDeleteImage(Repo, repo, A, default).IsAllowed);
        Assert.False(AcrLocks.DecideDeleteRepository(Repo, AcrLockAttributes.Locked).IsAllowed);
        Assert.True(AcrLocks.DecideDeleteRepository(Repo, default).IsAllowed);
    }

    [Fact]
    public void Acr_write_disabled_repository_takes_no_push()
    {
        PolicyDecision decision = AcrLocks.DecidePush(Repo, AcrLockAttributes.Locked, V1, null, default, A);
        Assert.Equal("acr:repository", decision.RuleId);
        Assert.True(AcrLocks.DecidePush(Repo, default, V1, null, AcrLockAttributes.Locked, A).IsAllowed);
    }

    [Fact]
    public void Acr_read_and_list_attributes_are_separate_from_write_and_delete()
    {
        var hidden = new AcrLockAttributes(listEnabled: false);
        Assert.True(AcrLocks.CanRead(default, hidden));
        Assert.False(AcrLocks.IsListed(default, hidden));
        Assert.False(AcrLocks.CanRead(new AcrLockAttributes(readEnabled: false), default));
        Assert.True(hidden.WriteEnabled && hidden.EffectiveDeleteEnabled);
        Assert.Equal("writeEnabled=true deleteEnabled=true readEnabled=true listEnabled=false", hidden.ToString());
    }

    // ---------------- Docker Hub ----------------

    [Fact]
    public void DockerHub_all_tags_immutable_blocks_overwrite_and_delete()
    {
        var policy = ImmutabilityPolicy.DockerHub();
        Assert.False(policy.DecidePush(Repo, Latest, Bound(Latest, A), B).IsAllowed);
        Assert.False(policy.DecideRemoveTag(Repo, Bound(Latest, A)).IsAllowed);
        Assert.True(policy.DecidePush(Repo, V1, null, A).IsAllowed);
    }

    [Fact]
    public void DockerHub_specific_tags_are_regular_expressions()
    {
        var policy = ImmutabilityPolicy.DockerHub(@"^v[0-9]+\.[0-9]+\.[0-9]+$");
        PolicyDecision denied = policy.DecidePush(Repo, V1, Bound(V1, A), B);
        Assert.Equal("dockerhub-1", denied.RuleId);
        Assert.True(policy.DecidePush(Repo, Latest, Bound(Latest, A), B).IsAllowed);
    }

    // ---------------- GitLab ----------------

    [Fact]
    public void GitLab_immutable_rule_blocks_update_even_with_same_digest_and_delete_but_allows_create()
    {
        var policy = ImmutabilityPolicy.GitLab("^v");
        Assert.Equal(PolicyOutcome.Created, policy.DecidePush(Repo, V1, null, A).Outcome);
        Assert.Equal(TagProtection.BlockIdenticalRepush, policy.DecidePush(Repo, V1, Bound(V1, A), A).DeniedBy);
        Assert.Equal(TagProtection.BlockMove, policy.DecidePush(Repo, V1, Bound(V1, A), B).DeniedBy);
        Assert.False(policy.DecideRemoveTag(Repo, Bound(V1, A)).IsAllowed);
    }

    [Fact]
    public void GitLab_patterns_are_unanchored_substring_matches()
    {
        var policy = ImmutabilityPolicy.GitLab("stable");
        Tag unstable = Tag.Parse("unstable");
        Assert.False(policy.DecidePush(Repo, unstable, Bound(unstable, A), B).IsAllowed);
    }

    [Fact]
    public void GitLab_digest_delete_is_refused_whenever_a_rule_exists_matched_or_not()
    {
        var policy = ImmutabilityPolicy.GitLab("^release-");
        PolicyDecision decision = policy.DecideDeleteImage(Repo, A, [Bound(Latest, A)]);
        Assert.Equal(PolicyReason.DigestDeleteRestricted, decision.Reason);
        Assert.Equal("gitlab-1", decision.RuleId);
        Assert.False(policy.DecideDeleteImage(Repo, B, []).IsAllowed);
    }

    [Fact]
    public void GitLab_allows_at_most_5_rules_of_at_most_100_characters()
    {
        Assert.Equal(5, ImmutabilityPolicy.GitLab("a", "b", "c", "d", "e").Rules.Length);
        Assert.Throws<ArgumentException>(() => ImmutabilityPolicy.GitLab("a", "b", "c", "d", "e", "f"));
        var error = Assert.Throws<InvalidTagPatternException>(() => ImmutabilityPolicy.GitLab(new string('a', 101)));
        Assert.Contains("gitlab-1", error.Field, StringComparison.Ordinal);
    }

    // ---------------- Quay ----------------

    [Fact]
    public void Quay_policy_sets_a_sticky_flag_on_matching_new_tags()
    {
        var policy = ImmutabilityPolicy.Quay(("v.*", true));
        Assert.True(policy.DecidePush(Repo, V1, null, A).SetsStickyFlag);
        Assert.False(policy.DecidePush(Repo, Latest, null, A).SetsStickyFlag);
    }

    [Fact]
    public void Quay_sticky_flag_outlives_the_policy_that_set_it()
    {
        var withoutPolicy = ImmutabilityPolicy.Quay();
        PolicyDecision decision = withoutPolicy.DecidePush(Repo, V1, Bound(V1, A, sticky: true), B);
        Assert.Equal(PolicyReason.ProtectedByStickyFlag, decision.Reason);
        Assert.Equal(ImmutabilityPolicy.StickyFlagRuleId, decision.RuleId);
        Assert.False(withoutPolicy.DecideRemoveTag(Repo, Bound(V1, A, sticky: true)).IsAllowed);
        Assert.False(withoutPolicy.DecideDeleteImage(Repo, A, [Bound(V1, A, sticky: true)]).IsAllowed);
        // And a tag that matches a rule but was created without the flag stays mutable until flagged.
        Assert.True(ImmutabilityPolicy.Quay(("v.*", true)).DecidePush(Repo, V1, Bound(V1, A), B).IsAllowed);
    }

    [Fact]
    public void Quay_tag_pattern_matches_false_inverts_and_full_match_applies()
    {
        var policy = ImmutabilityPolicy.Quay(("latest", false));
        Assert.True(policy.DecidePush(Repo, V1, null, A).SetsStickyFlag);
        Assert.False(policy.DecidePush(Repo, Latest, null, A).SetsStickyFlag);
        Assert.True(ImmutabilityPolicy.Quay(("latest", true)).DecidePush(Repo, Tag.Parse("latest2"), null, A) is { SetsStickyFlag: false });
    }

    [Fact]
    public void Quay_retroactive_flagging_uses_the_rules_protection()
    {
        var policy = ImmutabilityPolicy.Quay(("v.*", true));
        Assert.Equal(TagProtection.NoUpdateNoDelete, policy.ProtectionOf(Repo, "v1"));
        Assert.Equal(TagProtection.None, policy.ProtectionOf(Repo, "latest"));
    }

    [Fact]
    public void Quay_rejects_duplicate_patterns_and_patterns_over_256_characters()
    {
        Assert.Throws<ArgumentException>(() => ImmutabilityPolicy.Quay(("a", true), ("a", false)));
        Assert.Throws<InvalidTagPatternException>(() => ImmutabilityPolicy.Quay((new string('a', 257), true)));
    }

    // ---------------- zot / Artifactory ----------------

    [Fact]
    public void Zot_create_without_update_allows_new_tags_and_denies_any_update()
    {
        var policy = ImmutabilityPolicy.WriteOnce(allowDelete: true);
        Assert.Equal(PolicyOutcome.Created, policy.DecidePush(Repo, V1, null, A).Outcome);
        Assert.False(policy.DecidePush(Repo, V1, Bound(V1, A), A).IsAllowed);
        Assert.False(policy.DecidePush(Repo, V1, Bound(V1, A), B).IsAllowed);
        Assert.True(policy.DecideRemoveTag(Repo, Bound(V1, A)).IsAllowed);
    }

    [Fact]
    public void Artifactory_without_delete_overwrite_denies_overwrite_and_delete()
    {
        var policy = ImmutabilityPolicy.WriteOnce();
        Assert.False(policy.DecidePush(Repo, V1, Bound(V1, A), B).IsAllowed);
        Assert.False(policy.DecideRemoveTag(Repo, Bound(V1, A)).IsAllowed);
        Assert.False(policy.DecideDeleteImage(Repo, A, [Bound(V1, A)]).IsAllowed);
        Assert.Equal("write-once", policy.DecideRemoveTag(Repo, Bound(V1, A)).RuleId);
    }

    // ---------------- Engine options ----------------

    [Fact]
    public void Identical_repush_is_a_no_op_only_when_asked()
    {
        var ecr = ImmutabilityPolicy.Ecr(TagMutabilityPolicy.Immutable);
        Assert.False(ecr.IdenticalRepushIsNoOp);
        PolicyDecision rerun = ecr.With(identicalRepushIsNoOp: true).DecidePush(Repo, V1, Bound(V1, A), A);
        Assert.Equal(PolicyOutcome.Unchanged, rerun.Outcome);
        Assert.Equal(PolicyReason.IdenticalRepushNoOp, rerun.Reason);
        Assert.False(ecr.With(identicalRepushIsNoOp: true).DecidePush(Repo, V1, Bound(V1, A), B).IsAllowed);
    }

    [Fact]
    public void Signature_tags_break_under_immutability_unless_append_only_or_exempt()
    {
        var harbor = ImmutabilityPolicy.Harbor([ImmutabilityRule.Harbor("all", "**", "**")]);
        Assert.False(harbor.DecidePush(Repo, Signature, Bound(Signature, A), B).IsAllowed);

        var appendOnly = harbor.With(signatureTags: SignatureTagHandling.AppendOnly);
        Assert.Equal(PolicyReason.SignatureTagAppendOnly, appendOnly.DecidePush(Repo, Signature, Bound(Signature, A), B).Reason);
        Assert.True(appendOnly.DecidePush(Repo, Referrers, Bound(Referrers, A), B).IsAllowed);
        Assert.False(appendOnly.DecideRemoveTag(Repo, Bound(Signature, A)).IsAllowed);
        Assert.False(appendOnly.DecidePush(Repo, V1, Bound(V1, A), B).IsAllowed);

        var exempt = harbor.With(signatureTags: SignatureTagHandling.Exempt);
        Assert.Equal(PolicyReason.SignatureTagExempt, exempt.DecideRemoveTag(Repo, Bound(Signature, A)).Reason);
        Assert.True(exempt.DecidePush(Repo, Signature, Bound(Signature, A), B).IsAllowed);
    }

    [Theory]
    [InlineData("sha256-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", true)]
    [InlineData("sha256-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sig", true)]
    [InlineData("sha256-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.att", true)]
    [InlineData("sha256-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sbom", true)]
    [InlineData("sha256-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.txt", false)]
    [InlineData("sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData("sha256-aaaa.sig", false)]
    [InlineData("v1.sig", false)]
    public void Signature_tags_are_recognised_exactly(string tag, bool expected) =>
        Assert.Equal(expected, SignatureTags.IsSignatureTag(tag));

    [Fact]
    public void A_rule_that_cannot_be_evaluated_fails_closed_and_says_so()
    {
        var policy = ImmutabilityPolicy.Create([ImmutabilityRule.Create("slow", TagProtection.BlockMove, [TagPattern.FailingForTests("(x+x+)+y")])]);
        PolicyDecision decision = policy.DecidePush(Repo, Latest, Bound(Latest, A), B);
        Assert.False(decision.IsAllowed);
        Assert.Equal(PolicyReason.EvaluationFailed, decision.Reason);
        Assert.Equal("slow", decision.RuleId);
        Assert.Equal(TagProtection.All, policy.ProtectionOf(Repo, "latest"));
        // Creation needs no rule in a live policy, so it still succeeds.
        Assert.True(policy.DecidePush(Repo, V1, null, A).IsAllowed);
    }

    [Fact]
    public void A_sticky_policy_fails_closed_when_it_cannot_decide_the_flag()
    {
        var broken = ImmutabilityPolicy.Create([ImmutabilityRule.Create("slow", TagProtection.BlockMove, [TagPattern.FailingForTests("x")])])
            .AsSticky(TagProtection.NoUpdateNoDelete);
        PolicyDecision decision = broken.DecidePush(Repo, V1, null, A);
        Assert.Equal(PolicyReason.EvaluationFailed, decision.Reason);
        Assert.False(decision.SetsStickyFlag);
        Assert.False(decision.IsAllowed);
    }

    [Fact]
    public void Rules_must_have_distinct_ids_and_set_a_switch()
    {
        Assert.Throws<ArgumentException>(() => ImmutabilityPolicy.Create([
            ImmutabilityRule.Create("a", TagProtection.BlockMove, []),
            ImmutabilityRule.Create("a", TagProtection.BlockRemove, []),
        ]));
        Assert.Throws<ArgumentException>(() => ImmutabilityRule.Create("a", TagProtection.None, []));
        Assert.Throws<ArgumentException>(() => ImmutabilityRule.Create(string.Empty, TagProtection.BlockMove, []));
    }

    [Fact]
    public void The_most_restrictive_union_of_matching_rules_applies()
    {
        var policy = ImmutabilityPolicy.Create([
            ImmutabilityRule.Create("no-move", TagProtection.BlockMove, [TagPattern.Doublestar("v*")]),
            ImmutabilityRule.Create("no-remove", TagProtection.BlockRemove, [TagPattern.Doublestar("v1*")]),
        ]);
        Assert.Equal(TagProtection.BlockMove | TagProtection.BlockRemove, policy.ProtectionOf(Repo, "v1.0.0"));
        Assert.Equal("no-move", policy.DecidePush(Repo, V1, Bound(V1, A), B).RuleId);
        Assert.Equal("no-remove", policy.DecideRemoveTag(Repo, Bound(V1, A)).RuleId);
        PolicyDecision unchanged = policy.DecidePush(Repo, V1, Bound(V1, A), A);
        Assert.Equal(PolicyOutcome.Unchanged, unchanged.Outcome);
        // Allowed, and the rule that selected the tag without blocking a re-push is named.
        Assert.Equal("no-move", unchanged.RuleId);
        Assert.Null(ImmutabilityPolicy.None.DecidePush(Repo, V1, Bound(V1, A), A).RuleId);
    }

    [Fact]
    public void Inputs_are_checked()
    {
        var policy = ImmutabilityPolicy.None;
        Assert.Throws<ArgumentException>(() => policy.DecidePush(Repo, V1, Bound(Latest, A), B));
        Assert.Throws<ArgumentException>(() => policy.DecidePush(Repo, default, null, B));
        Assert.Throws<ArgumentException>(() => policy.DecideDeleteImage(Repo, A, [Bound(V1, B)]));
        Assert.Throws<ArgumentException>(() => policy.DecideRemoveTag(Repo, default));
        Assert.Throws<ArgumentException>(() => new TagBinding(default, A));
        Assert.False(default(PolicyDecision).IsAllowed);
    }
}

public sealed class EngineArgumentTests
{
    [Fact]
    public void A_default_binding_is_an_argument_error_under_every_policy_even_gitlab_s_digest_rule()
    {
        Digest image = Digest.Compute("i"u8);
        Assert.Throws<ArgumentException>(() => ImmutabilityPolicy.GitLab("a").DecideDeleteImage("r", image, [default(TagBinding)]));
        Assert.Throws<ArgumentException>(() => ImmutabilityPolicy.GoogleArtifactRegistry(true).DecideDeleteImage("r", image, [default(TagBinding)]));
    }
}
