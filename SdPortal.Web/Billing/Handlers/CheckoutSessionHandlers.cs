using Microsoft.Extensions.Options;
using SdPortal.Data.Billing;
using SdPortal.Web.Billing.Configuration;
using SdPortal.Web.Billing.Gateway;

namespace SdPortal.Web.Billing.Handlers;

/// <summary>
/// <c>checkout.session.completed</c>: a pack is granted only when <c>payment_status</c> is <c>paid</c> (R6); a delayed
/// payment method completes the session unpaid, and the credits wait for <c>async_payment_succeeded</c>. A subscription
/// checkout grants nothing here: its credits come with <c>invoice.paid</c>.
/// </summary>
internal sealed class CheckoutSessionCompletedHandler(PackFulfilment fulfilment) : IStripeEventHandler
{
    public string EventType => "checkout.session.completed";

    public Task<string> HandleAsync(StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        var session = stripeEvent.Object;
        if (session.Str("mode") != "payment")
        {
            return Task.FromResult($"{session.Str("mode")} session {session.Str("id")}: credits come with invoice.paid");
        }

        var status = session.Str("payment_status");
        return status == "paid"
            ? fulfilment.GrantAsync(stripeEvent, cancellationToken)
            : Task.FromResult($"session {session.Str("id")} completed with payment_status={status}: waiting for the payment");
    }
}

/// <summary><c>checkout.session.async_payment_succeeded</c>: the delayed payment arrived; grant the pack (once).</summary>
internal sealed class CheckoutSessionAsyncPaymentSucceededHandler(PackFulfilment fulfilment) : IStripeEventHandler
{
    public string EventType => "checkout.session.async_payment_succeeded";

    public Task<string> HandleAsync(StripeEvent stripeEvent, CancellationToken cancellationToken) =>
        stripeEvent.Object.Str("mode") == "payment"
            ? fulfilment.GrantAsync(stripeEvent, cancellationToken)
            : Task.FromResult("subscription session: credits come with invoice.paid");
}

/// <summary><c>checkout.session.async_payment_failed</c>: the delayed payment failed; nothing to grant.</summary>
internal sealed class CheckoutSessionAsyncPaymentFailedHandler : IStripeEventHandler
{
    public string EventType => "checkout.session.async_payment_failed";

    public Task<string> HandleAsync(StripeEvent stripeEvent, CancellationToken cancellationToken) =>
        Task.FromResult($"payment for session {stripeEvent.Object.Str("id")} failed: no credits");
}

/// <summary>Grants the pack a paid Checkout Session bought, keyed by the session id.</summary>
internal sealed class PackFulfilment(BillingTenantResolver tenants, BillingGrants grants, IOptions<BillingOptions> options)
{
    public async Task<string> GrantAsync(StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        var session = stripeEvent.Object;
        var sessionId = session.Str("id") ?? throw new InvalidOperationException("The Checkout Session has no id.");
        var tenantId = await tenants.ResolveAsync(session, cancellationToken);
        // The pack key is metadata we set when we created the session; the browser never sees or sends it.
        var packKey = session.Str("metadata", StripeMetadata.Pack);
        var pack = (packKey is null ? null : options.Value.FindPack(packKey))
                   ?? throw new InvalidOperationException($"Session {sessionId} names pack '{packKey}', which is not configured.");
        var grant = new BillingGrant
        {
            Source = sessionId,
            Kind = BillingGrantKind.Pack,
            ProductKey = pack.Key,
            Credits = pack.Credits,
            PaymentIntentId = session.Str("payment_intent"),
            AmountPaid = session.Long("amount_total") ?? 0,
            Currency = session.Str("currency"),
            StripeEventId = stripeEvent.Id,
        };
        return await grants.GrantAsync(tenantId, grant, $"Credit pack '{pack.Name}' ({sessionId})", cancellationToken);
    }
}
