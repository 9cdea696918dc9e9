namespace SdPortal.Web.Billing.Handlers;

/// <summary><c>customer.subscription.created</c>: applies the snapshot it carries (if newer).</summary>
internal sealed class SubscriptionCreatedHandler(SubscriptionSync sync) : IStripeEventHandler
{
    public string EventType => "customer.subscription.created";

    public Task<string> HandleAsync(StripeEvent stripeEvent, CancellationToken cancellationToken) =>
        sync.ApplyAsync(stripeEvent, deleted: false, cancellationToken);
}

/// <summary><c>customer.subscription.updated</c>: applies the snapshot it carries (if newer).</summary>
internal sealed class SubscriptionUpdatedHandler(SubscriptionSync sync) : IStripeEventHandler
{
    public string EventType => "customer.subscription.updated";

    public Task<string> HandleAsync(StripeEvent stripeEvent, CancellationToken cancellationToken) =>
        sync.ApplyAsync(stripeEvent, deleted: false, cancellationToken);
}

/// <summary><c>customer.subscription.deleted</c>: the subscription ended; terminal whatever arrives later.</summary>
internal sealed class SubscriptionDeletedHandler(SubscriptionSync sync) : IStripeEventHandler
{
    public string EventType => "customer.subscription.deleted";

    public Task<string> HandleAsync(StripeEvent stripeEvent, CancellationToken cancellationToken) =>
        sync.ApplyAsync(stripeEvent, deleted: true, cancellationToken);
}
