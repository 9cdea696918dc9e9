namespace SdPortal.Web.Api;

/// <summary>
/// The paths that programs call rather than browsers navigate to: the REST API, the inference hosts' internal API, the
/// hubs and the OpenAPI document. They answer problem details and status codes, never an HTML page or a sign-in redirect.
/// </summary>
public static class MachinePaths
{
    /// <summary>The REST API alone (<c>/api</c>): its bodiless errors get problem details, its cookie callers antiforgery.</summary>
    public static bool IsRestApi(PathString path) => path.StartsWithSegments("/api");

    public static bool Contains(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/internal")
        || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/openapi");
}
