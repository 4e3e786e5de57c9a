namespace TagImmutability;

/// <summary>
/// ECR's <c>InvalidParameterException</c>: a request parameter breaks a constraint. The message has ECR's form,
/// <c>Invalid parameter at '{parameter}' failed to satisfy constraint: '{constraint}'</c> (ECR API reference; observed
/// texts in the specification we follow, section (b)).
/// </summary>
/// <remarks><b>Thread safety:</b> the properties this type adds never change after construction; an instance may be read from any thread.</remarks>
public sealed class InvalidParameterException : RegistryException
{
    /// <summary>Creates an exception with a default message.</summary>
    public InvalidParameterException()
    {
        Parameter = string.Empty;
        Constraint = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    public InvalidParameterException(string? message)
        : base(message)
    {
        Parameter = string.Empty;
        Constraint = string.Empty;
    }

    /// <summary>Creates an exception with <paramref name="message"/> that wraps <paramref name="innerException"/>.</summary>
    /// <param name="message">The message; <see langword="null"/> gives the default message.</param>
    /// <param name="innerException">The exception that caused this one, or <see langword="null"/>.</param>
    public InvalidParameterException(string? message, Exception? innerException)
        : base(message, innerException)
    {
        Parameter = string.Empty;
        Constraint = string.Empty;
    }

    /// <summary>Creates an exception for <paramref name="parameter"/> breaking <paramref name="constraint"/>.</summary>
    /// <param name="parameter">The request parameter as ECR names it, such as <c>imageTag</c>.</param>
    /// <param name="constraint">The constraint, as ECR words it.</param>
    /// <param name="innerException">The grammar error behind it, or <see langword="null"/>.</param>
    public InvalidParameterException(string parameter, string constraint, Exception? innerException)
        : base($"Invalid parameter at '{parameter}' failed to satisfy constraint: '{constraint}'", innerException)
    {
        Parameter = parameter;
        Constraint = constraint;
    }

    /// <summary>The request parameter, as ECR names it (<c>imageTag</c>, <c>repositoryName</c>, ...); empty when unknown.</summary>
    public string Parameter { get; }

    /// <summary>The constraint that was broken, as ECR words it; empty when unknown.</summary>
    public string Constraint { get; }
}
