using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace SdPortal.Web.Errors;

/// <summary>
/// Input the framework could not read — malformed or mistyped JSON, a missing body, a value that does not bind, a body
/// over the route's limit — answered as a 4xx problem details that names the field and says what to send, written by
/// this portal rather than copied from the exception (whose text names .NET types and parameters).
/// </summary>
internal sealed partial class UnreadableRequestHandler(IProblemDetailsService problems, ILogger<UnreadableRequestHandler> logger) : IExceptionHandler
{
    /// <summary>The status for an unreadable request, or null when <paramref name="exception"/> is not about the input.</summary>
    internal static int? StatusOf(Exception exception)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return null;
        }

        // A body over its limit can surface wrapped (the form reader fails inside antiforgery, which reports a bad
        // token): the size is the cause the caller can act on.
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return StatusCodes.Status413PayloadTooLarge;
            }
        }

        return bad.StatusCode;
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        // The caller's mistake, not the portal's: information, without the stack trace.
        var status = StatusOf(bad)!.Value;
        LogUnreadable(logger, http.Request.Method, http.Request.Path, status);
        if (!ErrorHandlingExtensions.WantsProblemDetails(http))
        {
            return false;
        }

        http.Response.StatusCode = status;
        var problem = status switch
        {
            StatusCodes.Status413PayloadTooLarge => Problem(status, "Request body too large",
                $"This route accepts a body of at most {BodyLimit(http)}."),
            StatusCodes.Status415UnsupportedMediaType => Problem(status, "Unsupported media type",
                "Send the body as JSON with Content-Type: application/json."),
            StatusCodes.Status408RequestTimeout => Problem(status, "Request timeout", "The body arrived too slowly."),
            _ => Validation(FieldOf(bad)),
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = null });
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails Problem(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    private static HttpValidationProblemDetails Validation((string Field, string Message) error) =>
        new HttpValidationProblemDetails(new Dictionary<string, string[]> { [error.Field] = [error.Message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        };

    /// <summary>The field to blame and what to say, from the JSON reader's position or the binder's parameter name.</summary>
    private static (string Field, string Message) FieldOf(BadHttpRequestException bad)
    {
        if (bad.InnerException is JsonException json)
        {
            var where = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : string.Empty;
            var field = FieldOfPath(json.Path);
            if (json is UndefinedEnumValueException undefined)
            {
                return (field ?? "body", undefined.Message);
            }

            // A syntax error comes from the reader, wrapped (its inner exception is the reader's); a value of the wrong
            // type or range comes from a converter, and its path names the property.
            return field is null || json.InnerException is JsonException
                ? ("body", $"is not valid JSON for this route{where}")
                : (field, $"has a value of the wrong type or an unknown name{where}");
        }

        if (BinderParameter().Match(bad.Message) is { Success: true } parameter)
        {
            var name = parameter.Groups["name"].Value;
            return parameter.Groups["kind"].Value.StartsWith("Required", StringComparison.Ordinal)
                ? (name, "is required")
                : (name, "is not a valid value here");
        }

        return bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
            ? ("body", "a JSON body is required")
            : ("request", "could not be read");
    }

    /// <summary>"$.width" → "width", "$.allowedModels[2]" → "allowedModels"; null for the document itself.</summary>
    private static string? FieldOfPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        var first = path.TrimStart('$', '.').Split('.', '[')[0].Trim('\'', '[', ']');
        return first.Length == 0 ? null : first;
    }

    private static string BodyLimit(HttpContext http) =>
        http.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } bytes ? Bytes(bytes) : "the limit";

    private static string Bytes(long bytes) => bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0
        ? $"{bytes / (1024 * 1024)} MiB"
        : bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} bytes";

    // The binder's messages, e.g. `Required parameter "int width" was not provided from query string.` and
    // `Failed to bind parameter "Guid id" from "abc".`: only the parameter name is taken from them.
    [GeneratedRegex("""^(?<kind>Required parameter|Failed to bind parameter|Failed to read parameter) "(?:[^"]*\s)?(?<name>[A-Za-z_][A-Za-z0-9_]*)" """, RegexOptions.CultureInvariant)]
    private static partial Regex BinderParameter();

    [LoggerMessage(Level = LogLevel.Information, Message = "Unreadable {Method} {Path} answered {Status}")]
    private static partial void LogUnreadable(ILogger logger, string method, PathString path, int status);
}
