using Microsoft.AspNetCore.Authorization;

namespace SdPortal.Web.Generation;

/// <summary>
/// The hub's endpoint policy: negotiate and the transport requests need a sign-in that <c>CallerResolver</c> still
/// accepts, so a bearer token invalidated by a password reset or a disabled user cannot even open a connection (the
/// authentication handler alone accepts any unexpired token). Connected clients are checked by <see cref="HubCallerFilter"/>.
/// </summary>
public sealed class HubSignInRequirement : IAuthorizationRequirement
{
    public const string PolicyName = "HubSignIn";
}

/// <summary>Meets <see cref="HubSignInRequirement"/> for an active user with the token's security stamp.</summary>
public sealed class HubSignInHandler(HubAccess access) : AuthorizationHandler<HubSignInRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, HubSignInRequirement requirement)
    {
        var aborted = context.Resource is HttpContext http ? http.RequestAborted : CancellationToken.None;
        if (await access.IsActiveUserAsync(context.User, aborted))
        {
            context.Succeed(requirement);
        }
    }
}
