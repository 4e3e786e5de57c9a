using System.Text;

namespace TagImmutability.Tests.Registries;

/// <summary>
/// Every way to resolve (Tag, UTF-16 text, UTF-8 bytes, reference text, parsed reference) gives one answer, and the
/// in-memory forms allocate nothing. Runs against the default registry; derived classes run it against other stores.
/// </summary>
public class ResolveTests
{
    private static readonly RepositoryName App = RepositoryName.Parse("team/app");
    private readonly Registry _registry;
    private readonly Digest _v1;
    private readonly Digest _v2;

    public ResolveTests()
        : this(RegistryFactory.InMemory)
    {
    }

    protected ResolveTests(RegistryFactory factory)
    {
        _registry = factory.Create(RegistryOptions.Default);
        _registry.CreateRepository(App, TagMutabilityPolicy.Immutable);
        _v1 = _registry.Push("team/app", Manifests.Image("one", 10), "v1.2.3").Digest;
        _v2 = _registry.Push("team/app", Manifests.Image("two", 20), "sha-0123456789abcdef-build-42").Digest;
        _registry.Push("team/app", Manifests.Image("untagged", 30));
    }

    public static TheoryData<string, bool> Tags => new()
    {
        { "v1.2.3", true },
        { "sha-0123456789abcdef-build-42", true },
        { "sha-0123456789abcdef-build-43", false }, // differs after the 16-character inline prefix
        { "v1.2.4", false },
        { "V1.2.3", false }, // tags are case-sensitive
        { "", false },
        { "v1.2.3 ", false },
        { "v1.2.\u00b3", false }, // not ASCII
        { new string('x', 300), false }, // longer than any tag
    };

    [Theory]
    [MemberData(nameof(Tags))]
    public void A_tag_resolves_the_same_by_string_UTF16_and_UTF8(string text, bool found)
    {
        Digest expected = text.StartsWith("v1", StringComparison.Ordinal) ? _v1 : _v2;
        Assert.Equal(found, _registry.TryResolveTag(App, text.AsSpan(), out Digest bySpan));
        Assert.Equal(found, _registry.TryResolveTag(App, Encoding.UTF8.GetBytes(text), out Digest byUtf8));
        Assert.Equal(found ? expected : default, bySpan);
        Assert.Equal(found ? expected : default, byUtf8);
        if (Tag.TryParse(text, out Tag tag))
        {
            Assert.Equal(found, _registry.TryResolveTag(App, tag, out Digest byTag));
            Assert.Equal(bySpan, byTag);
        }
    }

    [Fact]
    public void A_tag_of_a_missing_or_default_repository_resolves_to_nothing()
    {
        Assert.False(_registry.TryResolveTag(RepositoryName.Parse("team/other"), "v1.2.3".AsSpan(), out _));
        Assert.False(_registry.TryResolveTag(default, "v1.2.3".AsSpan(), out _));
        Assert.False(_registry.TryResolveTag(default, "v1.2.3"u8, out _));
        Assert.False(_registry.TryResolveTag(App, default(Tag), out _));
    }

    public static TheoryData<string, string?> References => new()
    {
        { "team/app:v1.2.3", "v1" },
        { "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1.2.3", "v1" },
        { "localhost:5000/team/app:sha-0123456789abcdef-build-42", "v2" },
        { "team/app@{v1}", "v1" },
        { "team/app:v1.2.3@{v1}", "v1" },
        { "team/app:v1.2.3@{v2}", null }, // the tag names another image (decision Q7)
        { "team/app:nope@{v1}", null },
        { "team/app@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", null }, // no such image
        { "team/app", null }, // neither tag nor digest: nothing is implied
        { "team/other:v1.2.3", null },
        { "team/app:", null },
        { "Team/app:v1.2.3", null }, // "Team" reads as a host, leaving "app", which does not exist
        { "team//app:v1.2.3", null },
        { "team/app:v1.2.3!", null },
        { "bad host/team/app:v1.2.3", null },
        { "", null },
    };

    [Theory]
    [MemberData(nameof(References))]
    public void A_reference_resolves_the_same_as_text_UTF8_and_parsed(string template, string? image)
    {
        string text = template.Replace("{v1}", _v1.ToString(), StringComparison.Ordinal).Replace("{v2}", _v2.ToString(), StringComparison.Ordinal);
        Digest expected = image switch { "v1" => _v1, "v2" => _v2, _ => default };
        Assert.Equal(image is not null, _registry.TryResolve(text.AsSpan(), out Digest byText));
        Assert.Equal(image is not null, _registry.TryResolve(Encoding.UTF8.GetBytes(text), out Digest byUtf8));
        Assert.Equal(expected, byText);
        Assert.Equal(expected, byUtf8);
        if (ImageReference.TryParse(text, out ImageReference parsed))
        {
            Assert.Equal(image is not null, _registry.TryResolve(parsed, out Digest byReference));
            Assert.Equal(expected, byReference);
        }
    }

    [Fact]
    public void Over_long_or_default_references_resolve_to_nothing()
    {
        Assert.False(_registry.TryResolve(("team/app:" + new string('a', 2000)).AsSpan(), out _));
        Assert.False(_registry.TryResolve(Encoding.UTF8.GetBytes("team/app:" + new string('a', 2000)), out _));
        Assert.False(_registry.TryResolve(default(ImageReference), out _));
    }
}

/// <summary>In memory, the resolve overloads allocate nothing: measured with the thread's allocation counter.</summary>
public sealed class ResolveAllocationTests
{
    [Fact]
    public void Resolving_in_memory_allocates_nothing()
    {
        var registry = new Registry();
        RepositoryName app = RepositoryName.Parse("team/app");
        registry.CreateRepository(app, TagMutabilityPolicy.Immutable);
        Digest digest = registry.Push("team/app", Manifests.Image("one", 10), "v1.2.3").Digest;
        Tag tag = Tag.Parse("v1.2.3");
        byte[] utf8 = "v1.2.3"u8.ToArray();
        string reference = "registry.example:5000/team/app:v1.2.3";
        byte[] utf8Reference = Encoding.UTF8.GetBytes(reference);
        string byDigest = "team/app@" + digest;

        var calls = new (string Name, Func<bool> Call)[]
        {
            ("TryResolveTag(Tag)", () => registry.TryResolveTag(app, tag, out _)),
            ("TryResolveTag(chars)", () => registry.TryResolveTag(app, "v1.2.3".AsSpan(), out _)),
            ("TryResolveTag(utf8)", () => registry.TryResolveTag(app, utf8, out _)),
            ("TryResolveTag(chars, missing)", () => !registry.TryResolveTag(app, "missing".AsSpan(), out _)),
            ("TryResolve(reference chars)", () => registry.TryResolve(reference.AsSpan(), out _)),
            ("TryResolve(reference utf8)", () => registry.TryResolve(utf8Reference, out _)),
            ("TryResolve(name@digest)", () => registry.TryResolve(byDigest.AsSpan(), out _)),
        };
        var allocations = new List<string>();
        foreach ((string name, Func<bool> call) in calls)
        {
            Assert.True(call(), name);
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
