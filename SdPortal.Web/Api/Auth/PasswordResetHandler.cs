using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using SdPortal.Data.Entities;
using SdPortal.Web.Hosting;

namespace SdPortal.Web.Api.Auth;

/// <summary>
/// Forgotten passwords, for the REST API and the account pages alike. A request always answers the same way, whether
/// or not the email has an account (no account enumeration); the link goes to the reset page of this portal and
/// carries Identity's single-use token. A reset changes the security stamp, so every other session ends (R21).
/// </summary>
internal sealed partial class PasswordResetHandler(
    UserManager<PortalUser> users, IEmailSender<PortalUser> email, PublicUrl publicUrl, ILogger<PasswordResetHandler> logger)
{
    public const string ResetPagePath = "/account/reset-password";

    /// <summary>Sends a reset link for <paramref name="request"/>'s email if it has an active account; 202 either way.</summary>
    public async Task<IResult> RequestAsync(ForgotPasswordRequest request, HttpContext http)
    {
        if (!FieldErrors.IsEmail(request.Email))
        {
            return new FieldErrors().Require(false, "email", "Enter the email you signed up with.").ToResult();
        }

        var user = await users.FindByEmailAsync(request.Email!);
        if (user is null || user.IsDisabled)
        {
            LogUnknown(logger);
            return TypedResults.Accepted((string?)null);
        }

        var token = await users.GeneratePasswordResetTokenAsync(user);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        var link = publicUrl.For($"{ResetPagePath}?email={Uri.EscapeDataString(user.Email!)}&code={code}");
        await email.SendPasswordResetLinkAsync(user, user.Email!, link);
        LogSent(logger, user.Id);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>Sets a new password with the link's code; 204, or 400 naming what is wrong.</summary>
    public async Task<IResult> ResetAsync(ResetPasswordRequest request)
    {
        var errors = new FieldErrors()
            .Require(FieldErrors.IsEmail(request.Email), "email", "Enter the email you signed up with.")
            .Require(!string.IsNullOrWhiteSpace(request.Code), "code", "The reset link is incomplete: request a new one.")
            .Require(!string.IsNullOrEmpty(request.NewPassword), "newPassword", "Choose a new password.");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var user = await users.FindByEmailAsync(request.Email!);
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(request.Code!));
        }
        catch (FormatException)
        {
            token = string.Empty;
        }

        var result = user is null || user.IsDisabled
            ? IdentityResult.Failed(new IdentityErrorDescriber().InvalidToken())
            : await users.ResetPasswordAsync(user, token, request.NewPassword!);
        if (result.Succeeded)
        {
            LogReset(logger, user!.Id);
            return TypedResults.NoContent();
        }

        // An invalid token says the same for unknown emails as for used or expired links.
        return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken))
            ? new FieldErrors().Require(false, "code", "This reset link is invalid, used or expired: request a new one.").ToResult()
            : RegistrationHandler.IdentityErrors(result);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Password reset requested for an unknown or disabled email; nothing sent")]
    private static partial void LogUnknown(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Password reset link sent to user {UserId}")]
    private static partial void LogSent(ILogger logger, Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Password of user {UserId} reset with an emailed link")]
    private static partial void LogReset(ILogger logger, Guid userId);
}
