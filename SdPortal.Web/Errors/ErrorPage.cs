using System.Net;

namespace SdPortal.Web.Errors;

/// <summary>
/// What a browser gets when a page request fails: a small static page with the status and the trace id, written
/// directly. Not a re-execution of a Blazor page: the failed request may be a form POST, and re-running it through the
/// pipeline (antiforgery, the form reader, the circuit's page) fails again and lets the original exception out.
/// </summary>
internal static class ErrorPage
{
    public static Task WriteAsync(HttpContext http)
    {
        var status = http.Response.StatusCode;
        var (title, text) = status is >= 400 and < 500
            ? ("The request could not be read", "The portal could not read what the browser sent. Go back, check the form and try again.")
            : ("Something went wrong", "The portal could not complete this request. Please try again; if it keeps happening, quote the request id below to support.");
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync(
            $"""
             <!DOCTYPE html>
             <html lang="en"><head><meta charset="utf-8"><title>{title} · SdPortal</title></head>
             <body><h1>{title}</h1><p>{text}</p><p>Request id: <code>{WebUtility.HtmlEncode(TraceId.Of(http))}</code></p>
             <p><a href="/">Back to SdPortal</a></p></body></html>
             """, http.RequestAborted);
    }
}
