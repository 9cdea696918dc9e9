using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Generation;

/// <summary>Metadata of one image of a job; the bytes live in the <see cref="Images.IImageStore"/>.</summary>
public sealed class GeneratedImage : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    public Guid JobId { get; set; }

    /// <summary>Position in the batch, from 0.</summary>
    public int Index { get; set; }

    public long Seed { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>The store-relative path, e.g. "{tenant}/{image}.png".</summary>
    public required string ContentPath { get; set; }

    /// <summary>SHA-256 (hex) of the stored bytes.</summary>
    public required string ContentHash { get; set; }

    public long SizeBytes { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}
