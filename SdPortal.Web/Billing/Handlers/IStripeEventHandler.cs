namespace SdPortal.Web.Billing.Handlers;

/// <summary>
/// Handles one Stripe event type. Handlers must be idempotent: an event can be processed again after a crash, a
/// redelivery or a retry, and must change nothing the second time.
/// </summary>
internal interface IStripeEventHandler
{
    /// <summary>The event type, e.g. <c>invoice.paid</c>.</summary>
    string EventType { get; }

    /// <summary>Applies the event; answers what it did, for the log. Throws to leave the event for a retry.</summary>
    Task<string> HandleAsync(StripeEvent stripeEvent, CancellationToken cancellationToken);
}

/// <summary>An event that names a tenant we cannot trust or find; retried, and never credited to anyone meanwhile.</summary>
internal sealed class BillingAttributionException(string message) : InvalidOperationException(message);
