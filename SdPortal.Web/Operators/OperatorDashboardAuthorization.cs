using System.Security.Claims;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Web.Identity;

namespace SdPortal.Web.Operators;

/// <summary>
/// Lets only operators (<c>Portal:Operators</c>) into the Hangfire dashboard, as signed-in users — never by API key and
/// never by where the request comes from: Hangfire's "local requests only" default would pass everything arriving through
/// a same-host reverse proxy (R18). Hangfire answers 401 to the anonymous and 403 to everyone else refused.
/// </summary>
internal sealed class OperatorDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (http.User.Identity?.IsAuthenticated != true || http.User.FindFirstValue(PortalClaims.ApiKeyId) is not null
            || !Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return false;
        }

        var operators = http.RequestServices.GetRequiredService<IOptionsMonitor<PortalOptions>>().CurrentValue.Operators;
        var stampClaim = http.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var db = http.RequestServices.GetRequiredService<PortalDbContext>();
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.Email, u.IsDisabled, u.SecurityStamp }).SingleOrDefaultAsync(http.RequestAborted);
        var stamp = http.User.FindFirstValue(stampClaim);
        return user is { IsDisabled: false }
               && (stamp is null || stamp == user.SecurityStamp)
               && operators.Contains(user.Email ?? string.Empty, StringComparer.OrdinalIgnoreCase);
    }
}
