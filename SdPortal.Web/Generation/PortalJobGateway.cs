using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Data.Tenancy;
using SdPortal.Inference.Jobs;
using SdPortal.Inference.Pipeline;
using SdPortal.Web.Adapters;
using SdPortal.Web.Inputs;
using SdPortal.Web.Observability;
using SdPortal.Web.Operators;

namespace SdPortal.Web.Generation;

/// <summary>
/// The portal side of <see cref="IJobGateway"/>: the in-process worker calls it directly, inference hosts through
/// the internal HTTP API. Each call runs in a scope of the job's tenant (R17). State moves are <see cref="JobLifecycle"/>
/// transitions; settling is <see cref="JobSettlement"/>'s and taking a job back <see cref="JobRecovery"/>'s.
/// </summary>
public sealed class PortalJobGateway(
    IServiceScopeFactory scopes,
    JobLifecycle lifecycle,
    JobSettlement settlement,
    JobRecovery recovery,
    JobCancellations cancellations,
    LiveProgress live,
    GenerationEvents events,
    FairDispatcher dispatcher,
    WorkerPool pool,
    PortalMetrics metrics,
    TimeProvider time) : IJobGateway
{
    public async Task<JobTicket?> StartAsync(JobRef job, string workerName, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var row = await db.GenerationJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == job.JobId, cancellationToken);
        if (row is null || JobStates.IsTerminal(row.Status))
        {
            return null;
        }

        if (row.CancelRequestedAtUtc is not null || await cancellations.IsRequestedAsync(job.JobId))
        {
            // Canceled before any worker had it: end it now (a running one is its lease holder's to report).
            await settlement.EndAsync(job, JobStates.Cancel, GenerationCanceller.Reason, JobLifecycle.Waiting, cancellationToken);
            return null;
        }

        var spec = GenerationSpecJson.Deserialize(row.Spec);
        GenerationInputs? inputs;
        try
        {
            inputs = await scope.ServiceProvider.GetRequiredService<InputImageAccess>().LoadAsync(job.TenantId, spec, cancellationToken);
        }
        catch (InputImageMissingException)
        {
            // Deleted after admission: no worker can run it, so it ends now and its credits are released.
            await settlement.EndAsync(job, JobStates.Fail, "An input image of this job was deleted before it ran.", JobLifecycle.Waiting, cancellationToken);
            return null;
        }

        if (spec.Adapters.Count > 0)
        {
            var adapters = await scope.ServiceProvider.GetRequiredService<LoraAdapterFiles>().LoadAsync(
                scope.ServiceProvider.GetRequiredService<LoraAdapterAccess>(), job.TenantId, row.UserId, spec, row.Model, cancellationToken);
            if (adapters is null)
            {
                await settlement.EndAsync(job, JobStates.Fail, "An adapter of this job was deleted, renamed or unshared before it ran.", JobLifecycle.Waiting, cancellationToken);
                return null;
            }

            inputs = (inputs ?? new GenerationInputs(null)) with { Adapters = adapters };
        }

        if (await lifecycle.StartAsync(db, job.JobId, workerName, cancellationToken) is not { } lease)
        {
            return null;
        }

        if (row.StartedAtUtc is null)
        {
            metrics.Started(time.GetUtcNow().UtcDateTime - row.CreatedAtUtc);
        }

        await live.RecordAsync(job.JobId, 0, row.TotalSteps);
        await events.ProgressAsync(job.TenantId, job.JobId, 0, row.TotalSteps, null);
        return new JobTicket(row.Model, spec with { Inputs = inputs }, lease);
    }

    public async Task<LeaseState> RenewAsync(JobLease lease, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateTenantScope(lease.Job.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (!await lifecycle.RenewAsync(db, lease.Job.JobId, lease.LeaseId, cancellationToken))
        {
            return LeaseState.Lost;
        }

        var cancel = await cancellations.IsRequestedAsync(lease.Job.JobId)
            || await db.GenerationJobs.AnyAsync(j => j.Id == lease.Job.JobId && j.CancelRequestedAtUtc != null, cancellationToken);
        return cancel ? LeaseState.CancelRequested : LeaseState.Held;
    }

    public async Task<bool> ReportProgressAsync(JobLease lease, JobProgress progress, CancellationToken cancellationToken)
    {
        var job = lease.Job;
        var checkDatabase = await live.RecordAsync(job.JobId, progress.Step, progress.TotalSteps);
        await events.ProgressAsync(job.TenantId, job.JobId, progress.Step, progress.TotalSteps, progress.PreviewPng);
        if (await cancellations.IsRequestedAsync(job.JobId))
        {
            return true;
        }

        if (!checkDatabase)
        {
            return false;
        }

        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return await db.GenerationJobs.AnyAsync(j => j.Id == job.JobId && j.CancelRequestedAtUtc != null, cancellationToken);
    }

    public async Task<bool> CompleteAsync(JobLease lease, JobOutput output, CancellationToken cancellationToken)
    {
        var accepted = await settlement.SucceedAsync(lease, output, cancellationToken);
        await AfterEndAsync(lease.Job);
        return accepted;
    }

    public async Task FailAsync(JobLease lease, string reason, CancellationToken cancellationToken)
    {
        await settlement.EndAsync(lease.Job, JobStates.Fail, reason, JobLifecycle.HeldBy(lease.LeaseId), cancellationToken);
        await AfterEndAsync(lease.Job);
    }

    public async Task CancelledAsync(JobLease lease, CancellationToken cancellationToken)
    {
        await settlement.EndAsync(lease.Job, JobStates.Cancel, GenerationCanceller.Reason, JobLifecycle.HeldBy(lease.LeaseId), cancellationToken);
        await AfterEndAsync(lease.Job);
    }

    public async Task AbandonAsync(JobLease lease, string reason, bool countsAsAttempt, CancellationToken cancellationToken)
    {
        await recovery.HandBackAsync(lease, reason, countsAsAttempt, cancellationToken);
        await AfterEndAsync(lease.Job);
    }

    public async Task ReportWorkerAsync(WorkerReport report, CancellationToken cancellationToken) => await pool.RecordAsync(report);

    private async Task AfterEndAsync(JobRef job)
    {
        await live.RemoveAsync(job.JobId);
        await cancellations.ForgetAsync(job.JobId);
        dispatcher.Wake();
    }
}
