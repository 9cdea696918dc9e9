using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Billing;
using SdPortal.Data.Tenancy;
using SdPortal.Web.Billing.Configuration;

namespace SdPortal.Web.Billing.Handlers;

/// <summary>
/// <c>invoice.paid</c>: the period's plan credits, once per invoice id. Only the first invoice of a subscription and
/// each renewal carry credits; proration invoices of a plan change do not. Clears a past-due mark of this invoice.
/// </summary>
internal sealed class InvoicePaidHandler(
    BillingTenantResolver tenants, BillingGrants grants, IServiceScopeFactory scopes, IOptions<BillingOptions> options) : IStripeEventHandler
{
    private static readonly string[] CreditedReasons = ["subscription_create", "subscription_cycle"];

    public string EventType => "invoice.paid";

    public async Task<string> HandleAsync(StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        var invoice = stripeEvent.Object;
        var invoiceId = invoice.Str("id") ?? throw new InvalidOperationException("The invoice has no id.");
        var tenantId = await tenants.ResolveAsync(invoice, cancellationToken);
        await InvoiceStanding.ClearPastDueAsync(scopes, tenantId, invoiceId, cancellationToken);

        var reason = invoice.Str("billing_reason");
        if (reason is not null && !CreditedReasons.Contains(reason))
        {
            return $"invoice {invoiceId} ({reason}) carries no plan credits";
        }

        var plan = PlanPrices(invoice).Select(options.Value.FindPlanByPrice).FirstOrDefault(p => p is not null);
        if (plan is null || plan.MonthlyCredits == 0)
        {
            return $"invoice {invoiceId} is for no configured plan with credits";
        }

        var grant = new BillingGrant
        {
            Source = invoiceId,
            Kind = BillingGrantKind.Plan,
            ProductKey = plan.Key,
            Credits = plan.MonthlyCredits,
            // Older API versions name the payment on the invoice; newer ones only in invoice payments.
            PaymentIntentId = invoice.Str("payment_intent"),
            AmountPaid = invoice.Long("amount_paid") ?? 0,
            Currency = invoice.Str("currency"),
            StripeEventId = stripeEvent.Id,
        };
        return await grants.GrantAsync(tenantId, grant, $"Plan '{plan.Name}' credits ({invoiceId})", cancellationToken);
    }

    /// <summary>The price ids on the invoice's lines, in the shapes of recent and older API versions.</summary>
    private static IEnumerable<string> PlanPrices(JsonElement invoice) => invoice.List("lines")
        .Select(line => line.Str("pricing", "price_details", "price") ?? line.Str("price"))
        .OfType<string>();
}

/// <summary><c>invoice.payment_failed</c>: marks the account past due until this invoice is paid.</summary>
internal sealed class InvoicePaymentFailedHandler(BillingTenantResolver tenants, BillingGrants grants, IServiceScopeFactory scopes)
    : IStripeEventHandler
{
    public string EventType => "invoice.payment_failed";

    public async Task<string> HandleAsync(StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        var invoiceId = stripeEvent.Object.Str("id") ?? throw new InvalidOperationException("The invoice has no id.");
        var tenantId = await tenants.ResolveAsync(stripeEvent.Object, cancellationToken);
        if (await grants.ExistsAsync(tenantId, invoiceId, cancellationToken))
        {
            return $"invoice {invoiceId} of tenant {tenantId} is already paid; a late failure changes nothing";
        }

        await using var scope = scopes.CreateTenantScope(tenantId);
        await scope.ServiceProvider.GetRequiredService<PortalDbContext>().BillingAccounts
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PastDueInvoiceId, invoiceId), cancellationToken);
        return $"tenant {tenantId} is past due on invoice {invoiceId}";
    }
}

internal static class InvoiceStanding
{
    public static async Task ClearPastDueAsync(IServiceScopeFactory scopes, Guid tenantId, string invoiceId, CancellationToken ct)
    {
        await using var scope = scopes.CreateTenantScope(tenantId);
        await scope.ServiceProvider.GetRequiredService<PortalDbContext>().BillingAccounts
            .Where(a => a.PastDueInvoiceId == invoiceId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.PastDueInvoiceId, (string?)null), ct);
    }
}
