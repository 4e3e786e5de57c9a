using System.Collections.Immutable;
using System.CommandLine;

namespace TagImmutability.Cli.Check;

/// <summary>
/// <c>tagimm check</c>: would these pushes be refused? Loads a repository state (a registry snapshot, or the AWS
/// CLI's <c>describe-repositories</c> and <c>describe-images</c> output of a real ECR registry), decides each planned
/// push in order as ECR would, and prints one line per push. Exit codes: 0 every push would be allowed; 1 at least one
/// would be refused; 2 the state files or the command line cannot be used.
/// </summary>
/// <remarks>
/// Each line is <c>REPOSITORY:TAG=DIGEST ALLOWED|REFUSED outcome-or-error; rule: ruling</c>, for example
/// <c>team/app:v1=sha256:… REFUSED ImageTagAlreadyExistsException: The image tag 'v1' already exists in the
/// 'team/app' repository and cannot be overwritten because the tag is immutable.; rule: immutable: the repository is
/// IMMUTABLE</c>. Pushes to one repository are decided as a plan: each allowed push is applied before the next is
/// decided (TagDecisionState.CheckPushPlan).
/// </remarks>
internal static class CheckCommand
{
    public const int Allowed = 0;
    public const int Refused = 1;
    public const int Malformed = 2;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var state = new Option<string?>("--state")
        {
            Description = "A registry snapshot (tagimmutability.registry-snapshot JSON, docs/snapshot-format.md).",
            HelpName = "FILE",
        };
        var repositories = new Option<string?>("--repositories")
        {
            Description = "The output of 'aws ecr describe-repositories' (JSON).",
            HelpName = "FILE",
        };
        var images = new Option<string[]>("--images")
        {
            Description = "The output of 'aws ecr describe-images' (JSON); repeat for several repositories or pages.",
            HelpName = "FILE",
        };
        var pushes = new Option<string[]>("--push")
        {
            Description = "A planned push, REPOSITORY:TAG=DIGEST (such as team/app:latest=sha256:...); repeat for a plan, decided in order.",
            HelpName = "PUSH",
        };
        var command = new Command("check", "Would these pushes be refused? Decide planned pushes against a repository state, as ECR would.")
        {
            state,
            repositories,
            images,
            pushes,
        };
        command.SetAction(parsed => Run(
            parsed.GetValue(state),
            parsed.GetValue(repositories),
            parsed.GetValue(images) ?? [],
            parsed.GetValue(pushes) ?? [],
            output,
            error));
        return command;
    }

    private static int Run(string? statePath, string? repositoriesPath, string[] imagesPaths, string[] pushTexts, TextWriter output, TextWriter error)
    {
        ImmutableArray<PlannedPush> plan;
        StateSource source;
        try
        {
            if ((statePath is null) == (repositoriesPath is null))
            {
                throw new CheckInputException("give the state as --state SNAPSHOT, or as --repositories FILE with --images FILE (the AWS CLI's describe output), not both");
            }

            if (statePath is not null && imagesPaths.Length > 0)
            {
                throw new CheckInputException("--images goes with --repositories, not with --state");
            }

            if (pushTexts.Length == 0)
            {
                throw new CheckInputException("give at least one --push REPOSITORY:TAG=DIGEST");
            }

            plan = [.. pushTexts.Select(PlannedPush.Parse)];
            source = statePath is not null ? StateSource.FromSnapshot(statePath) : StateSource.FromDescribeOutput(repositoriesPath!, imagesPaths);
        }
        catch (CheckInputException problem)
        {
            error.Write($"tagimm: {problem.Message}\n");
            return Malformed;
        }

        int refused = 0;
        foreach (CheckLine line in CheckRunner.Decide(source, plan))
        {
            output.Write(line.Text);
            output.Write('\n');
            refused += line.Allowed ? 0 : 1;
        }

        if (refused > 0)
        {
            error.Write($"tagimm: {refused} of {plan.Length} pushes would be refused\n");
            return Refused;
        }

        return Allowed;
    }
}
