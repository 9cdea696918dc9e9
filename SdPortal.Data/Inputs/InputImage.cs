using SdPortal.Data.Tenancy;

namespace SdPortal.Data.Inputs;

/// <summary>
/// An image a member uploaded to start a generation from (image-to-image) or to mask one (inpainting). The file is
/// kept as uploaded in the <see cref="Images.IImageStore"/>, beside the tenant's outputs and with the same isolation;
/// a spec names it by <see cref="Id"/>.
/// </summary>
public sealed class InputImage : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid TenantId { get; set; }

    /// <summary>The member who uploaded it, the only one who may use, see or delete it (<c>InputImageAccess.UsableBy</c>).</summary>
    public Guid UserId { get; set; }

    /// <summary>"png", "jpeg" or "webp", as the decoder found it (not as the upload claimed).</summary>
    public required string Format { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>The store-relative path, e.g. "{tenant}/{image}.jpeg".</summary>
    public required string ContentPath { get; set; }

    /// <summary>SHA-256 (hex) of the stored bytes.</summary>
    public required string ContentHash { get; set; }

    public long SizeBytes { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}
