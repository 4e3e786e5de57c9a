namespace TagImmutability.Server.Ecr;

/// <summary>
/// An error the ECR endpoint answers before or instead of an operation (signature checks, unknown operations, body
/// limits, <c>GetAuthorizationToken</c>'s validation): the HTTP status, the AWS error type (<c>__type</c> and the
/// <c>x-amzn-ErrorType</c> header) and the message.
/// </summary>
/// <param name="StatusCode">The HTTP status: 400, 403, 405 or 413.</param>
/// <param name="Type">The error type, such as <c>InvalidSignatureException</c>.</param>
/// <param name="Message">The message, never empty.</param>
internal sealed record EcrError(int StatusCode, string Type, string Message);
