using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SdPortal.Data.Entities;

namespace SdPortal.Data.Inputs;

internal sealed class InputImageConfiguration : IEntityTypeConfiguration<InputImage>
{
    public void Configure(EntityTypeBuilder<InputImage> builder)
    {
        builder.Property(i => i.Format).HasMaxLength(8);
        builder.Property(i => i.ContentPath).HasMaxLength(400);
        builder.Property(i => i.ContentHash).HasMaxLength(64);
        builder.HasIndex(i => new { i.TenantId, i.UserId, i.CreatedAtUtc });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(i => i.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}
