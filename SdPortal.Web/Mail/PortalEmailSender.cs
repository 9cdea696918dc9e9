using Microsoft.AspNetCore.Identity;
using SdPortal.Data.Entities;

namespace SdPortal.Web.Mail;

/// <summary>Identity's mail (confirmation, password reset) into the outbox; nothing is sent inside the request.</summary>
internal sealed class PortalEmailSender(MailOutbox outbox) : IEmailSender<PortalUser>
{
    public Task SendConfirmationLinkAsync(PortalUser user, string email, string confirmationLink)
    {
        outbox.Enqueue(PortalMessages.Confirmation(email, confirmationLink));
        return Task.CompletedTask;
    }

    public Task SendPasswordResetLinkAsync(PortalUser user, string email, string resetLink)
    {
        outbox.Enqueue(PortalMessages.PasswordReset(email, resetLink));
        return Task.CompletedTask;
    }

    // The portal sends reset links, never bare codes (Identity's MapIdentityApi would; it is not mapped).
    public Task SendPasswordResetCodeAsync(PortalUser user, string email, string resetCode) =>
        throw new NotSupportedException("The portal mails password reset links, not codes.");
}
