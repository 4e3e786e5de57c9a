using System.Text;

namespace TagImmutability.Tests.Registries.Model;

/// <summary>One image as a snapshot shows it.</summary>
public sealed record ImageView(string Digest, string[] Tags, long Size, long PushedAt, string MediaType);

/// <summary>One repository as a snapshot shows it: its policy, its images in push order, every tag of the alphabet that resolves, and ListImages.</summary>
public sealed record RepoView(string Name, string Mode, string[] Filters, long CreatedAt, ImageView[] Images, (string Tag, string Digest)[] Resolved, string[] Listed);

/// <summary>The whole observable state of a registry, in a form both the model and the real registry are read into.</summary>
public sealed record RegistryView(RepoView[] Repos);

/// <summary>The text format of outcomes and snapshots, shared by the model and the driver of the real registry.</summary>
public static class Outcomes
{
    public static string Ok(string detail) => "ok " + detail;

    public static string Throws(string exceptionType) => "throws " + exceptionType;

    public static bool IsFailure(string outcome) => outcome.StartsWith("throws ", StringComparison.Ordinal);

    public static string Id(string digest, string? tag) =>
        tag is null ? $"{{{ManifestPool.Label(digest)}}}" : $"{{{ManifestPool.Label(digest)}:{tag}}}";

    public static string Failure(string code, IdSpec requested) => $"{code}{requested}";

    public static string Policy(string mode, IEnumerable<string> filters) =>
        filters.Any() ? $"{mode}[{string.Join(",", filters)}]" : mode;

    public static string Repo(string name, string policy, long createdAt) => $"{name}:{policy}@{createdAt}";

    public static string Image(string digest, IEnumerable<string> tags) => $"{ManifestPool.Label(digest)}[{string.Join(",", tags)}]";

    /// <summary>A snapshot as lines of text, so that a difference reads as a diff.</summary>
    public static string Render(RegistryView view)
    {
        var text = new StringBuilder();
        foreach (RepoView repo in view.Repos)
        {
            text.Append("repo ").Append(Repo(repo.Name, Policy(repo.Mode, repo.Filters), repo.CreatedAt)).Append('\n');
            foreach (ImageView image in repo.Images)
            {
                text.Append("  image ").Append(Image(image.Digest, image.Tags))
                    .Append(" size=").Append(image.Size)
                    .Append(" pushed=").Append(image.PushedAt)
                    .Append(' ').Append(image.MediaType).Append('\n');
            }

            text.Append("  tags ").AppendJoin(" ", repo.Resolved.Select(r => $"{r.Tag}->{ManifestPool.Label(r.Digest)}")).Append('\n');
            text.Append("  list ").AppendJoin(" ", repo.Listed).Append('\n');
        }

        return text.ToString();
    }
}
