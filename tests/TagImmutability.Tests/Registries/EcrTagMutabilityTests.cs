using System.Collections.Immutable;
using System.Text;
using static TagImmutability.Tests.Registries.RegistryTestExtensions;

namespace TagImmutability.Tests.Registries;

/// <summary>
/// One test per rule of the ECR specification we follow (../shared/spec/ecr-tag-mutability.md); each name says the rule.
/// </summary>
/// <remarks>Runs against the default registry here; derived classes run the same rules against other stores.</remarks>
public class EcrTagMutabilityTests
{
    private readonly ManualClock _clock = new();
    private readonly Registry _registry;

    public EcrTagMutabilityTests()
        : this(RegistryFactory.InMemory)
    {
    }

    protected EcrTagMutabilityTests(RegistryFactory factory) =>
        _registry = factory.Create(new RegistryOptions { TimeProvider = _clock, Region = "ap-northeast-1" });

    private RepositoryInfo Create(string name, ImageTagMutability mode = ImageTagMutability.Mutable, params string[] filters) =>
        _registry.CreateRepository(Name(name), TagMutabilityPolicy.Create(mode, filters.Select(TagFilter.Parse)));

    // --- CreateRepository ---------------------------------------------------------------------------------------

    [Fact]
    public void CreateRepository_defaults_to_MUTABLE_and_reports_arn_uri_and_createdAt()
    {
        RepositoryInfo info = _registry.CreateRepository(Name("team/app"));
        Assert.Equal(ImageTagMutability.Mutable, info.Policy.Mode);
        Assert.Equal("arn:aws:ecr:ap-northeast-1:123456789012:repository/team/app", info.Arn);
        Assert.Equal("123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/team/app", info.Uri);
        Assert.Equal(_clock.Now, info.CreatedAt);
        Assert.Equal("123456789012", info.RegistryId);
    }

    [Fact]
    public void CreateRepository_twice_is_RepositoryAlreadyExistsException()
    {
        Create("app");
        RepositoryAlreadyExistsException error = Assert.Throws<RepositoryAlreadyExistsException>(() => Create("app"));
        Assert.Equal("The repository with name 'app' already exists in the registry with id '123456789012'", error.Message);
        Assert.Equal(Name("app"), error.RepositoryName);
    }

    [Fact]
    public void CreateRepository_rejects_a_one_character_name_in_the_ecr_profile()
    {
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(() => Create("a"));
        Assert.Equal("repositoryName", error.Parameter);
        Assert.StartsWith("Invalid parameter at 'repositoryName' failed to satisfy constraint: '", error.Message, StringComparison.Ordinal);
        Assert.Empty(_registry.DescribeRepositories());
    }

    // --- DescribeRepositories / DeleteRepository ----------------------------------------------------------------

    [Fact]
    public void DescribeRepositories_lists_all_by_name_and_fails_on_a_missing_name()
    {
        Create("zeta");
        Create("alpha", ImageTagMutability.ImmutableWithExclusion, "latest");
        Assert.Equal(["alpha", "zeta"], _registry.DescribeRepositories().Select(r => r.Name.Value));
        Assert.Equal("IMMUTABLE_WITH_EXCLUSION [latest]", _registry.DescribeRepositories([Name("alpha")]).Single().Policy.ToString());
        RepositoryNotFoundException error = Assert.Throws<RepositoryNotFoundException>(() => _registry.DescribeRepositories([Name("alpha"), Name("missing")]));
        Assert.Equal("The repository with name 'missing' does not exist in the registry with id '123456789012'", error.Message);
    }

    [Fact]
    public void DescribeRepositories_takes_1_to_100_names()
    {
        Assert.Throws<InvalidParameterException>(() => _registry.DescribeRepositories([]));
        Assert.Throws<InvalidParameterException>(() => _registry.DescribeRepositories(Enumerable.Range(0, 101).Select(i => Name($"r{i}"))));
    }

    [Fact]
    public void DeleteRepository_with_images_needs_force()
    {
        Create("app", ImageTagMutability.Immutable);
        _registry.Push("app", Manifests.Image("x", 1), "v1");
        RepositoryNotEmptyException error = Assert.Throws<RepositoryNotEmptyException>(() => _registry.DeleteRepository(Name("app"), force: false));
        Assert.Equal("The repository with name 'app' in registry with id '123456789012' cannot be deleted because it still contains images", error.Message);
        Assert.NotNull(_registry.Resolve("app", "v1"));

        _registry.DeleteRepository(Name("app"), force: true);
        Assert.Empty(_registry.DescribeRepositories());
        Assert.Null(_registry.Resolve("app", "v1"));
    }

    [Fact]
    public void DeleteRepository_of_an_empty_repository_needs_no_force_and_a_missing_one_is_not_found()
    {
        Create("app");
        Assert.Equal(Name("app"), _registry.DeleteRepository(Name("app"), force: false).Name);
        Assert.Throws<RepositoryNotFoundException>(() => _registry.DeleteRepository(Name("app"), force: true));
    }

    // --- PutImageTagMutability -----------------------------------------------------------------------------------

    [Fact]
    public void PutImageTagMutability_replaces_mode_and_filters_and_applies_from_the_next_write()
    {
        Create("app");
        ParsedManifest one = Manifests.Image("1", 10), two = Manifests.Image("2", 20);
        _registry.Push("app", one, "latest");
        RepositoryInfo info = _registry.PutImageTagMutability(Name("app"), TagMutabilityPolicy.Immutable);
        Assert.Equal(ImageTagMutability.Immutable, info.Policy.Mode);
        Assert.Equal(one.Digest, _registry.Resolve("app", "latest"));
        Assert.Throws<ImageTagAlreadyExistsException>(() => _registry.Push("app", two, "latest"));

        _registry.PutImageTagMutability(Name("app"), TagMutabilityPolicy.Create(ImageTagMutability.ImmutableWithExclusion, [TagFilter.Parse("latest")]));
        _registry.Push("app", two, "latest");
        Assert.Equal(two.Digest, _registry.Resolve("app", "latest"));

        _registry.PutImageTagMutability(Name("app"), TagMutabilityPolicy.Mutable);
        Assert.Empty(_registry.GetRepository(Name("app")).Policy.Filters);
    }

    [Fact]
    public void PutImageTagMutability_on_a_missing_repository_is_RepositoryNotFoundException() =>
        Assert.Throws<RepositoryNotFoundException>(() => _registry.PutImageTagMutability(Name("nope"), TagMutabilityPolicy.Immutable));

    // --- PutImage -----------------------------------------------------------------------------------------------

    [Fact]
    public void PutImage_stores_the_exact_bytes_under_their_sha256()
    {
        Create("app");
        byte[] bytes = Encoding.UTF8.GetBytes("{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n  \"config\": {\"mediaType\": \"application/vnd.oci.image.config.v1+json\", \"digest\": \"" + Digest.Compute("{}"u8) + "\", \"size\": 2},\n  \"layers\": []\n}\n");
        ImageDetail image = _registry.PutImage(Name("app"), bytes, Tag.Parse("v1"));
        Assert.Equal(Digest.Compute(bytes), image.Digest);
        Assert.Equal(bytes, image.Manifest.ToArray());
        bytes[0] = (byte)' ';
        Assert.NotEqual(bytes, _registry.DescribeImages(Name("app")).Single().Manifest.ToArray());
    }

    [Fact]
    public void PutImage_into_a_missing_repository_is_RepositoryNotFoundException() =>
        Assert.Throws<RepositoryNotFoundException>(() => _registry.Push("nope", Manifests.Image("x", 1), "v1"));

    [Fact]
    public void PutImage_checks_parameters_before_the_repository()
    {
        // decision Q11: invalid JSON into a missing repository is an InvalidParameterException, not RepositoryNotFound
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(() => _registry.PutImage(Name("nope"), "not json"u8.ToArray()));
        Assert.Equal("imageManifest", error.Parameter);
    }

    [Fact]
    public void PutImage_with_invalid_json_is_InvalidParameterException_invalid_json_syntax()
    {
        Create("app");
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(() => _registry.PutImage(Name("app"), "{\"schemaVersion\":"u8.ToArray()));
        Assert.Equal("Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Invalid JSON syntax'", error.Message);
        Assert.IsAssignableFrom<ManifestInvalidException>(error.InnerException);
        Assert.Empty(_registry.DescribeImages(Name("app")));
    }

    [Fact]
    public void PutImage_without_any_media_type_is_InvalidParameterException()
    {
        Create("app");
        byte[] bytes = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digest.Compute("{}"u8) + "\",\"size\":2},\"layers\":[]}");
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(() => _registry.PutImage(Name("app"), bytes));
        Assert.Equal("imageManifestMediaType", error.Parameter);
        Assert.Equal(Digest.Compute(bytes), _registry.PutImage(Name("app"), bytes, mediaType: MediaType.OciImageManifest).Digest);
    }

    [Fact]
    public void PutImage_with_a_manifest_over_4_MiB_is_InvalidParameterException()
    {
        Create("app");
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(() => _registry.PutImage(Name("app"), new byte[(4 * 1024 * 1024) + 1]));
        Assert.Equal("Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Member must have length less than or equal to 4194304'", error.Message);
    }

    [Fact]
    public void PutImage_with_a_wrong_imageDigest_is_ImageDigestDoesNotMatchException()
    {
        Create("app");
        ParsedManifest manifest = Manifests.Image("x", 1);
        Digest wrong = Digest.Compute("other"u8);
        ImageDigestDoesNotMatchException error = Assert.Throws<ImageDigestDoesNotMatchException>(
            () => _registry.PutImage(Name("app"), manifest.Content, Tag.Parse("v1"), imageDigest: wrong));
        Assert.Equal(wrong, error.ProvidedDigest);
        Assert.Equal(manifest.Digest, error.ComputedDigest);
        Assert.Empty(_registry.DescribeImages(Name("app")));
        Assert.Equal(manifest.Digest, _registry.PutImage(Name("app"), manifest.Content, Tag.Parse("v1"), imageDigest: manifest.Digest).Digest);
    }

    [Theory]
    [InlineData(ImageTagMutability.Mutable)]
    [InlineData(ImageTagMutability.Immutable)]
    public void PutImage_binds_a_new_tag_in_every_mode(ImageTagMutability mode)
    {
        Create("app", mode);
        ParsedManifest manifest = Manifests.Image("x", 5);
        _registry.Push("app", manifest, "v1");
        ImageDetail image = _registry.Push("app", manifest, "v2");
        Assert.Equal(["v1", "v2"], image.Tags.Select(t => t.Value));
        Assert.Equal(manifest.Digest, _registry.Resolve("app", "v2"));
    }

    [Fact]
    public void PutImage_moving_an_immutable_tag_is_ImageTagAlreadyExistsException_with_ecr_message()
    {
        Create("immutable-repo", ImageTagMutability.Immutable);
        ParsedManifest first = Manifests.Image("example-0001", 32), second = Manifests.Image("example-0002", 32);
        _registry.Push("immutable-repo", first, "latest");
        ImageTagAlreadyExistsException error = Assert.Throws<ImageTagAlreadyExistsException>(() => _registry.Push("immutable-repo", second, "latest"));
        Assert.Equal("The image tag 'latest' already exists in the 'immutable-repo' repository and cannot be overwritten because the tag is immutable.", error.Message);
        Assert.Equal(Tag.Parse("latest"), error.Tag);
        Assert.Equal(first.Digest, error.ExistingDigest);
        Assert.Equal(second.Digest, error.AttemptedDigest);
        Assert.Equal("ImageTagAlreadyExistsException", error.ErrorCode);
        Assert.Equal(first.Digest, _registry.Resolve("immutable-repo", "latest"));
        Assert.Single(_registry.DescribeImages(Name("immutable-repo")));
    }

    [Fact]
    public void PutImage_re_pushing_the_same_digest_to_an_immutable_tag_is_ImageTagAlreadyExistsException()
    {
        // decision Q1
        Create("app", ImageTagMutability.Immutable);
        ParsedManifest manifest = Manifests.Image("x", 1);
        _registry.Push("app", manifest, "v1");
        ImageTagAlreadyExistsException error = Assert.Throws<ImageTagAlreadyExistsException>(() => _registry.Push("app", manifest, "v1"));
        Assert.Equal(error.ExistingDigest, error.AttemptedDigest);
    }

    [Fact]
    public void PutImage_re_pushing_the_same_digest_to_a_mutable_tag_is_ImageAlreadyExistsException()
    {
        // decision Q1
        Create("app");
        ParsedManifest manifest = Manifests.Image("x", 1);
        _registry.Push("app", manifest, "v1");
        ImageAlreadyExistsException error = Assert.Throws<ImageAlreadyExistsException>(() => _registry.Push("app", manifest, "v1"));
        Assert.Equal($"Image with digest '{manifest.Digest}' and tag 'v1' already exists in the repository with name 'app' in registry with id '123456789012'", error.Message);
    }

    [Fact]
    public void PutImage_untagged_of_a_stored_digest_is_ImageAlreadyExistsException()
    {
        // decision Q2
        Create("app");
        ParsedManifest manifest = Manifests.Image("x", 1);
        _registry.Push("app", manifest);
        ImageAlreadyExistsException error = Assert.Throws<ImageAlreadyExistsException>(() => _registry.Push("app", manifest));
        Assert.Null(error.Tag);
        Assert.Contains("and tag 'null'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PutImage_without_a_tag_stores_an_untagged_image_and_implies_no_latest()
    {
        Create("app");
        ImageDetail image = _registry.Push("app", Manifests.Image("x", 1));
        Assert.Empty(image.Tags);
        Assert.Null(_registry.Resolve("app", "latest"));
    }

    [Fact]
    public void PutImage_moving_a_mutable_tag_leaves_the_old_image_untagged()
    {
        // decision Q10; moto deletes the old image here (deviation 4), ECR keeps it
        Create("app");
        ParsedManifest first = Manifests.Image("1", 1), second = Manifests.Image("2", 2);
        _registry.Push("app", first, "latest");
        _registry.Push("app", second, "latest");
        Assert.Equal(second.Digest, _registry.Resolve("app", "latest"));
        ImageDetail old = _registry.DescribeImages(Name("app"), TagStatus.Untagged).Single();
        Assert.Equal(first.Digest, old.Digest);
        Assert.Empty(old.Tags);
    }

    [Fact]
    public void PutImage_retag_keeps_the_first_push_time_and_adds_tags_in_order()
    {
        // decision Q8
        Create("app");
        ParsedManifest manifest = Manifests.Image("x", 1);
        DateTimeOffset first = _clock.Now;
        _registry.Push("app", manifest, "b");
        _clock.Now = first.AddHours(1);
        ImageDetail image = _registry.Push("app", manifest, "a");
        Assert.Equal(first, image.PushedAt);
        Assert.Equal(["b", "a"], image.Tags.Select(t => t.Value));
    }

    [Fact]
    public void PutImage_accepts_ecr_tags_that_the_oci_grammar_refuses()
    {
        // decision Q4: 1..300 of [A-Za-z0-9_.-], a leading '.' or '-' accepted
        Create("app");
        _registry.Push("app", Manifests.Image("x", 1), "-" + new string('a', 299));
        Assert.NotNull(_registry.Resolve("app", "-" + new string('a', 299)));
    }

    [Fact]
    public void PutImage_in_an_oci_profile_registry_refuses_an_ecr_only_tag()
    {
        var registry = new Registry(new RegistryOptions { Grammar = GrammarProfile.Oci });
        registry.CreateRepository(Name("app"));
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(() => registry.Push("app", Manifests.Image("x", 1), ".hidden"));
        Assert.Equal("imageTag", error.Parameter);
        Assert.IsType<InvalidTagException>(error.InnerException);
    }

    [Fact]
    public void PutImage_with_exclusion_filters_follows_the_matching_tag()
    {
        // IMMUTABLE_WITH_EXCLUSION [latest]: latest moves, v1.0.0 stays locked
        Create("app", ImageTagMutability.ImmutableWithExclusion, "latest");
        ParsedManifest one = Manifests.Image("1", 1), two = Manifests.Image("2", 2);
        _registry.Push("app", one, "latest");
        _registry.Push("app", one, "v1.0.0");
        _registry.Push("app", two, "latest");
        Assert.Throws<ImageTagAlreadyExistsException>(() => _registry.Push("app", two, "v1.0.0"));
        Assert.Equal(two.Digest, _registry.Resolve("app", "latest"));
        Assert.Equal(one.Digest, _registry.Resolve("app", "v1.0.0"));
    }

    [Fact]
    public void PutImage_in_MUTABLE_WITH_EXCLUSION_locks_only_matching_tags()
    {
        Create("app", ImageTagMutability.MutableWithExclusion, "release-*");
        ParsedManifest one = Manifests.Image("1", 1), two = Manifests.Image("2", 2);
        _registry.Push("app", one, "release-1");
        _registry.Push("app", one, "dev");
        _registry.Push("app", two, "dev");
        Assert.Throws<ImageTagAlreadyExistsException>(() => _registry.Push("app", two, "release-1"));
    }

    [Fact]
    public void PutImage_of_an_index_needs_its_children()
    {
        Create("app");
        ParsedManifest child = Manifests.Image("c", 7);
        ParsedManifest index = Manifests.Index(child);
        ReferencedImagesNotFoundException error = Assert.Throws<ReferencedImagesNotFoundException>(() => _registry.Push("app", index, "v1"));
        Assert.Equal([child.Digest], error.MissingDigests.AsEnumerable());
        Assert.Empty(_registry.DescribeImages(Name("app")));
    }

    [Fact]
    public void PutImage_of_an_index_reports_the_largest_child_size()
    {
        Create("app");
        ParsedManifest small = Manifests.Image("s", 10, 5), large = Manifests.Image("l", 100, 20);
        _registry.Push("app", small);
        _registry.Push("app", large);
        ImageDetail index = _registry.Push("app", Manifests.Index(small, large), "v1");
        Assert.Equal(120, index.SizeInBytes);
        Assert.Equal(15, _registry.DescribeImages(Name("app")).First().SizeInBytes);
        Assert.Equal([small.Digest, large.Digest], index.ReferencedDigests.AsEnumerable());
    }

    [Fact]
    public void PutImage_beyond_the_tag_limit_is_LimitExceededException_and_changes_nothing()
    {
        var registry = new Registry(new RegistryOptions { MaxTagsPerImage = 2 });
        registry.CreateRepository(Name("app"));
        ParsedManifest manifest = Manifests.Image("x", 1);
        registry.Push("app", manifest, "a");
        registry.Push("app", manifest, "b");
        LimitExceededException error = Assert.Throws<LimitExceededException>(() => registry.Push("app", manifest, "c"));
        Assert.Equal(RegistryLimit.TagsPerImage, error.Limit);
        Assert.Equal("Adding tag 'c' to an image in the repository with name 'app' in registry with id '123456789012' exceeds the maximum allowed number of tags per image which is '2'", error.Message);
        Assert.Null(registry.Resolve("app", "c"));
    }

    [Fact]
    public void PutImage_moving_a_tag_onto_a_full_image_fails_without_untagging_the_old_one()
    {
        var registry = new Registry(new RegistryOptions { MaxTagsPerImage = 1 });
        registry.CreateRepository(Name("app"));
        ParsedManifest one = Manifests.Image("1", 1), two = Manifests.Image("2", 1);
        registry.Push("app", one, "a");
        registry.Push("app", two, "b");
        Assert.Throws<LimitExceededException>(() => registry.Push("app", two, "a"));
        Assert.Equal(one.Digest, registry.Resolve("app", "a"));
        Assert.Equal(["a"], registry.DescribeImages(Name("app"), [ImageId.ForDigest(one.Digest)]).Single().Tags.Select(t => t.Value));
    }

    [Fact]
    public void PutImage_beyond_the_image_limit_is_LimitExceededException()
    {
        var registry = new Registry(new RegistryOptions { MaxImagesPerRepository = 1 });
        registry.CreateRepository(Name("app"));
        registry.Push("app", Manifests.Image("1", 1));
        LimitExceededException error = Assert.Throws<LimitExceededException>(() => registry.Push("app", Manifests.Image("2", 1), "v2"));
        Assert.Equal(RegistryLimit.ImagesPerRepository, error.Limit);
        Assert.Single(registry.DescribeImages(Name("app")));
        Assert.Null(registry.Resolve("app", "v2"));
    }

    // --- BatchGetImage ------------------------------------------------------------------------------------------

    [Fact]
    public void BatchGetImage_reports_each_id_and_echoes_the_requested_tag()
    {
        Create("app");
        ParsedManifest manifest = Manifests.Image("x", 1);
        _registry.Push("app", manifest, "a");
        _registry.Push("app", manifest, "b");
        Digest missing = Digest.Compute("nothing"u8);
        BatchGetImageResult result = _registry.BatchGetImage(Name("app"), [
            ImageId.ForTag(Tag.Parse("b")),
            ImageId.ForDigest(manifest.Digest),
            ImageId.ForDigest(missing),
            default,
            new ImageId(missing, Tag.Parse("a")),
        ]);
        Assert.Equal([new ImageId(manifest.Digest, Tag.Parse("b")), ImageId.ForDigest(manifest.Digest)], result.Images.Select(i => i.ImageId));
        Assert.Equal([ImageFailureCode.ImageNotFound, ImageFailureCode.MissingDigestAndTag, ImageFailureCode.ImageNotFound], result.Failures.Select(f => f.FailureCode));
        Assert.Equal("Requested image not found", result.Failures[0].FailureReason);
        Assert.Equal("Invalid request parameters: both tag and digest cannot be null", result.Failures[1].FailureReason);
    }

    [Fact]
    public void BatchGetImage_with_a_tag_and_digest_that_disagree_is_ImageTagDoesNotMatchDigest()
    {
        // decision Q7
        Create("app");
        ParsedManifest one = Manifests.Image("1", 1), two = Manifests.Image("2", 1);
        _registry.Push("app", one, "a");
        _registry.Push("app", two, "b");
        BatchGetImageResult result = _registry.BatchGetImage(Name("app"), [new ImageId(two.Digest, Tag.Parse("a"))]);
        Assert.Equal(ImageFailureCode.ImageTagDoesNotMatchDigest, result.Failures.Single().FailureCode);
    }

    [Fact]
    public void Batch_calls_take_1_to_100_ids()
    {
        Create("app");
        Assert.Throws<InvalidParameterException>(() => _registry.BatchGetImage(Name("app"), []));
        InvalidParameterException error = Assert.Throws<InvalidParameterException>(
            () => _registry.BatchDeleteImage(Name("app"), Enumerable.Range(0, 101).Select(i => ImageId.ForTag(Tag.Parse($"t{i}")))));
        Assert.Equal("Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must have length less than or equal to 100'", error.Message);
    }

    // --- BatchDeleteImage ---------------------------------------------------------------------------------------

    [Fact]
    public void BatchDeleteImage_by_tag_in_an_immutable_repository_frees_the_tag_for_any_digest()
    {
        Create("app", ImageTagMutability.Immutable);
        ParsedManifest one = Manifests.Image("1", 1), two = Manifests.Image("2", 1);
        _registry.Push("app", one, "latest");
        BatchDeleteImageResult result = _registry.BatchDeleteImage(Name("app"), [ImageId.ForTag(Tag.Parse("latest"))]);
        Assert.Equal([new ImageId(one.Digest, Tag.Parse("latest"))], result.ImageIds.AsEnumerable());
        Assert.Empty(_registry.DescribeImages(Name("app")));
        _registry.Push("app", two, "latest");
        Assert.Equal(two.Digest, _registry.Resolve("app", "latest"));
    }

    [Fact]
    public void BatchDeleteImage_by_tag_removes_only_that_tag_when_others_remain()
    {
        Create("app");
        ParsedManifest manifest = Manifests.Image("x", 1);
        _registry.Push("app", manifest, "a");
        _registry.Push("app", manifest, "b");
        _registry.BatchDeleteImage(Name("app"), [ImageId.ForTag(Tag.Parse("a"))]);
        Assert.Equal(["b"], _registry.DescribeImages(Name("app")).Single().Tags.Select(t => t.Value));
    }

    [Fact]
    public void BatchDeleteImage_by_digest_removes_the_image_and_lists_each_tag()
    {
        Create("app");
        ParsedManifest manifest = Manifests.Image("x", 1), untagged = Manifests.Image("u", 1);
        _registry.Push("app", manifest, "a");
        _registry.Push("app", manifest, "b");
        _registry.Push("app", untagged);
        BatchDeleteImageResult result = _registry.BatchDeleteImage(Name("app"), [ImageId.ForDigest(manifest.Digest), ImageId.ForDigest(untagged.Digest)]);
        Assert.Equal(
            [new ImageId(manifest.Digest, Tag.Parse("a")), new ImageId(manifest.Digest, Tag.Parse("b")), ImageId.ForDigest(untagged.Digest)],
            result.ImageIds.AsEnumerable());
        Assert.Empty(_registry.DescribeImages(Name("app")));
        Assert.Null(_registry.Resolve("app", "a"));
    }

    [Fact]
    public void BatchDeleteImage_of_a_child_an_index_references_is_ImageReferencedByManifestList()
    {
        Create("app");
        ParsedManifest child = Manifests.Image("c", 1);
        _registry.Push("app", child, "child");
        ParsedManifest index = Manifests.Index(child);
        _registry.Push("app", index, "v1");
        BatchDeleteImageResult result = _registry.BatchDeleteImage(Name("app"), [ImageId.ForDigest(child.Digest), ImageId.ForTag(Tag.Parse("child"))]);
        Assert.All(result.Failures, f => Assert.Equal(ImageFailureCode.ImageReferencedByManifestList, f.FailureCode));
        Assert.Equal(2, result.Failures.Length);
        Assert.Empty(result.ImageIds.AsEnumerable());
        Assert.Equal(child.Digest, _registry.Resolve("app", "child"));

        // deleting the index first frees the child
        _registry.BatchDeleteImage(Name("app"), [ImageId.ForDigest(index.Digest)]);
        Assert.Single(_registry.BatchDeleteImage(Name("app"), [ImageId.ForDigest(child.Digest)]).ImageIds);
    }

    [Fact]
    public void BatchDeleteImage_reports_missing_and_empty_ids_as_failures()
    {
        Create("app");
        BatchDeleteImageResult result = _registry.BatchDeleteImage(Name("app"), [ImageId.ForTag(Tag.Parse("nope")), default]);
        Assert.Equal([ImageFailureCode.ImageNotFound, ImageFailureCode.MissingDigestAndTag], result.Failures.Select(f => f.FailureCode));
    }

    [Fact]
    public void BatchDeleteImage_with_tag_and_digest_removes_only_that_tag()
    {
        Create("app");
        ParsedManifest manifest = Manifests.Image("x", 1);
        _registry.Push("app", manifest, "a");
        _registry.Push("app", manifest, "b");
        BatchDeleteImageResult result = _registry.BatchDeleteImage(Name("app"), [new ImageId(manifest.Digest, Tag.Parse("b"))]);
        Assert.Equal([new ImageId(manifest.Digest, Tag.Parse("b"))], result.ImageIds.AsEnumerable());
        Assert.Equal(["a"], _registry.DescribeImages(Name("app")).Single().Tags.Select(t => t.Value));
    }

    // --- DescribeImages / ListImages ----------------------------------------------------------------------------

    [Fact]
    public void DescribeImages_filters_by_tag_status_and_fails_whole_on_a_missing_id()
    {
        Create("app");
        ParsedManifest tagged = Manifests.Image("t", 1), untagged = Manifests.Image("u", 1);
        _registry.Push("app", tagged, "v1");
        _registry.Push("app", untagged);
        Assert.Equal([tagged.Digest], _registry.DescribeImages(Name("app"), TagStatus.Tagged).Select(i => i.Digest));
        Assert.Equal([untagged.Digest], _registry.DescribeImages(Name("app"), TagStatus.Untagged).Select(i => i.Digest));
        Assert.Equal(2, _registry.DescribeImages(Name("app"), TagStatus.Any).Length);

        ImageNotFoundException error = Assert.Throws<ImageNotFoundException>(
            () => _registry.DescribeImages(Name("app"), [ImageId.ForTag(Tag.Parse("v1")), ImageId.ForTag(Tag.Parse("v2"))]));
        Assert.Equal("The image with imageId {imageDigest:'null', imageTag:'v2'} does not exist within the repository with name 'app' in the registry with id '123456789012'", error.Message);
    }

    [Fact]
    public void ListImages_gives_one_id_per_digest_and_tag_pair()
    {
        Create("app");
        ParsedManifest manifest = Manifests.Image("x", 1), untagged = Manifests.Image("u", 1);
        _registry.Push("app", manifest, "a");
        _registry.Push("app", manifest, "b");
        _registry.Push("app", untagged);
        Assert.Equal(
            [new ImageId(manifest.Digest, Tag.Parse("a")), new ImageId(manifest.Digest, Tag.Parse("b")), ImageId.ForDigest(untagged.Digest)],
            _registry.ListImages(Name("app")).AsEnumerable());
        Assert.Equal([ImageId.ForDigest(untagged.Digest)], _registry.ListImages(Name("app"), TagStatus.Untagged).AsEnumerable());
    }

    // --- async forms --------------------------------------------------------------------------------------------

    [Fact]
    public async Task Async_forms_carry_errors_in_the_task_and_complete_synchronously_in_memory()
    {
        // In memory the ValueTask forms complete before they return; over a store doing I/O they need not.
        bool inMemory = _registry.Store is global::TagImmutability.Storage.InMemoryRegistryStore;
        ValueTask<RepositoryInfo> created = _registry.CreateRepositoryAsync(Name("app"), TagMutabilityPolicy.Immutable);
        Assert.True(created.IsCompletedSuccessfully || !inMemory);
        await created;
        ParsedManifest manifest = Manifests.Image("x", 1);
        await _registry.PutImageAsync(Name("app"), manifest.Content, Tag.Parse("v1"));
        ValueTask<ImageDetail> failed = _registry.PutImageAsync(Name("app"), Manifests.Image("y", 1).Content, Tag.Parse("v1"));
        Assert.True(failed.IsFaulted || !inMemory);
        await Assert.ThrowsAsync<ImageTagAlreadyExistsException>(async () => await failed);
        Assert.Equal(manifest.Digest, await _registry.ResolveTagAsync(Name("app"), Tag.Parse("v1")));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.True(_registry.ListImagesAsync(Name("app"), TagStatus.Any, cancelled.Token).IsCanceled);
    }
}

public sealed class RegistryArgumentTests
{
    [Fact]
    public void A_null_clock_is_refused_when_the_options_are_built() =>
        Assert.Throws<ArgumentNullException>(() => new RegistryOptions { TimeProvider = null! });

    [Fact]
    public void An_undefined_tag_status_is_an_argument_error()
    {
        var registry = new Registry();
        registry.CreateRepository(RepositoryName.Parse("app"));
        Assert.Throws<ArgumentOutOfRangeException>(() => registry.DescribeImages(RepositoryName.Parse("app"), (TagStatus)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => registry.ListImages(RepositoryName.Parse("app"), (TagStatus)99));
        // parameters before the repository (Q11)
        Assert.Throws<ArgumentOutOfRangeException>(() => registry.ListImages(RepositoryName.Parse("missing"), (TagStatus)99));
    }
}

public sealed class RegistryAsyncFormTests
{
    [Fact]
    public async Task The_id_and_name_forms_have_ValueTask_twins()
    {
        var registry = new Registry();
        RepositoryName app = RepositoryName.Parse("app");
        await registry.CreateRepositoryAsync(app, TagMutabilityPolicy.Mutable);
        ParsedManifest manifest = Manifests.Image("x", 3);
        await registry.PutImageAsync(app, manifest.Content, Tag.Parse("v1"));
        Assert.Equal(manifest.Digest, (await registry.DescribeImagesAsync(app, [ImageId.ForTag(Tag.Parse("v1"))], CancellationToken.None)).Single().Digest);
        Assert.Equal(app, (await registry.DescribeRepositoriesAsync([app], CancellationToken.None)).Single().Name);
        await Assert.ThrowsAsync<ImageNotFoundException>(async () => await registry.DescribeImagesAsync(app, [ImageId.ForTag(Tag.Parse("v2"))], CancellationToken.None));
        await Assert.ThrowsAsync<RepositoryNotFoundException>(async () => await registry.DescribeRepositoriesAsync([RepositoryName.Parse("nope")], CancellationToken.None));
    }
}
