using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Images;
using SdPortal.Web.Generation;

namespace SdPortal.Web.Gallery;

/// <summary>
/// Deletes an image of the scope's tenant for its owner or an admin: the row first, then the file (ADR-009). A user
/// who deletes an image expects it gone, so the bytes go too; the job and its credits stay in the history. Should the
/// file survive (a crash between the two), no row points at it and no URL serves it.
/// </summary>
public sealed partial class ImageDeleter(PortalDbContext db, IImageStore store, ILogger<ImageDeleter> logger)
{
    /// <summary>True when the image was deleted; false when the caller may not see it (or it is already gone).</summary>
    public async Task<bool> DeleteAsync(Guid imageId, Guid userId, bool isAdmin, CancellationToken ct)
    {
        var image = await db.GeneratedImages.OfJobs(db.GenerationJobs.VisibleTo(userId, isAdmin))
            .SingleOrDefaultAsync(i => i.Id == imageId, ct);
        if (image is null)
        {
            return false;
        }

        db.GeneratedImages.Remove(image);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false; // deleted meanwhile by another request; that one removes the file
        }

        store.Delete(image.TenantId, image.ContentPath);
        LogDeleted(logger, image.Id, image.TenantId, userId);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {ImageId} of tenant {TenantId} deleted by user {UserId}")]
    private static partial void LogDeleted(ILogger logger, Guid imageId, Guid tenantId, Guid userId);
}
