using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using SdPortal.Data.Entities;
using SdPortal.Web.Hosting;
using SdPortal.Web.Identity;

namespace SdPortal.Web.Api.Auth;

/// <summary>Registration, login (bearer token), email confirmation and invitation acceptance; all anonymous.</summary>
internal static class AuthEndpoints
{
    public static void MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").AllowAnonymous().WithTags("Auth");
        auth.MapPost("/register", (RegisterRequest request, RegistrationHandler handler, HttpContext http) =>
            handler.RegisterAsync(request, http));
        auth.MapPost("/login", LoginAsync).AddEndpointFilter<SignInAttemptFilter>();
        auth.MapGet("/confirm-email", ConfirmEmailAsync).WithName("ConfirmEmail");
        auth.MapPost("/accept-invitation", (AcceptInvitationRequest request, InvitationAcceptanceHandler handler, CancellationToken ct) =>
            handler.AcceptAsync(request, ct));
        // Sending mail on request is an abuse vector: the same per-IP limit as sign-in.
        auth.MapPost("/forgot-password", (ForgotPasswordRequest request, PasswordResetHandler handler, HttpContext http) =>
            handler.RequestAsync(request, http)).AddEndpointFilter<SignInAttemptFilter>();
        auth.MapPost("/reset-password", (ResetPasswordRequest request, PasswordResetHandler handler) => handler.ResetAsync(request))
            .AddEndpointFilter<SignInAttemptFilter>();
    }

    private static async Task<IResult> LoginAsync(LoginRequest request, UserManager<PortalUser> users, SignInManager<PortalUser> signIn)
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

    private static async Task<IResult> ConfirmEmailAsync(Guid userId, string code, UserManager<PortalUser> users)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null)
        {
            return ApiProblems.NotFound();
        }

        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
        }
        catch (FormatException)
        {
            return new FieldErrors().Require(false, "code", "The confirmation code is malformed.").ToResult();
        }

        var result = await users.ConfirmEmailAsync(user, token);
        return result.Succeeded
            ? TypedResults.NoContent()
            : new FieldErrors().Require(false, "code", "The confirmation code is invalid or expired.").ToResult();
    }

    /// <summary>Sends the confirmation link; its target is the confirm-email route of this API at the public URL.</summary>
    public static async Task SendConfirmationAsync(
        UserManager<PortalUser> users, IEmailSender<PortalUser> email, LinkGenerator links, PublicUrl publicUrl, PortalUser user)
    {
        var token = await users.GenerateEmailConfirmationTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        var link = publicUrl.For(links.GetPathByName("ConfirmEmail", new { userId = user.Id, code })
                   ?? throw new InvalidOperationException("The ConfirmEmail route is not mapped."));
        await email.SendConfirmationLinkAsync(user, user.Email!, link);
    }

}
