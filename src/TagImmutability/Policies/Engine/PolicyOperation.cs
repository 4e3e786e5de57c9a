namespace TagImmutability;

/// <summary>The operation an <see cref="ImmutabilityPolicy"/> decides.</summary>
public enum PolicyOperation
{
    /// <summary>Bind a tag to a digest: create it, re-push it or move it.</summary>
    PushTag = 0,

    /// <summary>Remove one tag; the image stays.</summary>
    RemoveTag = 1,

    /// <summary>Delete one image by digest, with every tag that names it.</summary>
    DeleteImage = 2,

    /// <summary>Delete a repository with everything in it.</summary>
    DeleteRepository = 3,
}
