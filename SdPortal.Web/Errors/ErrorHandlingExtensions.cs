using Microsoft.AspNetCore.Http.Json;
using SdPortal.Web.Api;

namespace SdPortal.Web.Errors;

/// <summary>
/// How the portal answers what goes wrong, the same in every environment (R30): input it cannot read is a 4xx problem
/// details naming what to fix (<see cref="UnreadableRequestHandler"/>); an unexpected error is a 500 that carries a
/// trace id and nothing else (<see cref="UnexpectedErrorHandler"/> for API callers, <see cref="ErrorPage"/> for browsers).
/// Never the developer exception page, which shows the stack trace and echoes the request's headers, API key included.
/// </summary>
public static class ErrorHandlingExtensions
{
    /// <summary>Adds problem details with a trace id, the two exception handlers and strict JSON.</summary>
    public static IHostApplicationBuilder AddPortalErrorHandling(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions["traceId"] = TraceId.Of(ctx.HttpContext));
        builder.Services.AddExceptionHandler<UnreadableRequestHandler>();
        builder.Services.AddExceptionHandler<UnexpectedErrorHandler>();
        // Minimal APIs throw on unbindable input only in Development and answer a bare 400 elsewhere; throwing always
        // lets one handler answer it the same way everywhere, with the field it could not read.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new DefinedEnumConverterFactory()));
        return builder;
    }

    /// <summary>
    /// The outermost handler, inside the framework's Development-only exception page, so that page never sees an
    /// exception: API callers get problem details from the handlers, pages get <see cref="ErrorPage"/> (a trace id only).
    /// </summary>
    public static WebApplication UsePortalErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = ErrorPage.WriteAsync,
            StatusCodeSelector = ex => UnreadableRequestHandler.StatusOf(ex) ?? StatusCodes.Status500InternalServerError,
            // The handlers log each exception once, at the level it deserves (a caller's bad input is no error).
            SuppressDiagnosticsCallback = _ => true,
        });
        return app;
    }

    /// <summary>Whether <paramref name="http"/> is answered as an API (problem details) rather than a page.</summary>
    internal static bool WantsProblemDetails(HttpContext http) => MachinePaths.Contains(http.Request.Path);
}
