using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Generation;

/// <summary>
/// Cancels a job for its owner: one still waiting ends at once (credits released); a running one is flagged, and its
/// worker stops within one step and reports the cancellation, which releases the credits.
/// </summary>
public sealed partial class GenerationCanceller(
    PortalDbContext db,
    JobSettlement settlement,
    JobCancellations cancellations,
    FairDispatcher dispatcher,
    TimeProvider time,
    ILogger<GenerationCanceller> logger)
{
    public async Task CancelAsync(GenerationJob job, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        cancellations.Request(job.Id);
        await db.GenerationJobs.Where(j => j.Id == job.Id && j.CancelRequestedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequestedAtUtc, now), ct);

        // A waiting job ends now. A worker starting it meanwhile sees the flag (or the registry at its first step) and
        // stops; settling is idempotent, so the credits are released once whichever side gets there first.
        var waiting = job.Status is GenerationJobStatus.Queued or GenerationJobStatus.Dispatched;
        if (waiting)
        {
            await settlement.EndAsync(new JobRef(job.TenantId, job.Id), GenerationJobStatus.Cancelled, "Canceled by its owner.", ct);
            dispatcher.Wake();
        }

        LogCancelRequested(logger, job.Id, job.TenantId, waiting ? "before it started" : "while running");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: cancel requested {When}")]
    private static partial void LogCancelRequested(ILogger logger, Guid jobId, Guid tenantId, string when);
}
