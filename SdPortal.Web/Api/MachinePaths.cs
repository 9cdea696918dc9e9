namespace SdPortal.Web.Api;

/// <summary>
/// The paths that programs call rather than browsers navigate to: the REST API, the inference hosts' internal API, the
/// hubs and the OpenAPI document. They answer problem details and status codes, never an HTML page or a sign-in redirect.
/// </summary>
public static class MachinePaths
{
    public static bool Contains(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/internal")
        || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/openapi");
}
