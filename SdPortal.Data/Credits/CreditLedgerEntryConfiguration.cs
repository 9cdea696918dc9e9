using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SdPortal.Data.Entities;

namespace SdPortal.Data.Credits;

internal sealed class CreditLedgerEntryConfiguration : IEntityTypeConfiguration<CreditLedgerEntry>
{
    public void Configure(EntityTypeBuilder<CreditLedgerEntry> builder)
    {
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.IdempotencyKey).HasMaxLength(200);
        builder.Property(e => e.Reason).HasMaxLength(500);
        builder.HasIndex(e => new { e.TenantId, e.IdempotencyKey }).IsUnique();
        builder.HasIndex(e => new { e.TenantId, e.JobId });
        builder.HasIndex(e => new { e.TenantId, e.CreatedAtUtc });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
