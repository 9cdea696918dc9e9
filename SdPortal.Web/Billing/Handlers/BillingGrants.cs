using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Billing;
using SdPortal.Data.Credits;
using SdPortal.Data.Tenancy;

namespace SdPortal.Web.Billing.Handlers;

/// <summary>
/// Grants bought credits exactly once: the ledger grant (idempotency key = the session or invoice id) and the
/// <see cref="BillingGrant"/> receipt commit together, so a retry or duplicate finds the key used and adds nothing.
/// </summary>
internal sealed class BillingGrants(IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task<string> GrantAsync(Guid tenantId, BillingGrant grant, string reason, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateTenantScope(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var ledger = scope.ServiceProvider.GetRequiredService<ICreditLedger>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await ledger.GrantAsync(tenantId, grant.Credits, grant.Source, reason, cancellationToken);
        if (result.Outcome != CreditOutcome.Applied)
        {
            return $"{grant.Credits} credits for {grant.Source} were already granted to tenant {tenantId} ({result.Outcome})";
        }

        grant.TenantId = tenantId;
        grant.CreatedAtUtc = time.GetUtcNow().UtcDateTime;
        db.BillingGrants.Add(grant);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return $"granted {grant.Credits} credits ({grant.Kind} {grant.ProductKey}, {grant.Source}) to tenant {tenantId}";
    }

    /// <summary>True when the source (a session or invoice id) was already credited.</summary>
    public async Task<bool> ExistsAsync(Guid tenantId, string source, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateTenantScope(tenantId);
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().BillingGrants
            .AnyAsync(g => g.Source == source, cancellationToken);
    }
}
