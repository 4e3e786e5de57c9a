namespace TagImmutability;

/// <summary>ECR's <c>TagStatus</c> filter of <c>DescribeImages</c> and <c>ListImages</c>.</summary>
public enum TagStatus
{
    /// <summary><c>ANY</c>: tagged and untagged images.</summary>
    Any = 0,

    /// <summary><c>TAGGED</c>: images with at least one tag.</summary>
    Tagged = 1,

    /// <summary><c>UNTAGGED</c>: images without tags.</summary>
    Untagged = 2,
}
