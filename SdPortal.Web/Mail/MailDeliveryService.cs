using Microsoft.Extensions.Options;

namespace SdPortal.Web.Mail;

/// <summary>
/// Drains the <see cref="MailOutbox"/> one message at a time (so mail leaves in the order it was queued), trying each up to
/// <c>Email:MaxAttempts</c> times with a doubling wait, and logging the one that is given up. Logs name the kind and the
/// recipient, never the link: over SMTP a link is a credential (ADR-017).
/// </summary>
internal sealed partial class MailDeliveryService(
    MailOutbox outbox,
    IMailTransport transport,
    IOptions<EmailOptions> options,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<MailDeliveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Delivery == MailDelivery.Log && !environment.IsDevelopment())
        {
            LogNoMailServer(logger, environment.EnvironmentName);
        }

        try
        {
            await foreach (var mail in outbox.Reader.ReadAllAsync(stoppingToken))
            {
                await DeliverAsync(mail, settings, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is lost, and its users can ask again (ADR-017).
        }
    }

    private async Task DeliverAsync(OutgoingMail mail, EmailOptions settings, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(settings.RetryDelayMilliseconds);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await transport.SendAsync(mail, stoppingToken);
                LogSent(logger, mail.Kind, mail.To, attempt);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (attempt >= settings.MaxAttempts)
                {
                    LogGivenUp(logger, mail.Kind, mail.To, attempt, ex.GetType().Name, ex.Message);
                    return;
                }

                LogRetrying(logger, mail.Kind, mail.To, attempt, delay.TotalMilliseconds, ex.GetType().Name, ex.Message);
            }

            await Task.Delay(delay, time, stoppingToken);
            delay *= 2;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Email:Delivery is Log in {Environment}: no mail is sent, links go to this log and the pages say so; configure Email:Smtp")]
    private static partial void LogNoMailServer(ILogger logger, string environment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail delivered: {Kind} for {To} (try {Attempt})")]
    private static partial void LogSent(ILogger logger, string kind, string to, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail try {Attempt} failed: {Kind} for {To}, retrying in {DelayMs} ms ({Error}: {Reason})")]
    private static partial void LogRetrying(ILogger logger, string kind, string to, int attempt, double delayMs, string error, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail given up after {Attempts} tries: {Kind} for {To} ({Error}: {Reason})")]
    private static partial void LogGivenUp(ILogger logger, string kind, string to, int attempts, string error, string reason);
}
