namespace SdPortal.Web.Billing.Processing;

/// <summary>
/// Processes queued events one at a time, each in its own scope. Sequential on purpose: billing events are few, and
/// one consumer per node means two deliveries of one event never race inside a process.
/// </summary>
internal sealed class StripeEventProcessor(StripeEventQueue queue, IServiceScopeFactory scopes, ILogger<StripeEventProcessor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var rowId in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<StripeEventDispatcher>().ProcessAsync(rowId, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The database itself failed (reading or claiming the row); the row stays stored and the sweeper
                // queues it again. Letting this escape would stop the host.
                logger.LogError(ex, "Could not process stored Stripe event row {RowId}; the sweeper will retry it", rowId);
            }
        }
    }
}
