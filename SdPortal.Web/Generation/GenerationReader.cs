using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Pipeline;
using GeneratedImage = SdPortal.Data.Generation.GeneratedImage;

namespace SdPortal.Web.Generation;

/// <summary>Reads jobs of the scope's tenant for their API shape: live step, queue place, images, timings.</summary>
public sealed class GenerationReader(PortalDbContext db, LiveProgress live, QueueBoard board, ModelCatalog models)
{
    public const int PageSize = 20;

    public static string ImageUrl(Guid imageId) => $"/api/v1/images/{imageId}";

    public static GenerationImageResponse ToResponse(GeneratedImage i) => new(i.Id, ImageUrl(i.Id), i.Seed, i.Width, i.Height);

    /// <summary>The job if the caller may see it (<see cref="JobVisibility"/>): their own, or any of the tenant's as an admin.</summary>
    public Task<GenerationJob?> FindAsync(Guid jobId, Guid userId, bool isAdmin, CancellationToken ct) =>
        db.GenerationJobs.AsNoTracking().VisibleTo(userId, isAdmin).SingleOrDefaultAsync(j => j.Id == jobId, ct);

    /// <summary>The user's newest job that has not ended, if any: what a reloaded Create page shows again.</summary>
    public Task<GenerationJob?> FindInFlightAsync(Guid userId, CancellationToken ct) =>
        db.GenerationJobs.AsNoTracking()
            .Where(j => j.UserId == userId && JobStates.Open.Contains(j.Status))
            .OrderByDescending(j => j.CreatedAtUtc).FirstOrDefaultAsync(ct);

    public async Task<GenerationResponse> DescribeAsync(GenerationJob job, CancellationToken ct)
    {
        var images = await db.GeneratedImages.AsNoTracking().Where(i => i.JobId == job.Id).OrderBy(i => i.Index).ToListAsync(ct);
        var step = job.Status == GenerationJobStatus.Running ? (await live.FindAsync(job.Id))?.Step : null;
        return Describe(job, images, step);
    }

    /// <summary>The caller's jobs, newest first; the cursor is the last id of the previous page (ids grow with time).</summary>
    public async Task<GenerationPage> PageAsync(Guid userId, Guid? cursor, CancellationToken ct)
    {
        // The history is the caller's own jobs for everyone, admins included: a narrowing of JobVisibility, not a second rule.
        var query = db.GenerationJobs.AsNoTracking().VisibleTo(userId, seesWholeTenant: false);
        if (cursor is { } after)
        {
            query = query.Where(j => j.Id.CompareTo(after) < 0);
        }

        var jobs = await query.OrderByDescending(j => j.Id).Take(PageSize + 1).ToListAsync(ct);
        var page = jobs.Take(PageSize).ToList();
        var ids = page.Select(j => j.Id).ToList();
        var images = (await db.GeneratedImages.AsNoTracking().Where(i => ids.Contains(i.JobId)).ToListAsync(ct))
            .ToLookup(i => i.JobId);
        var steps = await live.FindStepsAsync([.. page.Where(j => j.Status == GenerationJobStatus.Running).Select(j => j.Id)]);
        return new GenerationPage(
            [.. page.Select(j => Describe(j, [.. images[j.Id].OrderBy(i => i.Index)], steps.TryGetValue(j.Id, out var s) ? s : null))],
            jobs.Count > PageSize ? page[^1].Id.ToString() : null);
    }

    /// <summary>The API shape of <paramref name="job"/>; <paramref name="liveStep"/> is its latest reported step if running (<see cref="LiveProgress"/>).</summary>
    private GenerationResponse Describe(GenerationJob job, IReadOnlyList<GeneratedImage> images, int? liveStep)
    {
        var step = liveStep is { } reported && job.Status == GenerationJobStatus.Running ? reported : job.Step;
        var spot = job.Status is GenerationJobStatus.Queued or GenerationJobStatus.Dispatched
            ? board.Find(job.Id) ?? new QueueSpot(0, 0)
            : null;
        var stages = job.TimingsJson is null ? default : JsonSerializer.Deserialize<JsonElement>(job.TimingsJson);
        double? Stage(string name) => stages.ValueKind == JsonValueKind.Object && stages.TryGetProperty(name, out var v) ? v.GetDouble() : null;
        var timings = new GenerationTimingsResponse(
            (job.StartedAtUtc - job.CreatedAtUtc)?.TotalSeconds,
            (job.CompletedAtUtc - job.StartedAtUtc)?.TotalSeconds,
            Stage("textEncodingMs"),
            Stage("denoisingMs"),
            Stage("decodingMs"));
        var synthetic = models.Entries.FirstOrDefault(m => m.Key == job.Model)?.IsSynthetic ?? false;
        var warnings = job.Warnings is null ? [] : job.Warnings.Split('\n');
        return new GenerationResponse(job.Id, GenerationStatusNames.Of(job.Status), job.Prompt, job.Model, synthetic, step, job.TotalSteps,
            spot?.Position, spot is { WaitingForGpu: true } ? null : spot?.EstimatedStartSeconds, [.. images.Select(ToResponse)], job.Error, job.ReservedCredits,
            job.CreatedAtUtc, timings, GenerationSpecJson.Deserialize(job.Spec), warnings, spot?.WaitReason,
            job.CancelRequestedAtUtc is not null && !JobStates.IsTerminal(job.Status), spot?.WaitingForGpu ?? false);
    }
}
