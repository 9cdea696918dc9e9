using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Generation;
using SdPortal.Data.Images;
using SdPortal.Data.Tenancy;
using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Generation;

/// <summary>
/// Ends jobs exactly once however often asked (R10, R11, R12): success stores the images and captures the credits in
/// one transaction; failure and cancellation release them. The ledger's one settle key per job is the final guard:
/// a capture after a release (or the reverse) is refused and the transaction rolled back.
/// </summary>
public sealed partial class JobSettlement(
    IServiceScopeFactory scopes,
    IImageStore images,
    GenerationEvents events,
    QueueBoard board,
    LiveProgress live,
    TimeProvider time,
    ILogger<JobSettlement> logger)
{
    public async Task SucceedAsync(JobRef job, JobOutput output, CancellationToken ct)
    {
        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var row = await db.GenerationJobs.SingleOrDefaultAsync(j => j.Id == job.JobId, ct);
        if (row is null || GenerationStatusNames.IsTerminal(row.Status))
        {
            LogAlreadyEnded(logger, job.JobId, job.TenantId, row?.Status.ToString() ?? "unknown", "success");
            return;
        }

        var stored = await StoreImagesAsync(db, job, output, ct);
        var now = time.GetUtcNow().UtcDateTime;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                db.GeneratedImages.AddRange(stored);
                (row.Status, row.Step, row.CompletedAtUtc, row.Seed, row.Error) = (GenerationJobStatus.Succeeded, row.Steps, now, (long)output.Seed, null);
                row.TimingsJson = JsonSerializer.Serialize(new
                {
                    textEncodingMs = output.Timings.TextEncoding.TotalMilliseconds,
                    denoisingMs = output.Timings.Denoising.TotalMilliseconds,
                    decodingMs = output.Timings.Decoding.TotalMilliseconds,
                    device = output.Device,
                });
                await db.SaveChangesAsync(ct);
                var captured = await scope.ServiceProvider.GetRequiredService<ICreditLedger>().CaptureAsync(job.TenantId, job.JobId, ct);
                if (captured.Outcome == CreditOutcome.Conflict)
                {
                    await transaction.RollbackAsync(ct);
                    Discard(job.TenantId, stored);
                    LogCaptureRefused(logger, job.JobId, job.TenantId);
                    return;
                }

                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // Another execution of the same job completed first (at-least-once delivery): its images and capture stand.
                await transaction.RollbackAsync(CancellationToken.None);
                Discard(job.TenantId, stored);
                LogDuplicateCompletion(logger, job.JobId, job.TenantId);
                return;
            }
        }

        if (row.StartedAtUtc is { } started)
        {
            board.RecordRun(now - started);
        }

        var all = await db.GeneratedImages.AsNoTracking().Where(i => i.JobId == job.JobId).OrderBy(i => i.Index).ToListAsync(ct);
        LogSucceeded(logger, job.JobId, job.TenantId, all.Count, output.Device);
        await events.CompletedAsync(job.TenantId, job.JobId, [.. all.Select(GenerationReader.ToResponse)]);
    }

    /// <summary>Fails or cancels a job that has not ended, releasing its credits.</summary>
    public async Task EndAsync(JobRef job, GenerationJobStatus status, string reason, CancellationToken ct)
    {
        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var row = await db.GenerationJobs.SingleOrDefaultAsync(j => j.Id == job.JobId, ct);
        if (row is null || GenerationStatusNames.IsTerminal(row.Status))
        {
            LogAlreadyEnded(logger, job.JobId, job.TenantId, row?.Status.ToString() ?? "unknown", status.ToString());
            return;
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var released = await scope.ServiceProvider.GetRequiredService<ICreditLedger>().ReleaseAsync(job.TenantId, job.JobId, ct);
            if (released.Outcome == CreditOutcome.Conflict)
            {
                await transaction.RollbackAsync(ct);
                LogReleaseRefused(logger, job.JobId, job.TenantId, status.ToString());
                return;
            }

            (row.Status, row.Error, row.CompletedAtUtc) = (status, reason, time.GetUtcNow().UtcDateTime);
            row.Step = live.Find(job.JobId)?.Step ?? row.Step;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            LogEnded(logger, job.JobId, job.TenantId, status.ToString(), reason, released.Outcome.ToString());
        }

        await events.EndedAsync(job.TenantId, job.JobId, GenerationStatusNames.Of(status), reason);
    }

    private async Task<List<GeneratedImage>> StoreImagesAsync(PortalDbContext db, JobRef job, JobOutput output, CancellationToken ct)
    {
        var existing = await db.GeneratedImages.Where(i => i.JobId == job.JobId).Select(i => i.Index).ToListAsync(ct);
        var stored = new List<GeneratedImage>();
        for (var k = 0; k < output.Images.Count; k++)
        {
            if (existing.Contains(k))
            {
                continue;
            }

            var image = output.Images[k];
            var id = Guid.CreateVersion7();
            var file = await images.SaveAsync(job.TenantId, id, image.Png, ct);
            stored.Add(new GeneratedImage
            {
                Id = id,
                JobId = job.JobId,
                Index = k,
                Seed = (long)image.Seed,
                Width = image.Width,
                Height = image.Height,
                ContentPath = file.ContentPath,
                ContentHash = file.ContentHash,
                SizeBytes = file.SizeBytes,
                CreatedAtUtc = time.GetUtcNow().UtcDateTime,
            });
        }

        return stored;
    }

    private void Discard(Guid tenantId, List<GeneratedImage> stored) => stored.ForEach(i => images.Delete(tenantId, i.ContentPath));

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId} succeeded: {Count} image(s) stored, credits captured (device {Device})")]
    private static partial void LogSucceeded(ILogger logger, Guid jobId, Guid tenantId, int count, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId} ended {Status}: {Reason} (release: {Release})")]
    private static partial void LogEnded(ILogger logger, Guid jobId, Guid tenantId, string status, string reason, string release);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId} had already ended ({Status}); {Outcome} ignored")]
    private static partial void LogAlreadyEnded(ILogger logger, Guid jobId, Guid tenantId, string status, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId}: another execution completed it first; this result is discarded")]
    private static partial void LogDuplicateCompletion(ILogger logger, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} of tenant {TenantId}: capture refused, its credits were already released; result discarded")]
    private static partial void LogCaptureRefused(ILogger logger, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} of tenant {TenantId}: release for {Status} refused, its credits were already captured")]
    private static partial void LogReleaseRefused(ILogger logger, Guid jobId, Guid tenantId, string status);
}
