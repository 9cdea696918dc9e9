using System.Diagnostics;

namespace SdPortal.Web.Errors;

/// <summary>The id a caller quotes to support and an operator finds in the logs and traces.</summary>
internal static class TraceId
{
    public static string Of(HttpContext http) => Activity.Current?.Id ?? http.TraceIdentifier;
}
