using System.Text;

namespace TagImmutability.Ecr;

/// <summary>
/// The <c>nextToken</c> of DescribeRepositories, DescribeImages and ListImages: opaque to callers (base64 text), and
/// bound to the operation and to the request's scope (repository and filter), so that a token is only accepted by a
/// call like the one that returned it. It carries the key of the last item returned, not an offset, so a page starts
/// after that item even when items before it were deleted in between.
/// </summary>
/// <remarks>
/// ECR documents the token as opaque and says nothing of its form or of its lifetime; a malformed token, or one issued
/// for another operation or scope, is an <c>InvalidParameterException</c> naming <c>nextToken</c> (our judgement; ECR's
/// text for this case is not published). Tokens are not signed: a hand-made token of the right form is accepted, which
/// grants nothing, since a token only says where a page starts within what the caller may list anyway.
/// </remarks>
internal static class EcrPageToken
{
    private const string Version = "tagimm-page-1";

    public static string Create(string operation, string scope, string key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join('\n', Version, operation, scope, key)));

    /// <summary>The key carried by <paramref name="token"/>.</summary>
    /// <exception cref="InvalidParameterException">The token was not issued for this operation and scope.</exception>
    public static string ReadKey(string token, string operation, string scope)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split('\n');
        }
        catch (FormatException)
        {
            throw Invalid(operation);
        }

        // Repository names, filters and keys hold no '\n', so a token this facade issued has exactly four parts.
        if (parts.Length != 4 || parts[0] != Version || parts[1] != operation || parts[2] != scope)
        {
            throw Invalid(operation);
        }

        return parts[3];
    }

    public static InvalidParameterException Invalid(string operation) =>
        new("nextToken", $"Member must be a nextToken returned by an earlier {operation} call with the same repository and filter", null);
}
