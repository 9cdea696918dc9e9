using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using SdPortal.Data.Entities;

namespace SdPortal.Web.Account;

/// <summary>The browser's sign-out: a form POST (antiforgery-checked), since a circuit cannot clear a cookie.</summary>
public static class AccountEndpoints
{
    public const string LogoutPath = "/account/logout";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(LogoutPath, async ([FromForm] string? returnUrl, SignInManager<PortalUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect($"~{LocalUrl.OrRoot(returnUrl)}");
        });
        return endpoints;
    }
}
