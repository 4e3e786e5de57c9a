using System.Collections.Immutable;

namespace TagImmutability.Cli.Check;

/// <summary>One push's line of output, and whether the push would be allowed.</summary>
internal sealed record CheckLine(string Text, bool Allowed);

/// <summary>Decides a plan against a state, each repository's pushes as one plan in order, and words each decision as ECR would.</summary>
internal static class CheckRunner
{
    public static ImmutableArray<CheckLine> Decide(StateSource source, ImmutableArray<PlannedPush> plan)
    {
        var lines = new CheckLine[plan.Length];
        foreach (IGrouping<RepositoryName, int> group in Enumerable.Range(0, plan.Length).GroupBy(i => plan[i].Repository))
        {
            int[] positions = [.. group];
            if (!source.Repositories.TryGetValue(group.Key, out TagDecisionState? state))
            {
                var missing = new RepositoryNotFoundException(source.RegistryId, group.Key);
                foreach (int i in positions)
                {
                    lines[i] = new CheckLine($"{plan[i].Text} REFUSED {missing.ErrorCode}: {missing.Message}; rule: the repository is not in the state", false);
                }

                continue;
            }

            ImmutableArray<TagWriteDecision> decisions = state.CheckPushPlan(positions.Select(i => (plan[i].Tag, plan[i].Digest)));
            for (int k = 0; k < positions.Length; k++)
            {
                lines[positions[k]] = Line(state, plan[positions[k]], decisions[k]);
            }
        }

        return [.. lines];
    }

    private static CheckLine Line(TagDecisionState state, PlannedPush push, TagWriteDecision decision)
    {
        string rule = "; rule: " + decision.Ruling;
        switch (decision.Outcome)
        {
            case TagWriteOutcome.RejectedImmutable:
                var refusal = new ImageTagAlreadyExistsException(state.RegistryId, state.Repository, push.Tag, decision.ExistingDigest!.Value, push.Digest);
                return new CheckLine($"{push.Text} REFUSED {refusal.ErrorCode}: {refusal.Message}{rule}", false);
            case TagWriteOutcome.Moved:
                return new CheckLine($"{push.Text} ALLOWED moved from {decision.ExistingDigest}{rule}", true);
            case TagWriteOutcome.Unchanged:
                var same = new ImageAlreadyExistsException(state.RegistryId, state.Repository, push.Digest, push.Tag);
                return new CheckLine($"{push.Text} ALLOWED unchanged: the tag already names this digest (ECR's PutImage answers {same.ErrorCode}: {same.Message}){rule}", true);
            default:
                return new CheckLine($"{push.Text} ALLOWED created{rule}", true);
        }
    }
}
