using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Tenancy;

namespace SdPortal.Web.Billing.Handlers;

/// <summary>
/// <c>charge.refunded</c>: takes back the credits of the refunded share of a grant with a ledger adjustment, once per
/// (charge, refunded amount) — a second partial refund reverses only the difference. Credits already spent cannot go
/// below zero: the reversal is capped at the balance and the shortfall logged.
/// </summary>
internal sealed class ChargeRefundedHandler(BillingTenantResolver tenants, IServiceScopeFactory scopes, ILogger<ChargeRefundedHandler> logger)
    : IStripeEventHandler
{
    public string EventType => "charge.refunded";

    public async Task<string> HandleAsync(StripeEvent stripeEvent, CancellationToken cancellationToken)
    {
        var charge = stripeEvent.Object;
        var chargeId = charge.Str("id") ?? throw new InvalidOperationException("The charge has no id.");
        var paymentIntent = charge.Str("payment_intent");
        var invoice = charge.Str("invoice");
        var (amount, refunded) = (charge.Long("amount") ?? 0, charge.Long("amount_refunded") ?? 0);
        var tenantId = await tenants.ResolveAsync(charge, cancellationToken);

        await using var scope = scopes.CreateTenantScope(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var grant = await db.BillingGrants.SingleOrDefaultAsync(
                g => (paymentIntent != null && g.PaymentIntentId == paymentIntent) || (invoice != null && g.Source == invoice), cancellationToken)
            // Refunds follow grants by minutes or days; if the grant is not here yet, retry rather than lose the refund.
            ?? throw new InvalidOperationException($"No credits were granted for charge {chargeId} (payment {paymentIntent}) yet.");
        if (amount <= 0 || refunded <= 0)
        {
            return $"charge {chargeId} has nothing refunded";
        }

        var target = grant.Credits * Math.Min(refunded, amount) / amount;
        var missing = target - grant.ReversedCredits;
        if (missing <= 0)
        {
            return $"refund of charge {chargeId} ({refunded}/{amount}) was already reversed";
        }

        var ledger = scope.ServiceProvider.GetRequiredService<ICreditLedger>();
        var balance = await ledger.GetBalanceAsync(tenantId, cancellationToken);
        var reverse = Math.Min(missing, balance);
        if (reverse < missing)
        {
            logger.LogWarning("Refund of charge {ChargeId}: tenant {TenantId} spent {Shortfall} of the refunded credits; reversing {Reverse}",
                chargeId, tenantId, missing - reverse, reverse);
        }

        if (reverse > 0)
        {
            var result = await ledger.AdjustAsync(tenantId, -reverse, $"refund:{chargeId}:{refunded}",
                $"Refund of {grant.Source} ({refunded}/{amount})", cancellationToken);
            if (result.Outcome == CreditOutcome.Replayed)
            {
                return $"refund of charge {chargeId} ({refunded}/{amount}) was already adjusted";
            }

            if (result.Outcome != CreditOutcome.Applied)
            {
                // The balance moved under us (a reservation); the retry recomputes the cap.
                throw new InvalidOperationException($"Reversing {reverse} credits for charge {chargeId} was refused: {result.Outcome}.");
            }
        }

        // Counted as reversed even when capped, so a redelivery does not claw back credits bought later.
        grant.ReversedCredits += missing;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return $"reversed {reverse} of {grant.Credits} credits of {grant.Source} for tenant {tenantId} (charge {chargeId})";
    }
}
