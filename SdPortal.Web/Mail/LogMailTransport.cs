namespace SdPortal.Web.Mail;

/// <summary>The <c>Log</c> delivery: no mail server, so the message's link goes to the log for whoever runs the portal.</summary>
internal sealed partial class LogMailTransport(ILogger<LogMailTransport> logger) : IMailTransport
{
    public Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken)
    {
        LogMail(logger, mail.Kind, mail.To, mail.Subject, mail.Link ?? "(no link)");
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail not sent (Email:Delivery is Log): {Kind} for {To}, \"{Subject}\": {Link}")]
    private static partial void LogMail(ILogger logger, string kind, string to, string subject, string link);
}
