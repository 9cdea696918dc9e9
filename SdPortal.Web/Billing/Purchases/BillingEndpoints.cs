using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Web.Api;
using SdPortal.Web.Api.Access;
using SdPortal.Web.Billing.Configuration;

namespace SdPortal.Web.Billing.Purchases;

/// <summary><c>/api/v1/billing</c> for the tenant's owners and admins: summary, checkout and the customer portal.</summary>
internal static class BillingEndpoints
{
    public static void MapBillingEndpoints(this RouteGroupBuilder billing)
    {
        billing.MapGet(string.Empty, GetAsync);
        billing.MapPost("/checkout", (CheckoutRequest request, CheckoutHandler handler, HttpContext http) => handler.CreateAsync(request, http));
        billing.MapPost("/portal", (CheckoutHandler handler, HttpContext http) => handler.CreatePortalAsync(http));
    }

    private static async Task<IResult> GetAsync(
        PortalDbContext db, PortalCaller caller, IOptions<BillingOptions> billing, IOptions<StripeOptions> stripe, CancellationToken ct)
    {
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == caller.TenantId, ct);
        var balance = await db.TenantLimits.Select(l => l.CreditBalance).SingleAsync(ct);
        var account = await db.BillingAccounts.AsNoTracking().SingleOrDefaultAsync(ct);
        var subscription = await db.BillingSubscriptions.AsNoTracking().OrderByDescending(s => s.StripeCreatedUnix)
            .Select(s => new SubscriptionResponse(s.StripeSubscriptionId, s.Status, s.PlanKey, s.CurrentPeriodEndUtc))
            .FirstOrDefaultAsync(ct);
        var grants = await db.BillingGrants.AsNoTracking().OrderByDescending(g => g.CreatedAtUtc).Take(20)
            .Select(g => new GrantResponse(g.Source, g.Kind, g.ProductKey, g.Credits, g.ReversedCredits, g.AmountPaid, g.Currency, g.CreatedAtUtc))
            .ToListAsync(ct);
        var pastDue = account?.PastDueInvoiceId is not null || subscription?.Status is "past_due" or "unpaid";
        var options = billing.Value;
        return TypedResults.Ok(new BillingResponse(
            stripe.Value.CanCallApi, balance, tenant.Plan, pastDue, subscription, grants,
            [.. options.Plans.Where(p => !string.IsNullOrEmpty(p.StripePriceId)).Select(p => new ProductResponse(p.Key, p.Name, p.MonthlyCredits))],
            [.. options.Packs.Select(p => new ProductResponse(p.Key, p.Name, p.Credits))]));
    }
}

/// <summary>Only a tenant's owners and admins see and change its billing.</summary>
internal sealed class BillingAdminFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.RequestServices.GetRequiredService<PortalCaller>().IsAdmin
            ? await next(context)
            : ApiProblems.Forbidden("Only the tenant's owners and admins manage billing.");
}
