namespace TagImmutability;

/// <summary>How a regular-expression <see cref="TagPattern"/> must match a tag.</summary>
public enum RegexAnchoring
{
    /// <summary>The whole tag must match (Quay: Python <c>fullmatch</c>).</summary>
    FullMatch = 0,

    /// <summary>A match anywhere in the tag suffices, unless the pattern anchors itself with <c>^</c>/<c>$</c> (GitLab: Go <c>MatchString</c>).</summary>
    Unanchored = 1,
}
