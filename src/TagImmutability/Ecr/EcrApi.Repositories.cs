using System.Collections.Immutable;
using System.Text.Json;
using TagImmutability.Ecr;

namespace TagImmutability;

// The repository operations: CreateRepository, DescribeRepositories, DeleteRepository, PutImageTagMutability.
public sealed partial class EcrApi
{
    private const string FiltersMember = "imageTagMutabilityExclusionFilters";
    private const string ModeEnum = "Member must satisfy enum value set: [IMMUTABLE, MUTABLE, MUTABLE_WITH_EXCLUSION, IMMUTABLE_WITH_EXCLUSION]";

    private byte[] CreateRepository(EcrRequest request)
    {
        string? registryId = RegistryIdOf(request);
        RepositoryName name = RepositoryNameOf(request);
        TagMutabilityPolicy policy = PolicyOf(request, modeRequired: false);
        CheckRegistry(registryId, name);
        RepositoryInfo repository = Registry.CreateRepository(name, policy);
        return EcrJson.Write(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("repository");
            EcrJson.WriteRepository(w, repository);
            w.WriteEndObject();
        });
    }

    private byte[] DescribeRepositories(EcrRequest request)
    {
        const string Operation = "DescribeRepositories";
        string? registryId = RegistryIdOf(request);
        List<string>? names = request.StringArray("repositoryNames");
        int? maxResults = MaxResultsOf(request);
        string? nextToken = request.String("nextToken");
        ImmutableArray<RepositoryInfo> repositories;
        string? next = null;
        if (names is not null)
        {
            Registry.CheckCount("repositoryNames", names.Count, 100);
            RejectWith("repositoryNames", maxResults, nextToken);
            List<RepositoryName> parsed = [.. names.Select(n => Registry.ParseRepositoryName(n, "repositoryNames"))];
            CheckRegistry(registryId, parsed[0]);
            repositories = Registry.DescribeRepositories(parsed);
        }
        else
        {
            IEnumerable<RepositoryInfo> all = IsForeign(registryId) ? [] : Registry.DescribeRepositories();
            (List<RepositoryInfo> page, next) = Page(
                all,
                Operation,
                registryId ?? Registry.RegistryId,
                nextToken,
                maxResults,
                r => r.Name.Value,
                key => r => string.CompareOrdinal(r.Name.Value, key) > 0);
            repositories = [.. page];
        }

        return EcrJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("repositories");
            foreach (RepositoryInfo repository in repositories)
            {
                EcrJson.WriteRepository(w, repository);
            }

            w.WriteEndArray();
            WriteNextToken(w, next);
            w.WriteEndObject();
        });
    }

    private byte[] DeleteRepository(EcrRequest request)
    {
        string? registryId = RegistryIdOf(request);
        RepositoryName name = RepositoryNameOf(request);
        bool force = request.Boolean("force") ?? false;
        CheckRegistry(registryId, name);
        RepositoryInfo repository = Registry.DeleteRepository(name, force);
        return EcrJson.Write(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("repository");
            EcrJson.WriteRepository(w, repository);
            w.WriteEndObject();
        });
    }

    private byte[] PutImageTagMutability(EcrRequest request)
    {
        string? registryId = RegistryIdOf(request);
        RepositoryName name = RepositoryNameOf(request);
        TagMutabilityPolicy policy = PolicyOf(request, modeRequired: true);
        CheckRegistry(registryId, name);
        RepositoryInfo repository = Registry.PutImageTagMutability(name, policy);
        return EcrJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("registryId", repository.RegistryId);
            w.WriteString("repositoryName", repository.Name.Value);
            EcrJson.WritePolicy(w, repository.Policy);
            w.WriteEndObject();
        });
    }

    // imageTagMutability and imageTagMutabilityExclusionFilters. The mode defaults to MUTABLE where it is optional
    // (CreateRepository); whether mode and filters fit together is the policy's rule (TagMutabilityPolicy.Create).
    private static TagMutabilityPolicy PolicyOf(EcrRequest request, bool modeRequired)
    {
        string? modeText = modeRequired ? request.RequiredString("imageTagMutability") : request.String("imageTagMutability");
        ImageTagMutability mode = modeText switch
        {
            null or "MUTABLE" => ImageTagMutability.Mutable,
            "IMMUTABLE" => ImageTagMutability.Immutable,
            "IMMUTABLE_WITH_EXCLUSION" => ImageTagMutability.ImmutableWithExclusion,
            "MUTABLE_WITH_EXCLUSION" => ImageTagMutability.MutableWithExclusion,
            _ => throw new InvalidParameterException("imageTagMutability", ModeEnum, null),
        };

        List<TagFilter> filters = [];
        if (request.Array(FiltersMember) is { } items)
        {
            foreach (JsonElement item in items)
            {
                EcrRequest filter = EcrRequest.Of(item, FiltersMember);
                string type = filter.RequiredString("filterType");
                if (!string.Equals(type, "WILDCARD", StringComparison.Ordinal))
                {
                    throw new InvalidParameterException(FiltersMember, $"Invalid value for 'filterType' in mutability exclusion filter: {type}", null);
                }

                filters.Add(FilterOf(filter.RequiredString("filter")));
            }

            if (filters.Count == 0)
            {
                throw new InvalidParameterException(FiltersMember, "Member must have length greater than or equal to 1", null);
            }
        }

        return TagMutabilityPolicy.Create(mode, filters);
    }

    // The filter value's constraints in the model's words: length 1..128, pattern ^[0-9a-zA-Z._*-]{1,128}$.
    private static TagFilter FilterOf(string text)
    {
        if (TagFilter.TryParse(text, out TagFilter filter))
        {
            return filter;
        }

        string constraint = text.Length switch
        {
            0 => "Member must have length greater than or equal to 1",
            > TagFilter.MaxLength => $"Member must have length less than or equal to {TagFilter.MaxLength}",
            _ => "Member must satisfy regular expression pattern: ^[0-9a-zA-Z._*-]{1,128}$",
        };
        InvalidTagFilterException? inner = null;
        try
        {
            TagFilter.Parse(text);
        }
        catch (InvalidTagFilterException error)
        {
            inner = error;
        }

        throw new InvalidParameterException(FiltersMember + ".filter", constraint, inner);
    }

    // nextToken and maxResults page a listing; they cannot be combined with an explicit list (ECR API reference).
    private static void RejectWith(string listMember, int? maxResults, string? nextToken)
    {
        if (maxResults is not null)
        {
            throw new InvalidParameterException("maxResults", $"Member cannot be used together with {listMember}", null);
        }

        if (nextToken is not null)
        {
            throw new InvalidParameterException("nextToken", $"Member cannot be used together with {listMember}", null);
        }
    }
}
