using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Generation;

/// <summary>
/// Cancels a job for its owner in whatever open state it is: a job still waiting ends at once (credits released); a
/// running one is flagged and its worker stops within one step (the next progress report or lease renewal answers
/// "cancel") and reports it; a running job whose worker is gone (its lease lapsed) ends at once, and one whose worker
/// vanishes later ends when the recovery sweep finds the lease lapsed — at the lease's expiry at the latest.
/// </summary>
public sealed partial class GenerationCanceller(
    PortalDbContext db,
    JobSettlement settlement,
    JobCancellations cancellations,
    FairDispatcher dispatcher,
    TimeProvider time,
    ILogger<GenerationCanceller> logger)
{
    /// <summary>The reason a canceled job records, whoever ends it (here, the worker's report, a recovery).</summary>
    public const string Reason = "Canceled by its owner.";

    public async Task<CancelOutcome> CancelAsync(GenerationJob job, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await cancellations.RequestAsync(job.Id);
        await db.GenerationJobs.Where(j => j.Id == job.Id && j.CancelRequestedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequestedAtUtc, now), ct);

        // A worker starting a waiting job meanwhile sees the flag and stops at its first step or renewal; whichever side
        // moves the row first settles, once.
        var key = new JobRef(job.TenantId, job.Id);
        var ended = await settlement.EndAsync(key, JobStates.Cancel, Reason, JobLifecycle.Waiting, ct)
                    || await settlement.EndAsync(key, JobStates.Cancel, Reason, JobLifecycle.Lapsed(null, now), ct);
        if (ended)
        {
            dispatcher.Wake();
            LogCancelled(logger, job.Id, job.TenantId);
            return new CancelOutcome.Ended();
        }

        var lease = await db.GenerationJobs.AsNoTracking().Where(j => j.Id == job.Id).Select(j => j.LeaseExpiresAtUtc).SingleOrDefaultAsync(ct);
        LogStopping(logger, job.Id, job.TenantId, lease);
        return new CancelOutcome.Stopping(lease);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: canceled before a worker had it (or after its worker was gone)")]
    private static partial void LogCancelled(ILogger logger, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: cancel requested while running; its worker stops within one step, or the job ends when its lease lapses ({LeaseExpiresAtUtc:O})")]
    private static partial void LogStopping(ILogger logger, Guid jobId, Guid tenantId, DateTime? leaseExpiresAtUtc);
}

/// <summary>What a cancel did.</summary>
public abstract record CancelOutcome
{
    /// <summary>The job is canceled now and its credits released.</summary>
    public sealed record Ended : CancelOutcome;

    /// <summary>
    /// The job is running: its worker stops within one step; if the worker is gone the job ends at
    /// <paramref name="LeaseExpiresAtUtc"/> plus a recovery sweep at the latest.
    /// </summary>
    public sealed record Stopping(DateTime? LeaseExpiresAtUtc) : CancelOutcome;
}
