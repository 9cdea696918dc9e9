using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SdPortal.Data.Entities;
using SdPortal.Web.Api.Access;
using SdPortal.Web.Identity;

namespace SdPortal.Web.Account;

/// <summary>
/// The browser's cookie changes: sign-out and the tenant switcher. Form POSTs (antiforgery-checked), since a circuit
/// cannot write a cookie.
/// </summary>
public static partial class AccountEndpoints
{
    public const string LogoutPath = "/account/logout";

    public const string SwitchTenantPath = "/account/switch-tenant";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(LogoutPath, async ([FromForm] string? returnUrl, SignInManager<PortalUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect($"~{LocalUrl.OrRoot(returnUrl)}");
        });
        endpoints.MapPost(SwitchTenantPath, SwitchTenantAsync).RequireAuthorization();
        return endpoints;
    }

    /// <summary>
    /// Re-issues the sign-in cookie with <paramref name="tenantId"/> as the selected tenant, if the user is an active
    /// member of that active tenant; otherwise nothing changes. The redirect starts a new circuit in the new tenant.
    /// </summary>
    private static async Task<IResult> SwitchTenantAsync(
        [FromForm] Guid tenantId, [FromForm] string? returnUrl, HttpContext http, CallerResolver callers,
        SignInManager<PortalUser> signIn, UserManager<PortalUser> users, ILoggerFactory loggers)
    {
        var target = $"~{LocalUrl.OrRoot(returnUrl)}";
        var logger = loggers.CreateLogger(typeof(AccountEndpoints));
        // An API key is pinned to its tenant and must never turn into a browser session.
        if (http.User.FindFirst(PortalClaims.ApiKeyId) is not null
            || await callers.CheckMemberAsync(http.User, tenantId.ToString(), http.RequestAborted) != CallerCheck.Allowed
            || await users.GetUserAsync(http.User) is not { } user)
        {
            LogSwitchRefused(logger, tenantId);
            return TypedResults.LocalRedirect(target);
        }

        var current = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        await signIn.SignInWithClaimsAsync(user, current.Properties, [new Claim(PortalClaims.SelectedTenant, tenantId.ToString())]);
        LogSwitched(logger, user.Id, tenantId);
        return TypedResults.LocalRedirect(target);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant switch to {TenantId} refused: not an active member of an active tenant")]
    private static partial void LogSwitchRefused(ILogger logger, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} switched to tenant {TenantId}")]
    private static partial void LogSwitched(ILogger logger, Guid userId, Guid tenantId);
}
