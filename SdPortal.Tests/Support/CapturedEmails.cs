using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using SdPortal.Data.Entities;

namespace SdPortal.Tests.Support;

/// <summary>An <see cref="IEmailSender{TUser}"/> that keeps the links it was asked to send.</summary>
public sealed class CapturedEmails : IEmailSender<PortalUser>
{
    public ConcurrentQueue<(string Email, string Link)> ConfirmationLinks { get; } = new();

    public Task SendConfirmationLinkAsync(PortalUser user, string email, string confirmationLink)
    {
        ConfirmationLinks.Enqueue((email, confirmationLink));
        return Task.CompletedTask;
    }

    public ConcurrentQueue<(string Email, string Link)> PasswordResetLinks { get; } = new();

    public Task SendPasswordResetLinkAsync(PortalUser user, string email, string resetLink)
    {
        PasswordResetLinks.Enqueue((email, resetLink));
        return Task.CompletedTask;
    }

    public Task SendPasswordResetCodeAsync(PortalUser user, string email, string resetCode) => Task.CompletedTask;
}
