using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SdPortal.Data.Entities;

namespace SdPortal.Data.Generation;

internal sealed class GenerationJobConfiguration : IEntityTypeConfiguration<GenerationJob>
{
    public void Configure(EntityTypeBuilder<GenerationJob> builder)
    {
        builder.Property(j => j.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(j => j.Prompt).HasMaxLength(4000);
        builder.Property(j => j.Model).HasMaxLength(128);
        builder.Property(j => j.Error).HasMaxLength(2000);
        builder.Property(j => j.Warnings).HasMaxLength(2000);
        builder.Property(j => j.WorkerName).HasMaxLength(200);
        builder.Property(j => j.TimingsJson).HasMaxLength(1000);
        builder.Property(j => j.TraceParent).HasMaxLength(64); // 55 characters in W3C version 00
        builder.HasIndex(j => new { j.TenantId, j.Status });
        // The dispatcher's scan: queued and in-flight jobs of every tenant, oldest first.
        builder.HasIndex(j => new { j.Status, j.CreatedAtUtc });
        builder.HasIndex(j => new { j.TenantId, j.CreatedAtUtc });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(j => j.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(j => j.UserId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class GeneratedImageConfiguration : IEntityTypeConfiguration<GeneratedImage>
{
    public void Configure(EntityTypeBuilder<GeneratedImage> builder)
    {
        builder.Property(i => i.ContentPath).HasMaxLength(400);
        builder.Property(i => i.ContentHash).HasMaxLength(64);
        builder.HasIndex(i => new { i.JobId, i.Index }).IsUnique();
        builder.HasOne<GenerationJob>().WithMany().HasForeignKey(i => i.JobId).OnDelete(DeleteBehavior.Cascade);
    }
}
