using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SdPortal.Data.Entities;

namespace SdPortal.Data.Tenants;

internal sealed class TenantLimitsConfiguration : IEntityTypeConfiguration<TenantLimits>
{
    public void Configure(EntityTypeBuilder<TenantLimits> builder)
    {
        builder.HasKey(l => l.TenantId);
        builder.HasOne<Tenant>().WithOne().HasForeignKey<TenantLimits>(l => l.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TenantInvitationConfiguration : IEntityTypeConfiguration<TenantInvitation>
{
    public void Configure(EntityTypeBuilder<TenantInvitation> builder)
    {
        builder.Property(i => i.Email).HasMaxLength(256);
        builder.Property(i => i.Role).HasConversion<string>().HasMaxLength(16);
        builder.Property(i => i.TokenHash).HasMaxLength(64);
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.HasOne<Tenant>().WithMany().HasForeignKey(i => i.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
