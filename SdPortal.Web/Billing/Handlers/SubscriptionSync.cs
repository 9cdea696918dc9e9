using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Billing;
using SdPortal.Data.Tenancy;
using SdPortal.Web.Billing.Configuration;

namespace SdPortal.Web.Billing.Handlers;

/// <summary>
/// Keeps <see cref="BillingSubscription"/> equal to Stripe's latest state whatever order events arrive in (R4): a
/// snapshot replaces the row only when its event is newer (ties broken by status progress), a deleted subscription is
/// terminal, and the tenant's plan and limits are then derived from all its rows (<see cref="TenantPlanSync"/>).
/// </summary>
internal sealed class SubscriptionSync(
    BillingTenantResolver tenants, IServiceScopeFactory scopes, IOptions<BillingOptions> options, TimeProvider time)
{
    private static readonly string[] TerminalStatuses = ["canceled", "incomplete_expired"];

    public async Task<string> ApplyAsync(StripeEvent stripeEvent, bool deleted, CancellationToken cancellationToken)
    {
        var subscription = stripeEvent.Object;
        var subscriptionId = subscription.Str("id") ?? throw new InvalidOperationException("The subscription has no id.");
        var status = deleted ? "canceled" : subscription.Str("status") ?? throw new InvalidOperationException("The subscription has no status.");
        var tenantId = await tenants.ResolveAsync(subscription, cancellationToken);
        var firstItem = subscription.List("items").FirstOrDefault();
        var priceId = firstItem.ValueKind == System.Text.Json.JsonValueKind.Object ? firstItem.Str("price") : null;

        await using var scope = scopes.CreateTenantScope(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.BillingSubscriptions.SingleOrDefaultAsync(s => s.StripeSubscriptionId == subscriptionId, cancellationToken);
        if (row is null)
        {
            row = new BillingSubscription { StripeSubscriptionId = subscriptionId, Status = status, TenantId = tenantId };
            db.BillingSubscriptions.Add(row);
        }
        else if (row.IsTerminal)
        {
            return $"subscription {subscriptionId} of tenant {tenantId} is already deleted; {stripeEvent.Type} ignored";
        }
        else if (!deleted && !IsNewer(stripeEvent.Created, status, row))
        {
            return $"subscription {subscriptionId}: snapshot of {stripeEvent.Created} ({status}) is older than the applied one; ignored";
        }

        row.Status = status;
        row.IsTerminal = deleted || TerminalStatuses.Contains(status);
        row.PlanKey = priceId is null ? row.PlanKey : options.Value.FindPlanByPrice(priceId)?.Key;
        row.StripeCreatedUnix = subscription.Long("created") ?? row.StripeCreatedUnix;
        row.LastEventUnix = Math.Max(row.LastEventUnix, stripeEvent.Created);
        row.CurrentPeriodEndUtc = (firstItem.ValueKind == System.Text.Json.JsonValueKind.Object ? firstItem.UnixTime("current_period_end") : null)
                                  ?? subscription.UnixTime("current_period_end") ?? row.CurrentPeriodEndUtc;
        row.UpdatedAtUtc = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        var plan = await TenantPlanSync.ApplyAsync(db, tenantId, options.Value, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return $"subscription {subscriptionId} of tenant {tenantId} is {status}{(row.IsTerminal ? " (terminal)" : string.Empty)}; plan {plan}";
    }

    private static bool IsNewer(long eventCreated, string status, BillingSubscription row) =>
        eventCreated > row.LastEventUnix || (eventCreated == row.LastEventUnix && Rank(status) > Rank(row.Status));

    /// <summary>Progress of a subscription, for events created in the same second.</summary>
    private static int Rank(string status) => status switch
    {
        "incomplete" => 0,
        "trialing" => 1,
        "active" => 2,
        "past_due" => 3,
        "unpaid" => 4,
        "paused" => 5,
        _ => 6,
    };
}

/// <summary>Derives a tenant's plan and limits from its subscriptions: the newest live one wins; none means free.</summary>
internal static class TenantPlanSync
{
    private static readonly string[] LiveStatuses = ["active", "trialing", "past_due"];

    public static async Task<string> ApplyAsync(PortalDbContext db, Guid tenantId, BillingOptions billing, CancellationToken ct)
    {
        var planKey = await db.BillingSubscriptions
            .Where(s => !s.IsTerminal && s.PlanKey != null && LiveStatuses.Contains(s.Status))
            .OrderByDescending(s => s.StripeCreatedUnix).Select(s => s.PlanKey).FirstOrDefaultAsync(ct) ?? "free";
        var plan = billing.FindPlan(planKey);
        var defaults = new SdPortal.Data.Tenants.TenantLimits();
        var tenant = await db.Tenants.SingleAsync(t => t.Id == tenantId, ct);
        var limits = await db.TenantLimits.SingleAsync(ct);
        tenant.Plan = planKey;
        limits.MonthlyIncludedCredits = plan?.MonthlyCredits ?? defaults.MonthlyIncludedCredits;
        limits.MaxConcurrentJobs = plan?.MaxConcurrentJobs ?? defaults.MaxConcurrentJobs;
        limits.MaxImageSide = plan?.MaxImageSide ?? defaults.MaxImageSide;
        limits.MaxSteps = plan?.MaxSteps ?? defaults.MaxSteps;
        limits.MaxBatch = plan?.MaxBatch ?? defaults.MaxBatch;
        limits.MaxAdapters = plan?.EffectiveMaxAdapters ?? defaults.MaxAdapters;
        limits.MaxAdapterBytes = plan?.MaxAdapterBytes ?? defaults.MaxAdapterBytes;
        await db.SaveChangesAsync(ct);
        return planKey;
    }
}
