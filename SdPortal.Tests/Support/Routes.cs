namespace SdPortal.Tests.Support;

/// <summary>Relative request URIs, so tests read like the routes they call.</summary>
public static class Routes
{
    public static Uri U(string path) => new(path, UriKind.Relative);
}
