using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SdPortal.Data.Billing;

/// <summary>
/// A Stripe webhook event as received: stored raw before processing so nothing is lost, and unique by event id so a
/// redelivery is recognised. Not tenant-owned: the tenant is only known after the event is parsed.
/// </summary>
public sealed class ProcessedStripeEvent
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>Stripe's event id (<c>evt_…</c>), unique.</summary>
    public required string EventId { get; set; }

    public required string Type { get; set; }

    /// <summary>The request body exactly as received.</summary>
    public required string Payload { get; set; }

    public DateTime ReceivedAtUtc { get; set; }

    /// <summary>Set when a handler finished; null while pending or failing.</summary>
    public DateTime? ProcessedAtUtc { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }
}

internal sealed class ProcessedStripeEventConfiguration : IEntityTypeConfiguration<ProcessedStripeEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedStripeEvent> builder)
    {
        builder.Property(e => e.EventId).HasMaxLength(255);
        builder.HasIndex(e => e.EventId).IsUnique();
        builder.Property(e => e.Type).HasMaxLength(128);
        builder.Property(e => e.LastError).HasMaxLength(4000);
    }
}
