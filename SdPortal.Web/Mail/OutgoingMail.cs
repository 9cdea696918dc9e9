namespace SdPortal.Web.Mail;

/// <summary>
/// One message waiting in the outbox: its recipient, subject and bodies, plus the link it carries, which only the Log
/// delivery writes out (over SMTP a link is a credential and never reaches the log).
/// </summary>
public sealed record OutgoingMail(string To, string Subject, string TextBody, string HtmlBody, string Kind, string? Link);
