using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SdPortal.Data.Entities;
using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Audit;

/// <summary>An administrative action taken on a tenant (limits, credits, status, members), written with the change.</summary>
public sealed class AuditLogEntry : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    /// <summary>Who acted: an operator or a tenant admin.</summary>
    public Guid ActorUserId { get; set; }

    /// <summary>A dotted action name, e.g. "credits.granted".</summary>
    public required string Action { get; set; }

    /// <summary>Human-readable details (amounts, old and new values, reasons).</summary>
    public required string Details { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

internal sealed class AuditLogEntryConfiguration : IEntityTypeConfiguration<AuditLogEntry>
{
    public void Configure(EntityTypeBuilder<AuditLogEntry> builder)
    {
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.Details).HasMaxLength(2000);
        builder.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
