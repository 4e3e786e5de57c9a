using System.Text;

namespace TagImmutability;

/// <summary>
/// What <see cref="EcrApi.Invoke"/> answers: the HTTP status an ECR endpoint would send and the JSON body, either the
/// operation's output shape or an AWS JSON 1.1 error body <c>{"__type": "&lt;ExceptionName&gt;", "message": "..."}</c>.
/// </summary>
/// <remarks><b>Thread safety:</b> immutable; safe to share between threads.</remarks>
public sealed class EcrResponse
{
    private readonly byte[] _body;

    internal EcrResponse(int statusCode, byte[] body, string? errorType, string? errorMessage)
    {
        StatusCode = statusCode;
        _body = body;
        ErrorType = errorType;
        ErrorMessage = errorMessage;
    }

    /// <summary>
    /// The HTTP status: 200 for success; 400 for every client error (ECR's modelled exceptions,
    /// <c>SerializationException</c> for an unreadable body, <c>UnknownOperationException</c>).
    /// </summary>
    public int StatusCode { get; }

    /// <summary>Whether the operation succeeded (<see cref="StatusCode"/> is 200).</summary>
    public bool IsSuccess => ErrorType is null;

    /// <summary>The response body: UTF-8 JSON, compact, without a trailing newline.</summary>
    public ReadOnlyMemory<byte> Body => _body;

    /// <summary>The error's <c>__type</c>, such as <c>ImageTagAlreadyExistsException</c>; <see langword="null"/> on success.</summary>
    public string? ErrorType { get; }

    /// <summary>The error's <c>message</c>; <see langword="null"/> on success and for an error without a message.</summary>
    public string? ErrorMessage { get; }

    /// <summary>The body as text.</summary>
    /// <returns>The UTF-8 body decoded.</returns>
    public override string ToString() => Encoding.UTF8.GetString(_body);
}
