using Microsoft.Extensions.Options;
using SdPortal.Web.Api;
using SdPortal.Web.Api.Access;
using SdPortal.Web.Billing.Configuration;
using SdPortal.Web.Billing.Gateway;
using SdPortal.Web.Billing.Handlers;
using SdPortal.Web.Billing.Processing;
using SdPortal.Web.Billing.Purchases;
using SdPortal.Web.Billing.Webhook;

namespace SdPortal.Web.Billing;

/// <summary>Billing with Stripe: purchases, the webhook, and the processing of stored events. See ADR-006 and ADR-007.</summary>
public static class BillingExtensions
{
    /// <summary>Adds the options (validated on start), the Stripe gateway, the event pipeline and one handler per event type.</summary>
    public static IHostApplicationBuilder AddBilling(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BillingOptions>, BillingOptionsValidator>();
        services.AddSingleton<IValidateOptions<StripeOptions>, StripeOptionsValidator>();

        services.AddHttpClient(StripeGateway.HttpClientName);
        services.AddSingleton<IStripeGateway, StripeGateway>();
        services.AddScoped<BillingCustomers>();
        services.AddScoped<CheckoutHandler>();
        services.AddScoped<BillingSummaryReader>();

        services.AddSingleton<StripeSignatureVerifier>();
        services.AddScoped<StripeEventStore>(); // uses the scoped context factory (tenant context per scope)
        services.AddSingleton<StripeEventQueue>();
        services.AddHostedService<StripeEventProcessor>();
        services.AddHostedService<StripeEventSweeper>();
        services.AddScoped<StripeEventDispatcher>();

        services.AddScoped<BillingTenantResolver>();
        services.AddScoped<BillingGrants>();
        services.AddScoped<PackFulfilment>();
        services.AddScoped<SubscriptionSync>();
        services.AddScoped<IStripeEventHandler, CheckoutSessionCompletedHandler>();
        services.AddScoped<IStripeEventHandler, CheckoutSessionAsyncPaymentSucceededHandler>();
        services.AddScoped<IStripeEventHandler, CheckoutSessionAsyncPaymentFailedHandler>();
        services.AddScoped<IStripeEventHandler, InvoicePaidHandler>();
        services.AddScoped<IStripeEventHandler, InvoicePaymentFailedHandler>();
        services.AddScoped<IStripeEventHandler, SubscriptionCreatedHandler>();
        services.AddScoped<IStripeEventHandler, SubscriptionUpdatedHandler>();
        services.AddScoped<IStripeEventHandler, SubscriptionDeletedHandler>();
        services.AddScoped<IStripeEventHandler, ChargeRefundedHandler>();
        return builder;
    }

    /// <summary>Maps <c>/api/v1/billing</c> (owners and admins of the caller's tenant) and the anonymous Stripe webhook.</summary>
    public static WebApplication MapBilling(this WebApplication app)
    {
        var billing = app.MapGroup("/api/v1/billing").WithTags("Billing").WithBodyLimit(RequestBodyLimits.Json);
        billing.MapPost("/stripe/webhook", StripeWebhookEndpoint.HandleAsync).WithBodyLimit(RequestBodyLimits.StripeWebhook).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        billing.MapGroup(string.Empty).RequireAuthorization()
            .AddEndpointFilter<TenantMemberFilter>().AddEndpointFilter<BillingAdminFilter>()
            .MapBillingEndpoints();
        return app;
    }
}
