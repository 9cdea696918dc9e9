using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Tenancy;
using SdPortal.Web.Billing.Gateway;

namespace SdPortal.Web.Billing.Handlers;

/// <summary>
/// Finds the tenant a Stripe object belongs to from server-side data only (R7): the customer we created and linked.
/// The tenant id we put in metadata and <c>client_reference_id</c> at creation is a cross-check; when it disagrees with
/// the customer's tenant, nobody is credited.
/// </summary>
internal sealed class BillingTenantResolver(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<Guid> ResolveAsync(JsonElement stripeObject, CancellationToken cancellationToken)
    {
        var customer = stripeObject.Str("customer")
            ?? throw new BillingAttributionException($"Stripe object {stripeObject.Str("id")} has no customer.");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // The webhook acts for no tenant yet: this lookup is the one place that reads accounts across tenants.
        var tenantId = await db.BillingAccounts.IgnoreQueryFilters([TenantIsolation.FilterName])
            .Where(a => a.StripeCustomerId == customer).Select(a => (Guid?)a.TenantId).SingleOrDefaultAsync(cancellationToken)
            ?? throw new BillingAttributionException($"Stripe customer {customer} is not linked to any tenant.");

        foreach (var claimed in new[] { stripeObject.Str("metadata", StripeMetadata.TenantId), stripeObject.Str("client_reference_id") })
        {
            if (claimed is not null && (!Guid.TryParse(claimed, out var claimedId) || claimedId != tenantId))
            {
                throw new BillingAttributionException(
                    $"Stripe object {stripeObject.Str("id")} names tenant '{claimed}' but its customer {customer} belongs to {tenantId}.");
            }
        }

        return tenantId;
    }
}
