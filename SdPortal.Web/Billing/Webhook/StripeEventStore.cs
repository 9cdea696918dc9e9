using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Billing;

namespace SdPortal.Web.Billing.Webhook;

/// <summary>What storing an event found.</summary>
internal sealed record StoredStripeEvent(Guid RowId, bool IsNew, bool IsProcessed);

/// <summary>
/// Stores a verified event's raw body, once per Stripe event id. Concurrent deliveries of one event race on the unique
/// index; the loser's unique violation means "already stored" and it answers the winner's row.
/// </summary>
internal sealed class StripeEventStore(IDbContextFactory<PortalDbContext> contexts, TimeProvider time)
{
    public async Task<StoredStripeEvent> StoreAsync(StripeEventEnvelope envelope, string body, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await FindAsync(db, envelope.Id, cancellationToken) is { } existing)
        {
            return existing;
        }

        var row = new ProcessedStripeEvent
        {
            EventId = envelope.Id,
            Type = envelope.Type,
            Payload = body,
            ReceivedAtUtc = time.GetUtcNow().UtcDateTime,
        };
        db.StripeEvents.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new StoredStripeEvent(row.Id, IsNew: true, IsProcessed: false);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            db.Entry(row).State = EntityState.Detached;
            return await FindAsync(db, envelope.Id, cancellationToken)
                   ?? throw new InvalidOperationException($"Stripe event {envelope.Id} collided on insert but is not stored.", ex);
        }
    }

    private static async Task<StoredStripeEvent?> FindAsync(PortalDbContext db, string eventId, CancellationToken ct) =>
        await db.StripeEvents.AsNoTracking().Where(e => e.EventId == eventId)
            .Select(e => new StoredStripeEvent(e.Id, false, e.ProcessedAtUtc != null))
            .SingleOrDefaultAsync(ct);
}
