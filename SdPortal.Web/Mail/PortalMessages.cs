using System.Net;

namespace SdPortal.Web.Mail;

/// <summary>
/// The mail the portal sends: a subject that says what it is, a plain-text body and the same as simple HTML. No images,
/// no tracking pixels or redirecting links: each link is the portal's own, built from <c>Portal:PublicBaseUrl</c>.
/// </summary>
public static class PortalMessages
{
    public const string ConfirmationKind = "email-confirmation";
    public const string PasswordResetKind = "password-reset";
    public const string InvitationKind = "invitation";
    public const string SignUpAttemptKind = "sign-up-attempt";

    public static OutgoingMail Confirmation(string to, string link) => Compose(to, ConfirmationKind,
        "Confirm your email address for SdPortal",
        ["Welcome to SdPortal. Confirm your email address to finish signing up; your tenant's starting credits arrive when you do."],
        ("Confirm my address", link),
        "If you did not sign up, ignore this message: nothing happens without the link.");

    public static OutgoingMail PasswordReset(string to, string link) => Compose(to, PasswordResetKind,
        "Reset your SdPortal password",
        ["Someone (hopefully you) asked to reset the password of your SdPortal account. The link works once."],
        ("Choose a new password", link),
        "If it was not you, ignore this message: your password stays as it is.");

    public static OutgoingMail Invitation(string to, string tenantName, string role, DateTime expiresAtUtc, string link) =>
        Compose(to, InvitationKind,
            $"You are invited to join {tenantName} on SdPortal",
            [$"You are invited to join the tenant \"{tenantName}\" on SdPortal as {role}.",
             $"The invitation is valid until {expiresAtUtc:yyyy-MM-dd HH:mm} UTC and works once."],
            ("Accept the invitation", link),
            "If you do not know this tenant, ignore this message.");

    /// <summary>To an address that already has an account, instead of a second sign-up (no account enumeration).</summary>
    public static OutgoingMail SignUpAttempt(string to, string signInLink, string resetLink) => Compose(to, SignUpAttemptKind,
        "Someone tried to sign up to SdPortal with your address",
        ["Someone tried to create a new SdPortal account with this email address, which already has one. Nothing was changed.",
         $"If it was you, sign in: {signInLink}"],
        ("Reset my password", resetLink),
        "If it was not you, ignore this message.");

    private static OutgoingMail Compose(string to, string kind, string subject, string[] paragraphs, (string Label, string Url) action, string footer)
    {
        var text = string.Join("\n\n", [.. paragraphs, $"{action.Label}: {action.Url}", footer]) + "\n";
        var html = string.Concat(paragraphs.Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>"))
                   + $"<p><a href=\"{WebUtility.HtmlEncode(action.Url)}\">{WebUtility.HtmlEncode(action.Label)}</a></p>"
                   + $"<p>{WebUtility.HtmlEncode(footer)}</p>";
        return new OutgoingMail(to, subject, text, $"<!DOCTYPE html><html><body>{html}</body></html>", kind, action.Url);
    }
}
