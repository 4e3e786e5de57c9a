namespace TagImmutability;

/// <summary>The syntax of a <see cref="TagPattern"/>.</summary>
public enum TagPatternKind
{
    /// <summary>Matches every name.</summary>
    Any = 0,

    /// <summary>Amazon ECR's WILDCARD filter (<see cref="TagFilter"/>): <c>*</c> only, whole tag, case-sensitive.</summary>
    EcrWildcard = 1,

    /// <summary>A doublestar glob as Harbor uses it: <c>*</c>, <c>**</c>, <c>?</c>, <c>[...]</c>, <c>{a,b}</c>, <c>\</c> escapes; whole name.</summary>
    Doublestar = 2,

    /// <summary>An RE2-compatible regular expression run by .NET's non-backtracking engine; see <see cref="TagPattern.Anchoring"/>.</summary>
    Regex = 3,
}
