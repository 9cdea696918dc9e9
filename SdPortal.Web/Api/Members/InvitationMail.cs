using SdPortal.Data.Entities;
using SdPortal.Web.Hosting;
using SdPortal.Web.Mail;

namespace SdPortal.Web.Api.Members;

/// <summary>
/// The invitation's accept link, at the public URL (never the request's host, R28), and the mail that carries it to the
/// invitee. The API and the Members page share it, so both mail the link and show the same one.
/// </summary>
public sealed class InvitationMail(PublicUrl publicUrl, MailOutbox outbox)
{
    public const string AcceptPagePath = "/account/accept-invitation";

    public string LinkFor(string token) => publicUrl.For($"{AcceptPagePath}?token={Uri.EscapeDataString(token)}");

    public void Send(string email, string tenantName, TenantRole role, DateTime expiresAtUtc, string token) =>
        outbox.Enqueue(PortalMessages.Invitation(email, tenantName, role.ToString(), expiresAtUtc, LinkFor(token)));
}
