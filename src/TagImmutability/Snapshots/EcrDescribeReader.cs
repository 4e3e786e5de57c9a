using System.Collections.Immutable;
using System.Text.Json;

namespace TagImmutability.Snapshots;

/// <summary>
/// Reads the AWS CLI's <c>describe-repositories</c> and <c>describe-images</c> output into <see cref="TagDecisionState"/>s.
/// Members a decision needs are checked strictly; the many others AWS prints (and adds over time) are ignored.
/// </summary>
internal static class EcrDescribeReader
{
    public static ImmutableArray<TagDecisionState> Read(ReadOnlyMemory<byte> repositoriesJson, IEnumerable<ReadOnlyMemory<byte>> imagesJson)
    {
        var order = new List<(string RegistryId, RepositoryName Name, TagMutabilityPolicy Policy)>();
        var tagsOf = new Dictionary<(string, RepositoryName), Dictionary<string, Digest>>();
        var digestsOf = new Dictionary<(string, RepositoryName), HashSet<Digest>>();
        InDocument("describe-repositories output", () =>
        {
            using JsonDocument document = StateJson.Parse(repositoriesJson, "the document");
            var root = new StateJson(document.RootElement, string.Empty).ExpectObject(null);
            foreach (StateJson item in root.Member("repositories").Items())
            {
                item.ExpectObject(null);
                RepositoryName name = item.Member("repositoryName").GetRepositoryName(GrammarProfile.Ecr);
                string registryId = RegistryIdOf(item);
                TagMutabilityPolicy policy = item.GetPolicy(filtersRequired: false);
                if (!tagsOf.TryAdd((registryId, name), new Dictionary<string, Digest>(StringComparer.Ordinal)))
                {
                    throw item.Error(SnapshotInvalidReason.Inconsistent, $"repository '{name}' of registry {registryId} is described twice");
                }

                digestsOf.Add((registryId, name), []);
                order.Add((registryId, name, policy));
            }
        });

        int number = 0;
        foreach (ReadOnlyMemory<byte> json in imagesJson)
        {
            number++;
            InDocument($"describe-images output {number}", () =>
            {
                using JsonDocument document = StateJson.Parse(json, "the document");
                var root = new StateJson(document.RootElement, string.Empty).ExpectObject(null);
                foreach (StateJson item in root.Member("imageDetails").Items())
                {
                    item.ExpectObject(null);
                    StateJson nameNode = item.Member("repositoryName");
                    RepositoryName name = nameNode.GetRepositoryName(GrammarProfile.Ecr);
                    string registryId = RegistryIdOf(item);
                    if (!tagsOf.TryGetValue((registryId, name), out Dictionary<string, Digest>? tags))
                    {
                        throw nameNode.Error(SnapshotInvalidReason.Inconsistent, $"repository '{name}' of registry {registryId} is not in the describe-repositories output, so its policy is unknown");
                    }

                    StateJson digestNode = item.Member("imageDigest");
                    Digest digest = digestNode.GetDigest();
                    if (!digestsOf[(registryId, name)].Add(digest))
                    {
                        throw digestNode.Error(SnapshotInvalidReason.Inconsistent, $"image {digest} of repository '{name}' is listed twice");
                    }

                    if (item.TryMember("imageTags", out StateJson tagList))
                    {
                        foreach (StateJson tagNode in tagList.Items())
                        {
                            Tag tag = tagNode.GetTag(GrammarProfile.Ecr);
                            if (tags.TryGetValue(tag.Value, out Digest owner))
                            {
                                throw tagNode.Error(
                                    SnapshotInvalidReason.Inconsistent,
                                    owner == digest ? $"tag '{tag}' is listed twice on image {digest}" : $"tag '{tag}' is on images {owner} and {digest}: a tag names one image");
                            }

                            tags.Add(tag.Value, digest);
                        }
                    }
                }
            });
        }

        return [.. order.Select(r => TagDecisionState.Create(
            r.RegistryId,
            r.Name,
            r.Policy,
            tagsOf[(r.RegistryId, r.Name)].Select(p => new KeyValuePair<Tag, Digest>(Tag.Parse(p.Key, GrammarProfile.Ecr), p.Value))))];
    }

    private static string RegistryIdOf(StateJson item)
    {
        if (!item.TryMember("registryId", out StateJson node))
        {
            return RegistryOptions.DefaultRegistryId;
        }

        string id = node.GetString();
        return id.Length == 12 && !id.AsSpan().ContainsAnyExceptInRange('0', '9')
            ? id
            : throw node.Error(SnapshotInvalidReason.InvalidValue, $"registry id '{StateJson.Shorten(id)}' is invalid: it must match [0-9]{{12}}");
    }

    // Names the document in the message of any error read from it; the path stays relative to that document.
    private static void InDocument(string label, Action read)
    {
        try
        {
            read();
        }
        catch (SnapshotInvalidException error)
        {
            throw error.InDocument(label);
        }
    }
}
