using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Billing;
using SdPortal.Web.Billing.Gateway;

namespace SdPortal.Web.Billing.Purchases;

/// <summary>
/// The tenant's Stripe customer: created once (idempotency key per tenant, so two racing first checkouts get one
/// customer from Stripe) and linked in <see cref="BillingAccount"/>; every later checkout reuses it.
/// </summary>
internal sealed class BillingCustomers(PortalDbContext db, IStripeGateway stripe, TimeProvider time, ILogger<BillingCustomers> logger)
{
    public async Task<string> EnsureAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken)
    {
        if (await FindAsync(cancellationToken) is { } existing)
        {
            return existing;
        }

        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == tenantId, cancellationToken);
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(cancellationToken);
        var customerId = await stripe.CreateCustomerAsync(new NewCustomer(tenantId, tenant.Name, email), $"customer:{tenantId:N}", cancellationToken);
        var account = new BillingAccount { TenantId = tenantId, StripeCustomerId = customerId, CreatedAtUtc = time.GetUtcNow().UtcDateTime };
        db.BillingAccounts.Add(account);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            logger.LogInformation("Linked Stripe customer {CustomerId} to tenant {TenantId}", customerId, tenantId);
            return customerId;
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // A concurrent first checkout linked the customer first (the idempotency key made it the same one).
            db.Entry(account).State = EntityState.Detached;
            return await FindAsync(cancellationToken)
                   ?? throw new InvalidOperationException($"Tenant {tenantId}'s billing account collided but is not stored.", ex);
        }
    }

    private Task<string?> FindAsync(CancellationToken ct) =>
        db.BillingAccounts.AsNoTracking().Select(a => a.StripeCustomerId).SingleOrDefaultAsync(ct);
}
