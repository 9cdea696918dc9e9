namespace SdPortal.Data.Images;

/// <summary>
/// Where a tenant's files live: generated and input images, and LoRA adapters (the name predates them; they share the
/// store so that tenant isolation and deletion work the same). Rows in the database hold only the returned path, hash
/// and size.
/// </summary>
public interface IImageStore
{
    /// <summary>
    /// Stores <paramref name="content"/> as image <paramref name="imageId"/> of <paramref name="tenantId"/>, a file of
    /// the format <paramref name="extension"/> names ("png" for outputs; an input image keeps its own format; an
    /// adapter is "safetensors").
    /// </summary>
    Task<StoredImage> SaveAsync(Guid tenantId, Guid imageId, ReadOnlyMemory<byte> content, string extension, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a stored image for reading, or null when it does not exist or <paramref name="contentPath"/> is not one of
    /// <paramref name="tenantId"/>'s images.
    /// </summary>
    Stream? OpenRead(Guid tenantId, string contentPath);

    /// <summary>Deletes a stored image of the tenant; nothing happens when it is already gone.</summary>
    void Delete(Guid tenantId, string contentPath);
}

/// <summary>Where an image was stored and what it was.</summary>
/// <param name="ContentPath">The store-relative path, "{tenant}/{image}.png".</param>
/// <param name="ContentHash">SHA-256 of the bytes, 64 lower-case hex characters.</param>
/// <param name="SizeBytes">The number of bytes stored.</param>
public sealed record StoredImage(string ContentPath, string ContentHash, long SizeBytes);
