namespace SdPortal.Web.Mail;

/// <summary>Hands one message to its destination; throws when it could not (the delivery service retries).</summary>
public interface IMailTransport
{
    Task SendAsync(OutgoingMail mail, CancellationToken cancellationToken);
}
