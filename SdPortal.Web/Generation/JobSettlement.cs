using System.Diagnostics;
using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Credits;
using SdPortal.Data.Generation;
using SdPortal.Data.Images;
using SdPortal.Data.Tenancy;
using SdPortal.Inference.Jobs;
using SdPortal.Inference.Telemetry;
using SdPortal.Web.Observability;

namespace SdPortal.Web.Generation;

/// <summary>
/// Ends jobs exactly once however often asked (R10, R11, R12): success stores the images and captures the credits in
/// one transaction; failure and cancellation release them. The move to the final state is a <see cref="JobLifecycle"/>
/// transition under a guard (the lease holder, a waiting job, a lapsed lease) inside the same transaction, so a worker
/// that lost its lease cannot settle, and of two racing settlements one moves the row and the other is rolled back.
/// The ledger's one settle key per job is the last guard: a capture after a release (or the reverse) is refused.
/// </summary>
public sealed partial class JobSettlement(
    IServiceScopeFactory scopes,
    JobLifecycle lifecycle,
    IImageStore images,
    GenerationEvents events,
    RunTimeAverage runTimes,
    LiveProgress live,
    TimeProvider time,
    PortalMetrics metrics,
    ILogger<JobSettlement> logger)
{
    /// <summary>Settles the success of the holder of <paramref name="lease"/>; false when the result was discarded.</summary>
    public async Task<bool> SucceedAsync(JobLease lease, JobOutput output, CancellationToken ct)
    {
        var job = lease.Job;
        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var row = await db.GenerationJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == job.JobId, ct);
        if (row is null || row.Status != GenerationJobStatus.Running || row.LeaseId != lease.LeaseId)
        {
            LogNotHolder(logger, job.JobId, job.TenantId, row?.Status.ToString() ?? "unknown", "success");
            return false;
        }

        // Under the worker's call when it carried the trace; else (a caller that did not) the job's stored submit span.
        using var trace = JobTrace.Start("job settle", job.JobId, traceParent: Activity.Current is null ? row.TraceParent : null);

        var stored = await StoreImagesAsync(db, job, output, ct);
        var timings = JsonSerializer.Serialize(new
        {
            textEncodingMs = output.Timings.TextEncoding.TotalMilliseconds,
            denoisingMs = output.Timings.Denoising.TotalMilliseconds,
            decodingMs = output.Timings.Decoding.TotalMilliseconds,
            device = output.Device,
        });
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                db.GeneratedImages.AddRange(stored);
                await db.SaveChangesAsync(ct);
                var (steps, seed) = (row.TotalSteps, (long)output.Seed);
                var warnings = output.Warnings.Count == 0 ? null : string.Join('\n', output.Warnings);
                warnings = warnings is { Length: > MaxWarningsLength } ? warnings[..MaxWarningsLength] : warnings;
                var moved = await lifecycle.EndAsync(db, job.JobId, JobStates.Succeed, JobLifecycle.HeldBy(lease.LeaseId), s => s
                    .SetProperty(j => j.Step, steps).SetProperty(j => j.Seed, seed).SetProperty(j => j.Error, (string?)null)
                    .SetProperty(j => j.TimingsJson, timings).SetProperty(j => j.Warnings, warnings), ct);
                var captured = moved ? await scope.ServiceProvider.GetRequiredService<ICreditLedger>().CaptureAsync(job.TenantId, job.JobId, ct) : null;
                if (captured is null || captured.Outcome == CreditOutcome.Conflict)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    Discard(job.TenantId, stored);
                    if (moved)
                    {
                        LogCaptureRefused(logger, job.JobId, job.TenantId);
                    }
                    else
                    {
                        LogNotHolder(logger, job.JobId, job.TenantId, "moved on", "success");
                    }

                    return false;
                }

                await transaction.CommitAsync(ct);
                // The capture entry moves no balance (the reservation already did): what it captures is the job's reservation.
                metrics.CreditsCaptured(captured.Outcome == CreditOutcome.Applied ? row.ReservedCredits : 0);
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                // Images of this job were stored by an earlier settlement: its images and capture stand.
                await transaction.RollbackAsync(CancellationToken.None);
                Discard(job.TenantId, stored);
                LogDuplicateCompletion(logger, job.JobId, job.TenantId);
                return false;
            }
            catch
            {
                // Rolled back (a timeout, a lost connection): the worker tries again with the same result.
                Discard(job.TenantId, stored);
                throw;
            }
        }

        var ran = time.GetUtcNow().UtcDateTime - row.StartedAtUtc;
        if (ran is { } run)
        {
            await runTimes.RecordAsync(run);
        }

        metrics.Finished("succeeded", ran);

        var all = await db.GeneratedImages.AsNoTracking().Where(i => i.JobId == job.JobId).OrderBy(i => i.Index).ToListAsync(CancellationToken.None);
        LogSucceeded(logger, job.JobId, job.TenantId, all.Count, output.Device);
        await events.CompletedAsync(job.TenantId, job.JobId, [.. all.Select(GenerationReader.ToResponse)]);
        return true;
    }

    /// <summary>
    /// Fails or cancels (<paramref name="end"/>) a job that <paramref name="guard"/> admits, releasing its credits;
    /// false when the guard did not hold (it had ended, or moved on to another worker).
    /// </summary>
    public async Task<bool> EndAsync(JobRef job, JobTransition end, string reason, Expression<Func<GenerationJob, bool>> guard, CancellationToken ct)
    {
        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var status = end.To.ToString();
        using var trace = JobTrace.Start("job settle", job.JobId);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var step = (await live.FindAsync(job.JobId))?.Step;
            var moved = await lifecycle.EndAsync(db, job.JobId, end, guard, s =>
            {
                s.SetProperty(j => j.Error, reason);
                if (step is { } reached)
                {
                    s.SetProperty(j => j.Step, reached);
                }
            }, ct);
            if (!moved)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                LogNotHolder(logger, job.JobId, job.TenantId, "ended or moved on", status);
                return false;
            }

            var released = await scope.ServiceProvider.GetRequiredService<ICreditLedger>().ReleaseAsync(job.TenantId, job.JobId, ct);
            if (released.Outcome == CreditOutcome.Conflict)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                LogReleaseRefused(logger, job.JobId, job.TenantId, status);
                return false;
            }

            // The run time of a job that had started (null for one that never did), read under the row's new lock.
            var times = await db.GenerationJobs.AsNoTracking().Where(j => j.Id == job.JobId)
                .Select(j => new { j.StartedAtUtc, j.CompletedAtUtc }).SingleAsync(ct);
            var ran = times.CompletedAtUtc - times.StartedAtUtc;
            await transaction.CommitAsync(ct);
            metrics.Finished(GenerationStatusNames.Of(end.To), ran);
            metrics.CreditsReleased(released.Outcome == CreditOutcome.Applied ? Math.Abs(released.Amount) : 0);
            LogEnded(logger, job.JobId, job.TenantId, status, reason, released.Outcome.ToString());
        }

        await events.EndedAsync(job.TenantId, job.JobId, GenerationStatusNames.Of(end.To), reason);
        return true;
    }

    /// <summary>The job row's warnings column holds at most this many characters.</summary>
    private const int MaxWarningsLength = 2000;

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
            var file = await images.SaveAsync(job.TenantId, id, image.Png, "png", ct);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId} is not the caller's to settle ({Status}); {Outcome} ignored")]
    private static partial void LogNotHolder(ILogger logger, Guid jobId, Guid tenantId, string status, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId}: another execution completed it first; this result is discarded")]
    private static partial void LogDuplicateCompletion(ILogger logger, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} of tenant {TenantId}: capture refused, its credits were already released; result discarded")]
    private static partial void LogCaptureRefused(ILogger logger, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} of tenant {TenantId}: release for {Status} refused, its credits were already captured")]
    private static partial void LogReleaseRefused(ILogger logger, Guid jobId, Guid tenantId, string status);
}
