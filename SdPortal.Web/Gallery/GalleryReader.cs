using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Pipeline;
using SdPortal.Web.Generation;
using GeneratedImage = SdPortal.Data.Generation.GeneratedImage;

namespace SdPortal.Web.Gallery;

/// <summary>
/// The images of the scope's tenant for the gallery (UI and <c>GET /api/v1/images</c>): a member's own, or all of
/// them for an admin who asks; filtered by prompt text, creation time and model; keyset-paged by image id (ids are
/// version-7 GUIDs and grow with time).
/// </summary>
public sealed class GalleryReader(PortalDbContext db, ModelCatalog models)
{
    public const int DefaultPageSize = 24;
    public const int MaxPageSize = 100;

    public async Task<GalleryPage> PageAsync(GalleryQuery query, Guid userId, bool isAdmin, CancellationToken ct)
    {
        var rows = Visible(userId, isAdmin && query.WholeTenant);
        if (!string.IsNullOrWhiteSpace(query.Prompt))
        {
            // Lower on both sides: LIKE is case-insensitive on SQLite but not on PostgreSQL. The text's own wildcards are escaped.
            var pattern = "%" + query.Prompt.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            rows = rows.Where(r => EF.Functions.Like(r.Job.Prompt.ToLower(), pattern, "\\"));
        }

        if (!string.IsNullOrWhiteSpace(query.Model))
        {
            rows = rows.Where(r => r.Job.Model == query.Model);
        }

        if (query.From is { } from)
        {
            rows = rows.Where(r => r.Image.CreatedAtUtc >= from);
        }

        if (query.To is { } to)
        {
            rows = rows.Where(r => r.Image.CreatedAtUtc < to);
        }

        if (query.Cursor is { } after)
        {
            rows = rows.Where(r => r.Image.Id.CompareTo(after) < 0);
        }

        var size = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var found = await rows.OrderByDescending(r => r.Image.Id).Take(size + 1).ToListAsync(ct);
        var items = found.Take(size).Select(ToItem).ToList();
        return new GalleryPage(items, found.Count > size ? items[^1].ImageId.ToString() : null);
    }

    /// <summary>One image if the caller may see it: their own, or any of the tenant's for an admin.</summary>
    public async Task<GalleryItem?> FindAsync(Guid imageId, Guid userId, bool isAdmin, CancellationToken ct) =>
        await Visible(userId, isAdmin).Where(r => r.Image.Id == imageId).SingleOrDefaultAsync(ct) is { } row ? ToItem(row) : null;

    /// <summary>The tenant's images (the query filter) with their jobs and owners; only the user's own unless <paramref name="wholeTenant"/>.</summary>
    private IQueryable<Row> Visible(Guid userId, bool wholeTenant)
    {
        // A member's gallery is their own even when they ask for the whole tenant: ListAsync refuses that ask from members.
        var rows = from image in db.GeneratedImages.AsNoTracking()
                   join job in db.GenerationJobs.AsNoTracking().VisibleTo(userId, wholeTenant) on image.JobId equals job.Id
                   join user in db.Users.AsNoTracking() on job.UserId equals user.Id into owners
                   from owner in owners.DefaultIfEmpty()
                   select new Row { Image = image, Job = job, OwnerEmail = owner == null ? null : owner.Email };
        return rows;
    }

    private GalleryItem ToItem(Row r) => new(
        r.Image.Id, r.Job.Id, GenerationReader.ImageUrl(r.Image.Id), r.Image.Index, r.Image.Seed, r.Image.Width, r.Image.Height,
        r.Job.Prompt, r.Job.Model, models.Entries.FirstOrDefault(m => m.Key == r.Job.Model)?.IsSynthetic ?? false,
        GenerationSpecJson.Deserialize(r.Job.Spec), r.Image.SizeBytes, r.Image.CreatedAtUtc, r.OwnerEmail);

    // Init properties, not a positional record: EF translates later operators (filters, ordering) over member
    // initialisers, not over constructor arguments.
    private sealed class Row
    {
        public required GeneratedImage Image { get; init; }

        public required GenerationJob Job { get; init; }

        public string? OwnerEmail { get; init; }
    }
}
