using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using TagImmutability.PostgreSql;
using TagImmutability.Server;
using TagImmutability.Storage;

namespace TagImmutability.Cli.Serve;

/// <summary>
/// <c>tagimm serve</c>: runs a local registry (the OCI distribution API and the ECR JSON API on one port) until
/// Ctrl-C or SIGTERM. <c>--mutability</c> and <c>--exclude</c> set the policy of the repositories a push creates
/// (with <c>--create-on-push</c>); nothing is created in advance. With <c>--postgres</c> the registry's state lives in a
/// PostgreSQL database several <c>tagimm serve</c> processes can share (docs/scaling.md). Exit codes: 0 stopped
/// cleanly; 2 the command line is malformed or the server cannot start (the reason is named on standard error).
/// </summary>
internal static class ServeCommand
{
    private const int Malformed = 2;

    /// <summary>The error profiles <c>--profile</c> accepts, and the dialect of each.</summary>
    private static readonly Dictionary<string, RegistryErrorDialect> Profiles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ecr"] = RegistryErrorDialect.EcrDistribution,
        ["oci"] = RegistryErrorDialect.Oci,
        ["harbor"] = RegistryErrorDialect.Harbor,
        ["quay"] = RegistryErrorDialect.Quay,
        ["gitlab"] = RegistryErrorDialect.GitLab,
        ["zot"] = RegistryErrorDialect.Zot,
    };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var port = new Option<int>("--port")
        {
            Description = "The TCP port on 127.0.0.1 (0 picks a free one, which the printed URL names).",
            DefaultValueFactory = _ => 5000,
        };
        var mutability = new Option<string>("--mutability")
        {
            Description = "imageTagMutability of repositories created on push: MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION.",
            DefaultValueFactory = _ => "MUTABLE",
            HelpName = "MODE",
        };
        var exclude = new Option<string[]>("--exclude")
        {
            Description = "An exclusion filter (ECR wildcard, such as latest or dev-*) of a *_WITH_EXCLUSION mode; repeat for up to 5.",
            HelpName = "PATTERN",
            AllowMultipleArgumentsPerToken = false,
        };
        var createOnPush = new Option<bool>("--create-on-push")
        {
            Description = "Create a repository on its first push, with --mutability and --exclude. Off: a push to a missing repository answers NAME_UNKNOWN, as ECR does.",
        };
        var dataDirectory = new Option<string?>("--data-dir")
        {
            Description = "Keep the state durably in this directory: blobs content-addressed, and every write (repositories, manifests, tags, policies, history) in an fsync'd journal, so a restart holds exactly what was acknowledged.",
            HelpName = "DIR",
        };
        var snapshotEvery = new Option<int>("--snapshot-every")
        {
            Description = "With --data-dir: journal records between state snapshots (the state is also snapshotted on a clean stop).",
            DefaultValueFactory = _ => RegistryServerOptions.DefaultSnapshotEveryRecords,
            HelpName = "RECORDS",
        };
        var registryId = new Option<string?>("--registry-id") { Description = "The 12-digit registry (account) id; 123456789012 by default.", HelpName = "ID" };
        var region = new Option<string?>("--region") { Description = "The AWS region the registry claims; us-east-1 by default.", HelpName = "REGION" };
        var profile = new Option<string>("--profile")
        {
            Description = "How a push that would move an immutable tag is refused: ecr (400 TAG_INVALID, ECR's message), oci, harbor, quay, gitlab or zot.",
            DefaultValueFactory = _ => "ecr",
            HelpName = "PROFILE",
        };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "Keep repositories, images, tags and history in this PostgreSQL database (an Npgsql connection string), shared with other tagimm serve processes; the schema is created or migrated on start.",
            HelpName = "CONNECTION",
        };
        var postgresSchema = new Option<string>("--postgres-schema")
        {
            Description = "The schema of the registry in the --postgres database.",
            DefaultValueFactory = _ => PostgreSqlSchema.DefaultSchemaName,
            HelpName = "NAME",
        };
        var serve = new Command("serve", "Run a local registry with ECR's tag immutability: the OCI distribution API and the ECR API, until Ctrl-C.")
        {
            port, mutability, exclude, createOnPush, dataDirectory, snapshotEvery, registryId, region, profile, postgres, postgresSchema,
        };
        serve.SetAction(async (parsed, cancellationToken) =>
        {
            RegistryServerOptions? Build(TextWriter messages, RegistryStore? store) => BuildOptions(
                parsed.GetValue(port), parsed.GetValue(mutability)!, parsed.GetValue(exclude) ?? [], parsed.GetValue(createOnPush),
                parsed.GetValue(dataDirectory), parsed.GetValue(registryId), parsed.GetValue(region), parsed.GetValue(profile)!, messages, store,
                parsed.GetValue(snapshotEvery));
            RegistryServerOptions? options = Build(error, null);
            if (options is null)
            {
                return Malformed;
            }

            if (parsed.GetValue(postgres) is not { } connection)
            {
                return await RunAsync(options, output, error, cancellationToken).ConfigureAwait(false);
            }

            PostgreSqlRegistryStore? store = await OpenStoreAsync(connection, parsed.GetValue(postgresSchema)!, options.Registry, error, cancellationToken).ConfigureAwait(false);
            if (store is null)
            {
                return Malformed;
            }

            await using (store.ConfigureAwait(false))
            {
                // The HTTP endpoints call the registry's synchronous API, which waits for the database on the request's
                // thread: give the pool threads up front instead of letting it grow slowly under load.
                ThreadPool.GetMinThreads(out int workers, out int completion);
                ThreadPool.SetMinThreads(Math.Max(workers, 64), completion);
                return await RunAsync(Build(TextWriter.Null, store)!, output, error, cancellationToken).ConfigureAwait(false);
            }
        });
        return serve;
    }

    private static async Task<PostgreSqlRegistryStore?> OpenStoreAsync(string connection, string schema, RegistryOptions registry, TextWriter error, CancellationToken cancellationToken)
    {
        if (!PostgreSqlSchema.IsValidSchemaName(schema))
        {
            error.Write($"tagimm: --postgres-schema '{schema}' is not a schema name (1..63 characters of [a-z0-9_], not starting with a digit)\n");
            return null;
        }

        try
        {
            return await PostgreSqlRegistryStore.OpenAsync(connection, registry, schema, migrate: true, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException problem)
        {
            error.Write($"tagimm: --postgres: the connection string is malformed: {problem.Message}\n");
        }
        catch (PostgreSqlSchemaException problem)
        {
            error.Write($"tagimm: --postgres: {problem.Message}\n");
        }
        catch (NpgsqlException problem)
        {
            error.Write($"tagimm: --postgres: cannot use the database: {problem.Message}\n");
        }

        return null;
    }

    internal static RegistryServerOptions? BuildOptions(
        int port,
        string mutability,
        string[] excludes,
        bool createOnPush,
        string? dataDirectory,
        string? registryId,
        string? region,
        string profile,
        TextWriter error,
        RegistryStore? store = null,
        int snapshotEvery = RegistryServerOptions.DefaultSnapshotEveryRecords)
    {
        if (port is < 0 or > 65535)
        {
            error.Write($"tagimm: --port {port.ToString(CultureInfo.InvariantCulture)} is not a TCP port (0..65535)\n");
            return null;
        }

        if (snapshotEvery < 1)
        {
            error.Write($"tagimm: --snapshot-every {snapshotEvery.ToString(CultureInfo.InvariantCulture)} is not a positive number of records\n");
            return null;
        }

        ImageTagMutability? mode = mutability.ToUpperInvariant() switch
        {
            "MUTABLE" => ImageTagMutability.Mutable,
            "IMMUTABLE" => ImageTagMutability.Immutable,
            "IMMUTABLE_WITH_EXCLUSION" => ImageTagMutability.ImmutableWithExclusion,
            "MUTABLE_WITH_EXCLUSION" => ImageTagMutability.MutableWithExclusion,
            _ => null,
        };
        if (mode is null)
        {
            error.Write($"tagimm: --mutability '{mutability}' is not one of MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION\n");
            return null;
        }

        TagMutabilityPolicy policy;
        try
        {
            var filters = new List<TagFilter>();
            foreach (string text in excludes)
            {
                filters.Add(TagFilter.Parse(text));
            }

            policy = filters.Count == 0 ? TagMutabilityPolicy.Create(mode.Value) : TagMutabilityPolicy.Create(mode.Value, filters);
        }
        catch (InvalidParameterException problem)
        {
            error.Write($"tagimm: --mutability {mutability} with --exclude {string.Join(", ", excludes)}: {problem.Message}\n");
            return null;
        }
        catch (FormatException problem)
        {
            error.Write($"tagimm: --exclude: {problem.Message}\n");
            return null;
        }

        if (!Profiles.TryGetValue(profile, out RegistryErrorDialect dialect))
        {
            error.Write($"tagimm: --profile '{profile}' is not one of {string.Join(", ", Profiles.Keys)}\n");
            return null;
        }

        RegistryOptions registry;
        try
        {
            registry = new RegistryOptions
            {
                RegistryId = registryId ?? RegistryOptions.Default.RegistryId,
                Region = region ?? RegistryOptions.Default.Region,
            };
        }
        catch (ArgumentException problem)
        {
            error.Write($"tagimm: {problem.Message}\n");
            return null;
        }

        if (!createOnPush && (mode != ImageTagMutability.Mutable || excludes.Length > 0))
        {
            error.Write("tagimm: note: --mutability and --exclude apply to repositories created on push; without --create-on-push, create repositories with the ECR API (CreateRepository)\n");
        }

        return new RegistryServerOptions
        {
            Port = port,
            Registry = registry,
            CreateOnPush = createOnPush,
            CreateOnPushPolicy = policy,
            DataDirectory = dataDirectory,
            ErrorDialect = dialect,
            Store = store,
            SnapshotEveryRecords = snapshotEvery,
        };
    }

    private static async Task<int> RunAsync(RegistryServerOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        RegistryServer server;
        try
        {
            server = await RegistryServer.StartAsync(options, ConfigureLogging, cancellationToken).ConfigureAwait(false);
        }
        catch (TagImmutability.Server.Journal.JournalCorruptException problem)
        {
            error.Write($"tagimm: cannot start on --data-dir '{options.DataDirectory}': {problem.Message}\n");
            return Malformed;
        }
        catch (IOException problem)
        {
            error.Write($"tagimm: cannot listen on 127.0.0.1:{options.Port.ToString(CultureInfo.InvariantCulture)}: {problem.Message}\n");
            return Malformed;
        }
        catch (UnauthorizedAccessException problem)
        {
            error.Write($"tagimm: cannot use --data-dir '{options.DataDirectory}': {problem.Message}\n");
            return Malformed;
        }

        await using (server.ConfigureAwait(false))
        {
            string policy = options.CreateOnPush ? Describe(options.CreateOnPushPolicy) : "off";
            string state = options.Store is PostgreSqlRegistryStore shared
                ? $"state in PostgreSQL (schema {shared.SchemaName}); blobs {(options.DataDirectory is null ? $"in memory (capped at {options.MaxMemoryBlobBytes.ToString(CultureInfo.InvariantCulture)} bytes; lost on stop)" : $"in {Path.GetFullPath(options.DataDirectory)}")}"
                : options.DataDirectory is null
                ? $"state in memory (blobs capped at {options.MaxMemoryBlobBytes.ToString(CultureInfo.InvariantCulture)} bytes; lost on stop)"
                : $"state durable in {Path.GetFullPath(options.DataDirectory)} (journal fsync'd before every answer, snapshot every {options.SnapshotEveryRecords.ToString(CultureInfo.InvariantCulture)} records)";
            output.Write($"tagimm: serving {server.BaseAddress} (OCI distribution API at /v2/, ECR API at POST /); registry {options.Registry.RegistryId} in {options.Registry.Region}; create on push: {policy}; {state}. Ctrl-C stops.\n");
            output.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM.
            }
        }

        output.Write("tagimm: stopped\n");
        output.Flush();
        return 0;
    }

    private static string Describe(TagMutabilityPolicy policy) => policy.Filters.IsDefaultOrEmpty
        ? TagMutabilityPolicy.EcrName(policy.Mode)
        : $"{TagMutabilityPolicy.EcrName(policy.Mode)} excluding {string.Join(", ", policy.Filters)}";

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
    }
}
