using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Web.Billing.Configuration;

namespace SdPortal.Web.Billing.Processing;

/// <summary>
/// Every <see cref="BillingOptions.SweepIntervalSeconds"/>, queues stored events that are not processed, have attempts
/// left and are due: attempt n waits <c>RetryDelaySeconds × (2ⁿ − 1)</c> after receipt, so retries back off.
/// </summary>
internal sealed class StripeEventSweeper(
    StripeEventQueue queue,
    IServiceScopeFactory scopes,
    IOptions<BillingOptions> options,
    TimeProvider time,
    ILogger<StripeEventSweeper> logger) : BackgroundService
{
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var billing = options.Value;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(billing.SweepIntervalSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(billing, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database may be down; the next tick tries again and nothing is lost meanwhile.
                logger.LogError(ex, "Sweeping unprocessed Stripe events failed");
            }
        }
    }

    internal async Task<int> SweepAsync(BillingOptions billing, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var pending = await db.StripeEvents.AsNoTracking()
            .Where(e => e.ProcessedAtUtc == null && e.Attempts < billing.MaxProcessingAttempts)
            .OrderBy(e => e.ReceivedAtUtc).Take(BatchSize)
            .Select(e => new { e.Id, e.EventId, e.Attempts, e.ReceivedAtUtc })
            .ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var due = pending.Where(e => e.ReceivedAtUtc + RetryOffset(billing, e.Attempts) <= now).ToList();
        foreach (var row in due)
        {
            logger.LogInformation("Retrying Stripe event {EventId} (attempt {Attempt})", row.EventId, row.Attempts + 1);
            queue.Enqueue(row.Id);
        }

        return due.Count;
    }

    /// <summary>How long after receipt attempt <paramref name="attempts"/> + 1 is due; a never-tried row waits one delay for the queue.</summary>
    internal static TimeSpan RetryOffset(BillingOptions billing, int attempts) =>
        TimeSpan.FromSeconds(billing.RetryDelaySeconds * Math.Max(1, Math.Pow(2, Math.Min(attempts, 20)) - 1));
}
