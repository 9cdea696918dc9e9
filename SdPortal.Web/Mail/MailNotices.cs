using Microsoft.Extensions.Options;

namespace SdPortal.Web.Mail;

/// <summary>
/// What the pages and the API say after queuing mail. With <c>Email:Delivery</c> Log there is no mail server, and the
/// sentence says so plainly (the link is in the server log) rather than promising a message that will never come.
/// </summary>
public sealed class MailNotices(IOptions<EmailOptions> options)
{
    private const string NoMailServer = "This portal has no mail server configured:";

    private bool ToLog => options.Value.LinksGoToLog;

    /// <summary>True when links are written to the server log instead of mailed.</summary>
    public bool LinksGoToLog => ToLog;

    /// <summary>The same for a new address and one that has an account, so the answer tells nobody which it was.</summary>
    public string SignUpAccepted => (ToLog
        ? $"{NoMailServer} the message for this address, with its link, was written to the server log."
        : "Check your inbox: we sent a message to this address with the next step.")
        + " A new tenant gets its starting credits once its owner's address is confirmed.";

    public string PasswordResetRequested => ToLog
        ? $"{NoMailServer} if an account exists for that email, the link to choose a new password was written to the server log. The link works once."
        : "If an account exists for that email, a link to choose a new password is on its way. The link works once.";

    public string InvitationSent(string email) => ToLog
        ? $"{NoMailServer} the invitation link was written to the server log; send it to {email} yourself."
        : $"We mailed the invitation link to {email}.";
}
