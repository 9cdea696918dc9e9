using Microsoft.AspNetCore.Diagnostics;

namespace SdPortal.Web.Errors;

/// <summary>
/// Any other exception on an API route: logged with its stack trace, answered as a 500 problem details whose only
/// particular is the trace id that finds the log entry. Pages fall through to <see cref="ErrorPage"/>, which shows the same id.
/// </summary>
internal sealed partial class UnexpectedErrorHandler(IProblemDetailsService problems, ILogger<UnexpectedErrorHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (UnreadableRequestHandler.StatusOf(exception) is not null)
        {
            return false;
        }

        LogUnexpected(logger, exception, http.Request.Method, http.Request.Path, TraceId.Of(http));
        if (!ErrorHandlingExtensions.WantsProblemDetails(http))
        {
            return false;
        }

        http.Response.StatusCode = StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Unexpected error",
                Detail = "The portal could not complete this request. Quote the trace id to support if it keeps happening.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path} (trace {TraceId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, PathString path, string traceId);
}
