using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SdPortal.Data.Entities;

namespace SdPortal.Data.Adapters;

internal sealed class LoraAdapterConfiguration : IEntityTypeConfiguration<LoraAdapter>
{
    public void Configure(EntityTypeBuilder<LoraAdapter> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(LoraAdapter.MaxNameLength);
        builder.Property(a => a.NormalizedName).HasMaxLength(LoraAdapter.MaxNameLength);
        builder.Property(a => a.TriggerWords).HasMaxLength(LoraAdapter.MaxTriggerWordsLength);
        builder.Property(a => a.ContentPath).HasMaxLength(400);
        builder.Property(a => a.ContentHash).HasMaxLength(64);
        builder.Property(a => a.Format).HasMaxLength(8);
        builder.Property(a => a.PreviewPath).HasMaxLength(400);
        builder.Property(a => a.PreviewFormat).HasMaxLength(8);
        // The database is the judge of "name taken": two uploads racing for one name cannot both win.
        builder.HasIndex(a => new { a.TenantId, a.NormalizedName }).IsUnique();
        builder.HasIndex(a => new { a.TenantId, a.UserId });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
