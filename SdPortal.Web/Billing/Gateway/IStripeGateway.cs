namespace SdPortal.Web.Billing.Gateway;

/// <summary>
/// The few Stripe API calls the portal makes. Every call creates something, so every call takes an idempotency key:
/// a retry after a timeout returns the object the first attempt created instead of a second one.
/// </summary>
public interface IStripeGateway
{
    /// <summary>Creates the tenant's Stripe customer, with the tenant id in its metadata; answers its id.</summary>
    Task<string> CreateCustomerAsync(NewCustomer customer, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Creates a Checkout Session for a pack (payment) or a plan (subscription).</summary>
    Task<StripeRedirect> CreateCheckoutSessionAsync(NewCheckoutSession session, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Creates a customer-portal session where the customer manages payment methods and the subscription.</summary>
    Task<StripeRedirect> CreatePortalSessionAsync(string customerId, string returnUrl, string idempotencyKey, CancellationToken cancellationToken);
}

/// <summary>What a checkout buys.</summary>
public enum CheckoutKind
{
    Pack,
    Subscription,
}

public sealed record NewCustomer(Guid TenantId, string TenantName, string? Email);

/// <summary>A Checkout Session as the portal creates it; the tenant id goes into metadata and client_reference_id.</summary>
public sealed record NewCheckoutSession(
    Guid TenantId, string CustomerId, CheckoutKind Kind, string ProductKey, string PriceId, string SuccessUrl, string CancelUrl);

/// <summary>A Stripe object the browser is sent to.</summary>
public sealed record StripeRedirect(string Id, string Url);

/// <summary>The metadata keys the portal sets on Stripe objects at creation (never from client input).</summary>
public static class StripeMetadata
{
    public const string TenantId = "tenant_id";

    public const string Pack = "pack";

    public const string Plan = "plan";
}
