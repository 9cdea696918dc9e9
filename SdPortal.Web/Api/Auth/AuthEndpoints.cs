using Microsoft.AspNetCore.Identity;
using SdPortal.Data.Entities;
using SdPortal.Web.Identity;

namespace SdPortal.Web.Api.Auth;

/// <summary>Registration, login (bearer token), email confirmation, invitation acceptance and password reset; all anonymous.</summary>
internal static class AuthEndpoints
{
    public static void MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").AllowAnonymous().WithTags("Auth");
        auth.MapPost("/register", (RegisterRequest request, RegistrationHandler handler, HttpContext http) =>
            handler.RegisterAsync(request, http));
        auth.MapPost("/login", LoginAsync).AddEndpointFilter<SignInAttemptFilter>();
        auth.MapGet("/confirm-email", (Guid userId, string code, EmailConfirmationHandler handler, CancellationToken ct) =>
            handler.ConfirmAsync(userId, code, ct)).WithName("ConfirmEmail");
        auth.MapPost("/accept-invitation", (AcceptInvitationRequest request, InvitationAcceptanceHandler handler, CancellationToken ct) =>
            handler.AcceptAsync(request, ct));
        // Sending mail on request is an abuse vector: the same per-IP limit as sign-in.
        auth.MapPost("/forgot-password", (ForgotPasswordRequest request, PasswordResetHandler handler, HttpContext http) =>
            handler.RequestAsync(request, http)).AddEndpointFilter<SignInAttemptFilter>();
        auth.MapPost("/reset-password", (ResetPasswordRequest request, PasswordResetHandler handler) => handler.ResetAsync(request))
            .AddEndpointFilter<SignInAttemptFilter>();
    }

    private static async Task<IResult> LoginAsync(
        LoginRequest request, UserManager<PortalUser> users, SignInManager<PortalUser> signIn, DecoyPassword decoy)
    {
        var errors = new FieldErrors()
            .Require(!string.IsNullOrWhiteSpace(request.Email), "email", "Enter your email.")
            .Require(!string.IsNullOrEmpty(request.Password), "password", "Enter your password.");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var user = await users.FindByEmailAsync(request.Email!);
        if (user is null)
        {
            // The same hashing work as a wrong password, so the time does not tell an unknown email from a known one.
            decoy.Verify(request.Password!);
            return ApiProblems.Unauthorized();
        }

        // lockoutOnFailure: true is what makes Identity count failures (R19): 5 → locked for 5 minutes.
        var result = await signIn.CheckPasswordSignInAsync(user, request.Password!, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "Too many failed attempts; the account is locked for a few minutes.");
        }

        if (!result.Succeeded || user.IsDisabled)
        {
            return ApiProblems.Unauthorized();
        }

        var principal = await signIn.CreateUserPrincipalAsync(user);
        // The bearer handler answers { tokenType, accessToken, expiresIn, refreshToken }.
        return TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme);
    }
}
