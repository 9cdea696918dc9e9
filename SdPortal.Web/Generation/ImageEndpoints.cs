using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using SdPortal.Data;
using SdPortal.Data.Images;
using SdPortal.Web.Api;

namespace SdPortal.Web.Generation;

/// <summary>
/// <c>GET /api/v1/images/{id}</c>: a generated PNG of the caller's tenant. Images never change, so the answer is
/// cacheable for a year by the caller only (private, immutable) with the content hash as ETag.
/// </summary>
internal static class ImageEndpoints
{
    public static void MapImageEndpoints(this RouteGroupBuilder api) =>
        api.MapGet("/images/{id:guid}", GetAsync).WithTags("Generations");

    private static async Task<IResult> GetAsync(Guid id, PortalDbContext db, IImageStore store, HttpContext http, CancellationToken ct)
    {
        var image = await db.GeneratedImages.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);
        if (image is null)
        {
            return ApiProblems.NotFound();
        }

        var etag = new EntityTagHeaderValue($"\"{image.ContentHash}\"");
        http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
        if (http.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Compare(etag, useStrongComparison: false)))
        {
            http.Response.Headers.ETag = etag.ToString();
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        var stream = store.OpenRead(image.TenantId, image.ContentPath);
        return stream is null ? ApiProblems.NotFound() : TypedResults.Stream(stream, "image/png", entityTag: etag);
    }
}
