using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace SdPortal.Web.Mail;

/// <summary>
/// The in-process queue between a request and the mail server (ADR-017). A request only enqueues, which takes the same
/// few microseconds whatever the mail is and however slow the server: a request never waits for SMTP, and the work of
/// a request for a known address does not differ in time from an unknown one's. Bounded: when full, mail is dropped and
/// logged rather than held in memory without end.
/// </summary>
public sealed partial class MailOutbox(IOptions<EmailOptions> options, ILogger<MailOutbox> logger)
{
    private readonly Channel<OutgoingMail> _queue = Channel.CreateBounded<OutgoingMail>(
        new BoundedChannelOptions(options.Value.OutboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    internal ChannelReader<OutgoingMail> Reader => _queue.Reader;

    /// <summary>Queues <paramref name="mail"/> for delivery; false (and a warning) when the outbox is full.</summary>
    public bool Enqueue(OutgoingMail mail)
    {
        if (_queue.Writer.TryWrite(mail))
        {
            return true;
        }

        LogDropped(logger, mail.Kind, options.Value.OutboxCapacity);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail outbox full ({Capacity} waiting): a {Kind} message was dropped")]
    private static partial void LogDropped(ILogger logger, string kind, int capacity);
}
