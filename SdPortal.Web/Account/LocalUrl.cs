namespace SdPortal.Web.Account;

/// <summary>Return URLs after sign-in and sign-out: a path on this site, never another host (open redirects).</summary>
internal static class LocalUrl
{
    /// <summary><paramref name="url"/> when it is a local path ("/…" but not "//…" or "/\…"), otherwise "/".</summary>
    public static string OrRoot(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
