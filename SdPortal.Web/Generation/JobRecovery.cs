using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Data.Tenancy;
using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Generation;

/// <summary>
/// Takes a job back from a worker, whether the worker handed it back or its lease lapsed, and decides where it goes:
/// canceled when its owner asked, failed with its credits released once <see cref="GenerationOptions.MaxAttempts"/>
/// starts are used up, otherwise back to the queue. The decision reads the row; the move is guarded by the lease it
/// read, so if the job moved meanwhile (settled, restarted elsewhere) nothing happens.
/// </summary>
public sealed partial class JobRecovery(
    IServiceScopeFactory scopes,
    JobLifecycle lifecycle,
    JobSettlement settlement,
    LiveProgress live,
    GenerationEvents events,
    IOptionsMonitor<GenerationOptions> options,
    TimeProvider time,
    ILogger<JobRecovery> logger)
{
    /// <summary>The holder of <paramref name="lease"/> gives the job back (shutdown, a transient error, a stall).</summary>
    public Task<bool> HandBackAsync(JobLease lease, string reason, bool countsAsAttempt, CancellationToken ct) =>
        TakeBackAsync(lease.Job, lease.LeaseId, JobLifecycle.HeldBy(lease.LeaseId), reason, countsAsAttempt,
            db => lifecycle.HandBackAsync(db, lease.Job.JobId, lease.LeaseId, countsAsAttempt, ct), ct);

    /// <summary>The lease <paramref name="leaseId"/> of a running job lapsed (null: a running row from before leases).</summary>
    public Task<bool> RecoverLapsedAsync(JobRef job, Guid? leaseId, CancellationToken ct) =>
        TakeBackAsync(job, leaseId, JobLifecycle.Lapsed(leaseId, time.GetUtcNow().UtcDateTime),
            "Its worker stopped renewing its lease (it died, hung or lost the portal)", countsAsAttempt: true,
            db => lifecycle.RecoverLapsedAsync(db, job.JobId, leaseId, ct), ct);

    private async Task<bool> TakeBackAsync(JobRef job, Guid? leaseId, Expression<Func<GenerationJob, bool>> guard, string reason, bool countsAsAttempt,
        Func<PortalDbContext, Task<bool>> requeue, CancellationToken ct)
    {
        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var row = await db.GenerationJobs.AsNoTracking().Where(j => j.Id == job.JobId)
            .Select(j => new { j.Attempts, j.CancelRequestedAtUtc, j.Status, j.LeaseId })
            .SingleOrDefaultAsync(ct);
        if (row is null || row.Status != GenerationJobStatus.Running || (leaseId is not null && row.LeaseId != leaseId))
        {
            return false;
        }

        await live.RemoveAsync(job.JobId);
        if (row.CancelRequestedAtUtc is not null)
        {
            return await settlement.EndAsync(job, JobStates.Cancel, GenerationCanceller.Reason, guard, ct);
        }

        var maxAttempts = options.CurrentValue.MaxAttempts;
        if (countsAsAttempt && row.Attempts >= maxAttempts)
        {
            LogAttemptsUsed(logger, job.JobId, job.TenantId, row.Attempts, reason);
            return await settlement.EndAsync(job, JobStates.Fail,
                $"The generation failed after {row.Attempts} attempts. {reason}.", guard, ct);
        }

        var requeued = await requeue(db);
        LogTakenBack(logger, job.JobId, job.TenantId, reason, row.Attempts, maxAttempts, requeued);
        if (requeued)
        {
            await events.QueuedAsync(job.TenantId, job.JobId, new QueueSpot(0, 0));
        }

        return requeued;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId} taken back ({Reason}) after attempt {Attempt} of {MaxAttempts}; back in the queue: {Requeued}")]
    private static partial void LogTakenBack(ILogger logger, Guid jobId, Guid tenantId, string reason, int attempt, int maxAttempts, bool requeued);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} of tenant {TenantId} used its {Attempts} attempts ({Reason}); failing it and releasing its credits")]
    private static partial void LogAttemptsUsed(ILogger logger, Guid jobId, Guid tenantId, int attempts, string reason);
}
