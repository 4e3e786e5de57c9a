using System.Collections.Immutable;

namespace TagImmutability.Tests.Registries;

/// <summary>
/// TagImage and ExplainPush: the value-returning forms decide and apply exactly as PutImage of the same image does,
/// and a failure changes nothing. Runs against the default registry; derived classes run it against other stores.
/// </summary>
public class TaggingTests
{
    private static readonly RepositoryName Mutable = RepositoryName.Parse("team/mutable");
    private static readonly RepositoryName Immutable = RepositoryName.Parse("team/immutable");
    private readonly RegistryFactory _factory;
    private readonly Registry _registry;
    private readonly ParsedManifest _one = Manifests.Image("one", 10);
    private readonly ParsedManifest _two = Manifests.Image("two", 20);

    public TaggingTests()
        : this(RegistryFactory.InMemory)
    {
    }

    protected TaggingTests(RegistryFactory factory)
    {
        _factory = factory;
        _registry = NewRegistry(factory, _one, _two);
    }

    private Digest One => _one.Digest;

    private Digest Two => _two.Digest;

    [Fact]
    public void A_new_tag_is_created_and_recorded()
    {
        TagWriteDecision decision = _registry.TagImage(Mutable, Tag.Parse("v1"), One);
        Assert.Equal(TagWriteOutcome.Created, decision.Outcome);
        Assert.Equal(One, _registry.Resolve("team/mutable", "v1"));
        Assert.Contains(Tag.Parse("v1"), Image(Mutable, One).Tags);
        Assert.Equal(TagEventKind.Created, _registry.GetHistory(Mutable)[^1].Kind);
    }

    [Fact]
    public void A_mutable_tag_moves_and_its_old_image_stays_untagged()
    {
        _registry.TagImage(Mutable, Tag.Parse("latest"), One);
        TagWriteDecision decision = _registry.TagImage(Mutable, Tag.Parse("latest"), Two);
        Assert.Equal(TagWriteOutcome.Moved, decision.Outcome);
        Assert.Equal(One, decision.ExistingDigest);
        Assert.Equal(Two, _registry.Resolve("team/mutable", "latest"));
        Assert.Empty(Image(Mutable, One).Tags);
        TagEvent moved = _registry.GetHistory(Mutable)[^1];
        Assert.Equal((TagEventKind.Moved, One, Two), (moved.Kind, moved.OldDigest, moved.NewDigest));
    }

    [Fact]
    public void Rebinding_a_mutable_tag_to_its_digest_is_unchanged_and_records_nothing()
    {
        _registry.TagImage(Mutable, Tag.Parse("latest"), One);
        int events = _registry.GetHistory(Mutable).Length;
        Assert.Equal(TagWriteOutcome.Unchanged, _registry.TagImage(Mutable, Tag.Parse("latest"), One).Outcome);
        Assert.Equal(events, _registry.GetHistory(Mutable).Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // ECR refuses even the digest the tag names already (decision Q1)
    public void An_immutable_tag_is_refused_as_a_value_and_the_refusal_is_recorded(bool sameDigest)
    {
        _registry.TagImage(Immutable, Tag.Parse("v1"), One);
        TagWriteDecision decision = _registry.TagImage(Immutable, Tag.Parse("v1"), sameDigest ? One : Two);
        Assert.Equal(TagWriteOutcome.RejectedImmutable, decision.Outcome);
        Assert.False(decision.IsAllowed);
        Assert.Equal(One, _registry.Resolve("team/immutable", "v1"));
        TagEvent rejected = _registry.GetHistory(Immutable)[^1];
        Assert.Equal((TagEventKind.Rejected, One, sameDigest ? One : Two), (rejected.Kind, rejected.OldDigest, rejected.NewDigest));
    }

    [Fact]
    public void ExplainPush_decides_as_TagImage_would_and_writes_nothing()
    {
        _registry.TagImage(Immutable, Tag.Parse("v1"), One);
        _registry.TagImage(Mutable, Tag.Parse("latest"), One);
        long[] before = Sequences(Immutable);
        Assert.Equal(TagWriteOutcome.RejectedImmutable, _registry.ExplainPush(Immutable, Tag.Parse("v1"), Two).Outcome);
        Assert.Equal(TagWriteOutcome.Created, _registry.ExplainPush(Immutable, Tag.Parse("v2"), Two).Outcome);
        Assert.Equal(TagWriteOutcome.Moved, _registry.ExplainPush(Mutable, Tag.Parse("latest"), Two).Outcome);
        Assert.Equal(TagWriteOutcome.Unchanged, _registry.ExplainPush(Mutable, Tag.Parse("latest"), One).Outcome);
        // The image need not exist: a decision is about the binding.
        Assert.Equal(TagWriteOutcome.Created, _registry.ExplainPush(Mutable, Tag.Parse("next"), Digest.Compute([1, 2, 3])).Outcome);
        Assert.Equal(before, Sequences(Immutable));
        Assert.Null(_registry.Resolve("team/immutable", "v2"));
    }

    [Fact]
    public void Errors_are_typed_and_change_nothing()
    {
        _registry.TagImage(Mutable, Tag.Parse("latest"), One);
        long[] history = Sequences(Mutable);
        Digest absent = Digest.Compute([9, 9, 9]);
        Assert.Throws<ImageNotFoundException>(() => _registry.TagImage(Mutable, Tag.Parse("latest"), absent));
        Assert.Throws<RepositoryNotFoundException>(() => _registry.TagImage(RepositoryName.Parse("team/none"), Tag.Parse("latest"), One));
        Assert.Throws<RepositoryNotFoundException>(() => _registry.ExplainPush(RepositoryName.Parse("team/none"), Tag.Parse("latest"), One));
        Assert.Throws<ArgumentException>(() => _registry.TagImage(Mutable, default, One));
        Assert.Throws<ArgumentException>(() => _registry.TagImage(Mutable, Tag.Parse("latest"), default));
        Assert.Throws<ArgumentException>(() => _registry.ExplainPush(default, Tag.Parse("latest"), One));
        // A tag of the ECR grammar that the registry's OCI grammar refuses.
        var oci = _factory.Create(new RegistryOptions { Grammar = GrammarProfile.Oci });
        oci.CreateRepository(Mutable);
        InvalidParameterException invalid = Assert.Throws<InvalidParameterException>(() => oci.TagImage(Mutable, Tag.Parse("-dash", GrammarProfile.Ecr), One));
        Assert.Contains("-dash", invalid.Message, StringComparison.Ordinal);
        Assert.Equal(One, _registry.Resolve("team/mutable", "latest"));
        Assert.Equal(history, Sequences(Mutable));
    }

    [Fact]
    public void The_tags_per_image_limit_refuses_the_write_and_changes_nothing()
    {
        Registry registry = NewRegistry(_factory, new RegistryOptions { MaxTagsPerImage = 2 }, _one, _two);
        registry.TagImage(Mutable, Tag.Parse("a"), One);
        registry.TagImage(Mutable, Tag.Parse("b"), One);
        Assert.Throws<LimitExceededException>(() => registry.TagImage(Mutable, Tag.Parse("c"), One));
        Assert.Null(registry.Resolve("team/mutable", "c"));
        Assert.Equal(2, registry.DescribeImages(Mutable).Single(i => i.Digest == One).Tags.Length);
    }

    [Property(MaxTest = 200)]
    public Property TagImage_ends_where_PutImage_of_the_same_images_ends() =>
        Prop.ForAll(
            Gen.ListOf(
                from repository in Gen.Elements(Mutable, Immutable)
                from text in Gen.Elements("a", "b", "latest")
                from image in Gen.Elements(0, 1)
                select (repository, text, image)).ToArbitrary(),
            steps =>
            {
                ParsedManifest[] images = [_one, _two];
                Registry byValue = NewRegistry(_factory, _one, _two);
                Registry byPush = NewRegistry(_factory, _one, _two);
                foreach ((RepositoryName repository, string text, int image) in steps)
                {
                    Tag tag = Tag.Parse(text);
                    TagWriteOutcome outcome = byValue.TagImage(repository, tag, images[image].Digest).Outcome;
                    TagWriteOutcome pushed;
                    try
                    {
                        ImageDetail detail = byPush.PutImage(repository, images[image].Content, tag);
                        pushed = detail.Tags.Contains(tag) ? outcome : TagWriteOutcome.Unchanged;
                    }
                    catch (ImageTagAlreadyExistsException)
                    {
                        pushed = TagWriteOutcome.RejectedImmutable;
                    }
                    catch (ImageAlreadyExistsException)
                    {
                        pushed = TagWriteOutcome.Unchanged;
                    }

                    if (pushed != outcome)
                    {
                        return false;
                    }
                }

                return new[] { Mutable, Immutable }.All(r =>
                    byValue.ListImages(r).SequenceEqual(byPush.ListImages(r))
                    && byValue.GetHistory(r).Select(e => (e.Kind, e.Tag, e.OldDigest, e.NewDigest))
                        .SequenceEqual(byPush.GetHistory(r).Select(e => (e.Kind, e.Tag, e.OldDigest, e.NewDigest))));
            });

    private static Registry NewRegistry(RegistryFactory factory, params ParsedManifest[] images) => NewRegistry(factory, RegistryOptions.Default, images);

    private static Registry NewRegistry(RegistryFactory factory, RegistryOptions options, params ParsedManifest[] images)
    {
        Registry registry = factory.Create(options);
        registry.CreateRepository(Mutable, TagMutabilityPolicy.Mutable);
        registry.CreateRepository(Immutable, TagMutabilityPolicy.Immutable);
        foreach (ParsedManifest image in images)
        {
            registry.PutImage(Mutable, image.Content);
            registry.PutImage(Immutable, image.Content);
        }

        return registry;
    }

    private long[] Sequences(RepositoryName repository) => [.. _registry.GetHistory(repository).Select(e => e.Sequence)];

    private ImageDetail Image(RepositoryName repository, Digest digest) => _registry.DescribeImages(repository).Single(i => i.Digest == digest);
}

/// <summary>In memory, a decision and an unchanged write allocate nothing: measured with the thread's allocation counter.</summary>
public sealed class TaggingAllocationTests
{
    [Fact]
    public void ExplainPush_and_an_unchanged_TagImage_allocate_nothing()
    {
        var registry = new Registry();
        RepositoryName mutable = RepositoryName.Parse("team/mutable");
        RepositoryName immutable = RepositoryName.Parse("team/immutable");
        registry.CreateRepository(mutable, TagMutabilityPolicy.Mutable);
        registry.CreateRepository(immutable, TagMutabilityPolicy.Immutable);
        Digest one = registry.PutImage(mutable, Manifests.Image("one", 10).Content).Digest;
        registry.PutImage(immutable, Manifests.Image("one", 10).Content);
        Digest two = Digest.Compute([2]);
        Tag latest = Tag.Parse("latest");
        registry.TagImage(mutable, latest, one);
        registry.TagImage(immutable, latest, one);

        var calls = new (string Name, Func<TagWriteOutcome> Call, TagWriteOutcome Expected)[]
        {
            ("ExplainPush(rejected)", () => registry.ExplainPush(immutable, latest, two).Outcome, TagWriteOutcome.RejectedImmutable),
            ("ExplainPush(moved)", () => registry.ExplainPush(mutable, latest, two).Outcome, TagWriteOutcome.Moved),
            ("TagImage(unchanged)", () => registry.TagImage(mutable, latest, one).Outcome, TagWriteOutcome.Unchanged),
        };
        var allocations = new List<string>();
        foreach ((string name, Func<TagWriteOutcome> call, TagWriteOutcome expected) in calls)
        {
            Assert.Equal(expected, call());
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                call();
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated != 0)
            {
                allocations.Add($"{name}: {allocated / 1000.0} bytes per call");
            }
        }

        Assert.Empty(allocations);
    }
}
