namespace TagImmutability.Cli.Check;

/// <summary>One push of a plan, as <c>--push REPOSITORY:TAG=DIGEST</c> gives it (<c>team/app:latest=sha256:…</c>).</summary>
/// <param name="Text">The argument as given, echoed on the decision's line.</param>
/// <param name="Repository">The repository, ECR's grammar.</param>
/// <param name="Tag">The tag, ECR's grammar.</param>
/// <param name="Digest">The digest the tag would be pushed to.</param>
internal sealed record PlannedPush(string Text, RepositoryName Repository, Tag Tag, Digest Digest)
{
    /// <summary>Parses one <c>--push</c> argument.</summary>
    /// <exception cref="CheckInputException">The text is not <c>REPOSITORY:TAG=DIGEST</c>, or a part breaks its grammar (the message says which).</exception>
    public static PlannedPush Parse(string text)
    {
        int equals = text.LastIndexOf('=');
        int colon = equals < 0 ? -1 : text.LastIndexOf(':', equals);
        if (equals < 0 || colon < 0)
        {
            throw new CheckInputException($"--push '{text}' is not REPOSITORY:TAG=DIGEST, such as team/app:latest=sha256:<64 hex digits>");
        }

        try
        {
            return new PlannedPush(
                text,
                RepositoryName.Parse(text[..colon], GrammarProfile.Ecr),
                Tag.Parse(text[(colon + 1)..equals], GrammarProfile.Ecr),
                Digest.Parse(text[(equals + 1)..]));
        }
        catch (GrammarException error)
        {
            throw new CheckInputException($"--push '{text}': {error.Message}", error);
        }
    }
}

/// <summary>The state files or the command line of <c>tagimm check</c> cannot be used: exit code 2.</summary>
internal sealed class CheckInputException : Exception
{
    public CheckInputException()
    {
    }

    public CheckInputException(string message)
        : base(message)
    {
    }

    public CheckInputException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
