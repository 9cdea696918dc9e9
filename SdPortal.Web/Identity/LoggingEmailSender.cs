using Microsoft.AspNetCore.Identity;
using SdPortal.Data.Entities;

namespace SdPortal.Web.Identity;

/// <summary>The development mail sender: writes each link to the log. Replace <see cref="IEmailSender{TUser}"/> to send mail.</summary>
internal sealed class LoggingEmailSender(ILogger<LoggingEmailSender> logger) : IEmailSender<PortalUser>
{
    public Task SendConfirmationLinkAsync(PortalUser user, string email, string confirmationLink)
    {
        logger.LogInformation("Email confirmation for {Email}: {Link}", email, confirmationLink);
        return Task.CompletedTask;
    }

    public Task SendPasswordResetLinkAsync(PortalUser user, string email, string resetLink)
    {
        logger.LogInformation("Password reset for {Email}: {Link}", email, resetLink);
        return Task.CompletedTask;
    }

    public Task SendPasswordResetCodeAsync(PortalUser user, string email, string resetCode)
    {
        logger.LogInformation("Password reset code for {Email} was issued", email);
        return Task.CompletedTask;
    }
}
