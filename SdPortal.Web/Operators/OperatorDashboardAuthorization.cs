using Hangfire.Dashboard;
using SdPortal.Web.Api.Access;

namespace SdPortal.Web.Operators;

/// <summary>
/// Lets only operators (<c>Portal:Operators</c>) into the Hangfire dashboard, with the API's own operator check: signed in
/// as an active user, never by API key and never by where the request comes from — Hangfire's "local requests only"
/// default would pass everything arriving through a same-host reverse proxy (R18). Hangfire answers 401 to the anonymous
/// and 403 to everyone else refused.
/// </summary>
internal sealed class OperatorDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        return await http.RequestServices.GetRequiredService<CallerResolver>().ResolveOperatorAsync(http) is null;
    }
}
