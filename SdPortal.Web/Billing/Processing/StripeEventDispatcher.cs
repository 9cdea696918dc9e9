using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Web.Billing.Handlers;
using SdPortal.Web.Observability;

namespace SdPortal.Web.Billing.Processing;

/// <summary>
/// Processes one stored event: claims an attempt, parses the raw JSON, runs the handler for its type, and marks it
/// processed; a failure records the error on the row, which stays unprocessed for the next retry.
/// </summary>
internal sealed class StripeEventDispatcher(
    IDbContextFactory<PortalDbContext> contexts,
    IEnumerable<IStripeEventHandler> handlers,
    TimeProvider time,
    PortalMetrics metrics,
    ILogger<StripeEventDispatcher> logger)
{
    private const int MaxErrorLength = 4000;

    public async Task ProcessAsync(Guid rowId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.StripeEvents.AsNoTracking().SingleOrDefaultAsync(e => e.Id == rowId, cancellationToken);
        if (row is null || row.ProcessedAtUtc is not null)
        {
            return;
        }

        // Claim this attempt: only one claimant moves Attempts from the value it read.
        var claimed = await db.StripeEvents.Where(e => e.Id == rowId && e.ProcessedAtUtc == null && e.Attempts == row.Attempts)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Attempts, e => e.Attempts + 1), cancellationToken);
        if (claimed == 0)
        {
            return;
        }

        string outcome;
        StripeEvent stripeEvent;
        IStripeEventHandler? handler;
        try
        {
            stripeEvent = StripeEvent.Parse(row.Payload);
            handler = handlers.FirstOrDefault(h => h.EventType == stripeEvent.Type);
            outcome = handler is null ? "ignored (no handler for this type)" : await handler.HandleAsync(stripeEvent, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Stripe event {EventId} ({Type}) failed on attempt {Attempt}; it stays stored for a retry",
                row.EventId, row.Type, row.Attempts + 1);
            // The whole chain: providers wrap the cause (e.g. a transient-failure wrapper around a timeout).
            var error = string.Join(" <- ", Chain(ex).Select(e => $"{e.GetType().Name}: {e.Message}"));
            error = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
            await db.StripeEvents.Where(e => e.Id == rowId && e.ProcessedAtUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LastError, error), CancellationToken.None);
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        await db.StripeEvents.Where(e => e.Id == rowId && e.ProcessedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ProcessedAtUtc, now).SetProperty(e => e.LastError, (string?)null), cancellationToken);
        // Tagged by the handled types only: whatever else Stripe sends counts as "other", so the series stay few.
        metrics.WebhookProcessed(handler?.EventType ?? "other", now - DateTimeOffset.FromUnixTimeSeconds(stripeEvent.Created).UtcDateTime);
        logger.LogInformation("Stripe event {EventId} ({Type}) processed on attempt {Attempt}: {Outcome}",
            row.EventId, row.Type, row.Attempts + 1, outcome);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}
