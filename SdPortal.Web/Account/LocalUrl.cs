namespace SdPortal.Web.Account;

/// <summary>Return URLs after sign-in and sign-out: a path on this site, never another host (open redirects).</summary>
internal static class LocalUrl
{
    /// <summary>The longest return URL kept; a longer one is not a page of this portal.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// <paramref name="url"/> when it is a local path ("/…" but not "//…" or "/\…") of printable characters, otherwise
    /// "/". A control character would make the framework's local-redirect check throw (a 500) and could split a header.
    /// </summary>
    public static string OrRoot(string? url) =>
        url is { Length: > 0 and <= MaxLength } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl)
            ? url
            : "/";
}
