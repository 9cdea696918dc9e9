using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Generation;

/// <summary>
/// The one writer of a job's state: each method is one transition of <see cref="JobStates"/>, written as a single
/// conditional update (the row moves only from the transition's origins and only under the method's guard), so web
/// nodes, workers and sweepers racing on one job move it once. Methods take the caller's context, so a move can join
/// the caller's transaction (settlement releases or captures credits in the same one).
/// </summary>
public sealed class JobLifecycle(IOptionsMonitor<GenerationOptions> options, TimeProvider time)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Queued → Dispatched: this dispatcher hands the job to Hangfire.</summary>
    public async Task<bool> ClaimAsync(PortalDbContext db, Guid jobId, CancellationToken ct)
    {
        var now = Now;
        return await MoveAsync(db, jobId, JobStates.Claim, j => true, s => s.SetProperty(j => j.DispatchedAtUtc, now), ct);
    }

    /// <summary>Dispatched → Queued: the enqueue failed, so the next pass tries again.</summary>
    public Task<bool> UnclaimAsync(PortalDbContext db, Guid jobId, CancellationToken ct) =>
        MoveAsync(db, jobId, JobStates.Requeue, j => j.Status == GenerationJobStatus.Dispatched, _ => { }, ct);

    /// <summary>Queued or Dispatched → Running under a new lease for <paramref name="workerName"/>; null when another worker has it or it ended.</summary>
    public async Task<LeaseTerms?> StartAsync(PortalDbContext db, Guid jobId, string workerName, CancellationToken ct)
    {
        var (now, settings, lease) = (Now, options.CurrentValue, Guid.CreateVersion7());
        var expires = now + settings.Lease;
        var started = await MoveAsync(db, jobId, JobStates.Start, j => j.CancelRequestedAtUtc == null, s => s
            .SetProperty(j => j.StartedAtUtc, j => j.StartedAtUtc ?? now)
            .SetProperty(j => j.Attempts, j => j.Attempts + 1)
            .SetProperty(j => j.WorkerName, workerName)
            .SetProperty(j => j.Step, 0)
            .SetProperty(j => j.LeaseId, lease)
            .SetProperty(j => j.LeaseExpiresAtUtc, expires), ct);
        return started ? new LeaseTerms(lease, settings.Lease, TimeSpan.FromSeconds(settings.StallSeconds)) : null;
    }

    /// <summary>Running → Running: the holder of <paramref name="leaseId"/> extends it by a lease from now.</summary>
    public async Task<bool> RenewAsync(PortalDbContext db, Guid jobId, Guid leaseId, CancellationToken ct)
    {
        var expires = Now + options.CurrentValue.Lease;
        return await MoveAsync(db, jobId, JobStates.Renew, HeldBy(leaseId), s => s.SetProperty(j => j.LeaseExpiresAtUtc, expires), ct);
    }

    /// <summary>
    /// Running → Queued: the holder hands the job back. A hand-back at shutdown gives its attempt back, so a rolling
    /// restart does not use up a job's attempts; a worker that keeps failing does.
    /// </summary>
    public Task<bool> HandBackAsync(PortalDbContext db, Guid jobId, Guid leaseId, bool countsAsAttempt, CancellationToken ct) =>
        MoveAsync(db, jobId, JobStates.Requeue, HeldBy(leaseId), s =>
        {
            ClearLease(s);
            if (!countsAsAttempt)
            {
                s.SetProperty(j => j.Attempts, j => j.Attempts - 1);
            }
        }, ct);

    /// <summary>Running → Queued: the lease <paramref name="leaseId"/> lapsed (its worker died, hung or lost the portal).</summary>
    public Task<bool> RecoverLapsedAsync(PortalDbContext db, Guid jobId, Guid? leaseId, CancellationToken ct) =>
        MoveAsync(db, jobId, JobStates.Requeue, Lapsed(leaseId, Now), s =>
        {
            ClearLease(s);
            s.SetProperty(j => j.Recoveries, j => j.Recoveries + 1);
        }, ct);

    /// <summary>Dispatched → Queued: dispatched before <paramref name="cutoff"/> and no live Hangfire execution holds it.</summary>
    public Task<bool> RecoverStrandedAsync(PortalDbContext db, Guid jobId, DateTime cutoff, CancellationToken ct) =>
        MoveAsync(db, jobId, JobStates.Requeue, j => j.Status == GenerationJobStatus.Dispatched && j.DispatchedAtUtc < cutoff,
            s => s.SetProperty(j => j.Step, 0).SetProperty(j => j.Recoveries, j => j.Recoveries + 1), ct);

    /// <summary>
    /// To Succeeded, Failed or Canceled under <paramref name="guard"/>, with <paramref name="set"/>'s fields; the lease
    /// ends with it. Settlement calls it inside the transaction that captures or releases the credits.
    /// </summary>
    public Task<bool> EndAsync(PortalDbContext db, Guid jobId, JobTransition end, Expression<Func<GenerationJob, bool>> guard,
        Action<UpdateSettersBuilder<GenerationJob>> set, CancellationToken ct)
    {
        if (!JobStates.IsTerminal(end.To))
        {
            throw new ArgumentException($"{end.Name} does not end a job.", nameof(end));
        }

        var now = Now;
        return MoveAsync(db, jobId, end, guard, s =>
        {
            set(s);
            s.SetProperty(j => j.CompletedAtUtc, now).SetProperty(j => j.LeaseId, (Guid?)null).SetProperty(j => j.LeaseExpiresAtUtc, (DateTime?)null);
        }, ct);
    }

    /// <summary>Only the holder of <paramref name="leaseId"/>, while the job runs.</summary>
    public static Expression<Func<GenerationJob, bool>> HeldBy(Guid leaseId) =>
        j => j.Status == GenerationJobStatus.Running && j.LeaseId == leaseId;

    /// <summary>Only a job not yet started (Queued or Dispatched).</summary>
    public static Expression<Func<GenerationJob, bool>> Waiting =>
        j => j.Status == GenerationJobStatus.Queued || j.Status == GenerationJobStatus.Dispatched;

    /// <summary>
    /// A running job whose lease lapsed before <paramref name="now"/> (<paramref name="leaseId"/>: that lease, so a job
    /// restarted meanwhile is left alone; null: whichever). A Running row without a lease predates leases and counts as lapsed.
    /// </summary>
    public static Expression<Func<GenerationJob, bool>> Lapsed(Guid? leaseId, DateTime now) => leaseId is { } id
        ? j => j.Status == GenerationJobStatus.Running && j.LeaseId == id && j.LeaseExpiresAtUtc < now
        : j => j.Status == GenerationJobStatus.Running && (j.LeaseExpiresAtUtc == null || j.LeaseExpiresAtUtc < now);

    private static void ClearLease(UpdateSettersBuilder<GenerationJob> s) => s
        .SetProperty(j => j.LeaseId, (Guid?)null).SetProperty(j => j.LeaseExpiresAtUtc, (DateTime?)null).SetProperty(j => j.Step, 0);

    private static async Task<bool> MoveAsync(PortalDbContext db, Guid jobId, JobTransition transition, Expression<Func<GenerationJob, bool>> guard,
        Action<UpdateSettersBuilder<GenerationJob>> set, CancellationToken ct)
    {
        var (from, to) = (transition.From, transition.To);
        var moved = await db.GenerationJobs.Where(j => j.Id == jobId && from.Contains(j.Status)).Where(guard)
            .ExecuteUpdateAsync(s =>
            {
                s.SetProperty(j => j.Status, to);
                set(s);
            }, ct);
        return moved == 1;
    }
}
