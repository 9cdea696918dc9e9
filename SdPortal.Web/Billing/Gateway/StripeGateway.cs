using Microsoft.Extensions.Options;
using SdPortal.Web.Billing.Configuration;
using Stripe;
using Stripe.Checkout;

namespace SdPortal.Web.Billing.Gateway;

/// <summary><see cref="IStripeGateway"/> on Stripe.net, against <see cref="StripeOptions.ApiBase"/>.</summary>
internal sealed class StripeGateway(IOptions<StripeOptions> options, IHttpClientFactory httpClients, ILogger<StripeGateway> logger)
    : IStripeGateway
{
    public const string HttpClientName = "Stripe";

    private readonly Lazy<StripeClient> _client = new(() => CreateClient(options.Value, httpClients));

    public async Task<string> CreateCustomerAsync(NewCustomer customer, string idempotencyKey, CancellationToken cancellationToken)
    {
        var created = await new CustomerService(_client.Value).CreateAsync(
            new CustomerCreateOptions
            {
                Name = customer.TenantName,
                Email = customer.Email,
                Metadata = new Dictionary<string, string> { [StripeMetadata.TenantId] = customer.TenantId.ToString() },
            },
            new RequestOptions { IdempotencyKey = idempotencyKey },
            cancellationToken);
        logger.LogInformation("Created Stripe customer {CustomerId} for tenant {TenantId}", created.Id, customer.TenantId);
        return created.Id;
    }

    public async Task<StripeRedirect> CreateCheckoutSessionAsync(NewCheckoutSession session, string idempotencyKey, CancellationToken cancellationToken)
    {
        var tenant = session.TenantId.ToString();
        var metadata = new Dictionary<string, string>
        {
            [StripeMetadata.TenantId] = tenant,
            [session.Kind == CheckoutKind.Pack ? StripeMetadata.Pack : StripeMetadata.Plan] = session.ProductKey,
        };
        var create = new SessionCreateOptions
        {
            Mode = session.Kind == CheckoutKind.Pack ? "payment" : "subscription",
            Customer = session.CustomerId,
            ClientReferenceId = tenant,
            Metadata = metadata,
            LineItems = [new SessionLineItemOptions { Price = session.PriceId, Quantity = 1 }],
            SuccessUrl = session.SuccessUrl,
            CancelUrl = session.CancelUrl,
        };
        if (session.Kind == CheckoutKind.Pack)
        {
            create.PaymentIntentData = new SessionPaymentIntentDataOptions { Metadata = new Dictionary<string, string>(metadata) };
        }
        else
        {
            create.SubscriptionData = new SessionSubscriptionDataOptions { Metadata = new Dictionary<string, string>(metadata) };
        }

        var created = await new SessionService(_client.Value).CreateAsync(
            create, new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);
        logger.LogInformation("Created Checkout Session {SessionId} ({Kind} {Product}) for tenant {TenantId}",
            created.Id, session.Kind, session.ProductKey, session.TenantId);
        return new StripeRedirect(created.Id, created.Url);
    }

    public async Task<StripeRedirect> CreatePortalSessionAsync(
        string customerId, string returnUrl, string idempotencyKey, CancellationToken cancellationToken)
    {
        var created = await new Stripe.BillingPortal.SessionService(_client.Value).CreateAsync(
            new Stripe.BillingPortal.SessionCreateOptions { Customer = customerId, ReturnUrl = returnUrl },
            new RequestOptions { IdempotencyKey = idempotencyKey },
            cancellationToken);
        return new StripeRedirect(created.Id, created.Url);
    }

    private static StripeClient CreateClient(StripeOptions stripe, IHttpClientFactory httpClients)
    {
        if (!stripe.CanCallApi)
        {
            throw new InvalidOperationException("Stripe:SecretKey is not set; billing purchases are disabled.");
        }

        return new StripeClient(new StripeClientOptions
        {
            ApiKey = stripe.SecretKey,
            ApiBase = stripe.ApiBase.TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(httpClients.CreateClient(HttpClientName)),
        });
    }
}
