using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using SdPortal.Data;
using SdPortal.Data.Images;
using SdPortal.Web.Api;
using SdPortal.Web.Api.Access;
using SdPortal.Web.Gallery;

namespace SdPortal.Web.Generation;

/// <summary>
/// <c>/api/v1/images</c>: the gallery (list with filters, delete) and <c>GET /api/v1/images/{id}</c>, a generated PNG
/// of a job the caller sees. Images never change, so the PNG is cacheable for a year by the caller only (private,
/// immutable) with the content hash as ETag.
/// </summary>
internal static class ImageEndpoints
{
    public static void MapImageEndpoints(this RouteGroupBuilder api)
    {
        var images = api.MapGroup("/images").WithTags("Generations");
        images.MapGet(string.Empty, ListAsync);
        images.MapGet("/{id:guid}", GetAsync);
        images.MapDelete("/{id:guid}", DeleteAsync);
    }

    /// <summary>The caller's images, newest first (<c>scope=tenant</c>: every member's, admins only).</summary>
    private static async Task<IResult> ListAsync(
        string? prompt, DateTime? from, DateTime? to, string? model, string? scope, string? cursor, int? pageSize,
        GalleryReader gallery, PortalCaller caller, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .Require(cursor is null || Guid.TryParse(cursor, out _), "cursor", "is not a cursor this API returned")
            .Require(scope is null or "mine" or "tenant", "scope", "must be 'mine' or 'tenant'")
            .Require(scope != "tenant" || caller.IsAdmin, "scope", "'tenant' is for the tenant's admins")
            .Require(pageSize is null or (>= 1 and <= GalleryReader.MaxPageSize), "pageSize", $"must be within 1…{GalleryReader.MaxPageSize}");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var query = new GalleryQuery(prompt, Utc(from), Utc(to), model, scope == "tenant", cursor is null ? null : Guid.Parse(cursor),
            pageSize ?? GalleryReader.DefaultPageSize);
        return TypedResults.Ok(await gallery.PageAsync(query, caller.UserId, caller.IsAdmin, ct));
    }

    /// <summary>Deletes the row and the file; the owner's or, for admins, any of the tenant's (ADR-009).</summary>
    private static async Task<IResult> DeleteAsync(Guid id, ImageDeleter deleter, PortalCaller caller, CancellationToken ct) =>
        await deleter.DeleteAsync(id, caller.UserId, caller.IsAdmin, ct) ? TypedResults.NoContent() : ApiProblems.NotFound();

    private static DateTime? Utc(DateTime? value) => value?.Kind switch
    {
        DateTimeKind.Local => value.Value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value.Value, DateTimeKind.Utc),
        _ => value,
    };

    /// <summary>The PNG if its job is visible to the caller (<see cref="JobVisibility"/>); another member's image is 404 for a member.</summary>
    private static async Task<IResult> GetAsync(Guid id, PortalDbContext db, IImageStore store, PortalCaller caller, HttpContext http, CancellationToken ct)
    {
        var image = await db.GeneratedImages.AsNoTracking().OfJobs(db.GenerationJobs.VisibleTo(caller)).SingleOrDefaultAsync(i => i.Id == id, ct);
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
