using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Web.Api.Access;
using SdPortal.Web.Billing.Configuration;

namespace SdPortal.Web.Billing.Purchases;

/// <summary>The caller's tenant's billing summary and ledger, for <c>GET /api/v1/billing</c> and the Billing page.</summary>
internal sealed class BillingSummaryReader(
    PortalDbContext db, PortalCaller caller, IOptions<BillingOptions> billing, IOptions<StripeOptions> stripe)
{
    public async Task<BillingResponse> ReadAsync(CancellationToken ct)
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
        return new BillingResponse(
            stripe.Value.CanCallApi, balance, tenant.Plan, pastDue, subscription, grants,
            [.. options.Plans.Where(p => !string.IsNullOrEmpty(p.StripePriceId)).Select(p => new ProductResponse(p.Key, p.Name, p.MonthlyCredits))],
            [.. options.Packs.Select(p => new ProductResponse(p.Key, p.Name, p.Credits))]);
    }

    /// <summary>The newest ledger entries, <paramref name="pageSize"/> at a time, newest first; each job's cost shows here.</summary>
    public Task<List<CreditLedgerEntry>> ReadLedgerAsync(int page, int pageSize, CancellationToken ct) =>
        db.CreditLedger.AsNoTracking().OrderByDescending(e => e.CreatedAtUtc).ThenByDescending(e => e.Id)
            .Skip(page * pageSize).Take(pageSize).ToListAsync(ct);

    /// <summary>How many ledger entries the tenant has, for paging.</summary>
    public Task<int> CountLedgerAsync(CancellationToken ct) => db.CreditLedger.CountAsync(ct);
}
