using System.Diagnostics;
using System.Text;
using TagImmutability.Tests.Manifests;
using Xunit.Abstractions;

namespace TagImmutability.Tests.Fuzzing;

/// <summary>
/// Hostile inputs stay linear: the time for an input 16 times longer (up to 100,000 characters, or 4 MiB for a
/// manifest) is compared with the time for the shorter one. Linear work gives a ratio near 16, quadratic work 256; the
/// tests fail above 64. A ratio, not an absolute time, so a slow or busy machine does not change the verdict; each time
/// is the best of several runs, measured as the thread's CPU time, and no other test runs meanwhile (<see cref="TimingCollection"/>). Patterns cannot be long (the grammars cap them), so a long pattern is refused at once.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class LinearTimeTests(ITestOutputHelper output)
{
    private const int Small = 6_250, Large = 100_000, Factor = Large / Small, Limit = 64;

    /// <summary>
    /// The best CPU time of several runs of <paramref name="work"/> on this thread, each repeated until it takes a
    /// measurable time. CPU time of the thread, not wall time, so that other processes on a busy machine do not count.
    /// </summary>
    private static double Seconds(Action work)
    {
        int repeat = 1;
        double start = ThreadCpuClock.Seconds();
        work();
        while (ThreadCpuClock.Seconds() - start < 0.002 && repeat < 1 << 20)
        {
            repeat *= 2;
            start = ThreadCpuClock.Seconds();
            for (int i = 0; i < repeat; i++)
            {
                work();
            }
        }

        const int trials = 5;
        double best = double.MaxValue;
        for (int trial = 0; trial < trials; trial++)
        {
            start = ThreadCpuClock.Seconds();
            for (int i = 0; i < repeat; i++)
            {
                work();
            }

            best = Math.Min(best, (ThreadCpuClock.Seconds() - start) / repeat);
        }

        return best;
    }

    private double Ratio(string what, Func<int, Action> workOfLength, int small, int factor)
    {
        Action shortInput = workOfLength(small), longInput = workOfLength(small * factor);

        // Each measured twice, interleaved, keeping the better: the first runs of the long input may still be running
        // code the JIT has not optimised yet, which would inflate the ratio.
        double a = Seconds(shortInput), b = Seconds(longInput);
        a = Math.Min(a, Seconds(shortInput));
        b = Math.Min(b, Seconds(longInput));
        double ratio = b / Math.Max(a, 1e-9);
        output.WriteLine($"{what}: {small} -> {a * 1e6:F1} us, {small * factor} -> {b * 1e6:F1} us, ratio {ratio:F1} (linear {factor}, quadratic {factor * factor})");
        return ratio;
    }

    private void AssertLinear(string what, Func<int, Action> workOfLength, int small = Small, int factor = Factor)
    {
        double ratio = Ratio(what, workOfLength, small, factor);
        Assert.True(ratio < Limit * factor / Factor, $"{what}: {ratio:F1} times slower for an input {factor} times longer");
    }

    [Fact]
    public void The_measure_catches_quadratic_work()
    {
        // Searching for a missing character from every position: n searches of up to n characters.
        double ratio = Ratio("quadratic search", n =>
        {
            string text = new('a', n);
            return () =>
            {
                int found = 0;
                for (int i = 0; i < text.Length; i++)
                {
                    for (int j = i; j < text.Length && text[j] != 'b'; j++)
                    {
                        found += j & 1;
                    }
                }

                Assert.True(found > 0);
            };
        }, 250, Factor);
        Assert.True(ratio > Limit, $"quadratic work measured only {ratio:F1} times slower for an input {Factor} times longer");
    }

    [Theory]
    [InlineData("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b")]
    [InlineData("*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab*")]
    [InlineData("a*a*a*a*a*a*a*a*a*a*c")]
    public void ECR_wildcard_filters_match_long_tags_in_linear_time(string pattern)
    {
        TagFilter filter = TagFilter.Parse(pattern);
        AssertLinear($"TagFilter '{pattern[..Math.Min(20, pattern.Length)]}...'", n =>
        {
            string tag = new('a', n);
            return () => Assert.False(filter.IsMatch(tag));
        });
    }

    [Theory]
    [InlineData("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b")]
    [InlineData("**/a/**/a/**/a/**/b")]
    [InlineData("[a-z]*[!b]*?*b")]
    public void Doublestar_globs_match_long_names_in_linear_time(string pattern)
    {
        TagPattern glob = TagPattern.Doublestar(pattern);
        AssertLinear($"Doublestar '{pattern[..Math.Min(20, pattern.Length)]}...'", n =>
        {
            string name = pattern.Contains('/', StringComparison.Ordinal) ? string.Concat(Enumerable.Repeat("a/", n / 2)) : new string('a', n);
            return () => Assert.False(glob.IsMatch(name));
        }, small: Small / 4); // 1,562 and 24,992 characters: the glob engine is O(name x pattern), slower per character
    }

    [Theory]
    [InlineData("(a+)+$", true)]
    [InlineData("(x+x+)+y", false)]
    [InlineData("(a|aa)*b", true)]
    [InlineData("^(a|a?)+$", true)]
    public void Regular_expressions_match_long_names_in_linear_time(string pattern, bool quay)
    {
        TagPattern regex = quay ? TagPattern.Quay(pattern) : TagPattern.GitLab(pattern);
        AssertLinear($"regex '{pattern}'", n =>
        {
            string name = new string(pattern.Contains('x', StringComparison.Ordinal) ? 'x' : 'a', n) + "!";
            return () => regex.IsMatch(name);
        });
    }

    [Fact]
    public void Long_text_is_refused_by_every_grammar_in_linear_time()
    {
        AssertLinear("Digest.Parse", n => { string text = "sha256:" + new string('a', n); return () => Digest.TryParse(text, out _); });
        AssertLinear("Tag.TryParse (ECR)", n => { string text = new string('a', n); return () => Tag.TryParse(text, GrammarProfile.Ecr, out _); });
        AssertLinear("RepositoryName.TryParse", n => { string text = string.Concat(Enumerable.Repeat("a/", n / 2)); return () => RepositoryName.TryParse(text, out _); });
        AssertLinear("ImageReference.TryParse", n => { string text = string.Concat(Enumerable.Repeat("a.b/", n / 4)) + ":tag"; return () => ImageReference.TryParse(text, out _); });
        AssertLinear("TagFilter.TryParse", n => { string text = new string('*', n); return () => TagFilter.TryParse(text, out _); });
        AssertLinear("TagPattern.Doublestar", n =>
        {
            string text = string.Concat(Enumerable.Repeat("{a,", n / 3));
            return () => Assert.Throws<InvalidTagPatternException>(() => TagPattern.Doublestar(text));
        });
    }

    [Fact]
    public void Manifests_up_to_4_MiB_parse_in_linear_time()
    {
        // An OCI image manifest with many layers: 256 KiB, then 4 MiB (the limit).
        static byte[] ManifestOf(int bytes)
        {
            string layer = ManifestJson.Layer;
            int count = (bytes - 400) / (layer.Length + 1);
            return ManifestJson.Bytes(ManifestJson.OciManifest(string.Join(",", Enumerable.Repeat(layer, count))));
        }

        AssertLinear("ManifestParser.Parse", n =>
        {
            byte[] manifest = ManifestOf(n);
            return () => ManifestParser.Parse(manifest);
        }, small: 256 * 1024, factor: 16);
    }

    [Fact]
    public void ECR_requests_with_long_values_are_answered_in_linear_time()
    {
        var registry = new Registry();
        registry.CreateRepository(RepositoryName.Parse("app"));
        var api = new EcrApi(registry);
        AssertLinear("EcrApi.Invoke with a long imageTag", n =>
        {
            byte[] body = Encoding.UTF8.GetBytes($"{{\"repositoryName\":\"app\",\"imageIds\":[{{\"imageTag\":\"{new string('a', n)}\"}}]}}");
            return () => Assert.NotNull(api.Invoke("BatchGetImage", body));
        });
    }
}

/// <summary>Tests that compare timings run alone: xunit runs no other test while one of these runs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing comparisons";
}

/// <summary>
/// The CPU time the calling thread has used, in seconds: <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c> on Linux (where
/// the tests run), wall time elsewhere.
/// </summary>
internal static class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    public static double Seconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out TimeSpec now) == 0)
        {
            return now.Seconds + (now.Nanoseconds / 1e9);
        }

        return Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the test project; this signature is blittable.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
#pragma warning restore SYSLIB1054

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
