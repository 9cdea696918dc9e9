namespace SdPortal.Web.Billing.Processing;

/// <summary>
/// Processes queued events one at a time, each in its own scope. Sequential on purpose: billing events are few, and
/// one consumer per node means two deliveries of one event never race inside a process.
/// </summary>
internal sealed class StripeEventProcessor(StripeEventQueue queue, IServiceScopeFactory scopes) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var rowId in queue.ReadAllAsync(stoppingToken))
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<StripeEventDispatcher>().ProcessAsync(rowId, stoppingToken);
        }
    }
}
