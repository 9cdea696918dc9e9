using Microsoft.EntityFrameworkCore;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Data.Tenancy;
using SdPortal.Inference.Jobs;
using SdPortal.Inference.Pipeline;
using SdPortal.Web.Operators;

namespace SdPortal.Web.Generation;

/// <summary>
/// The portal side of <see cref="IJobGateway"/>: the in-process worker calls it directly, inference hosts through
/// the internal HTTP API. Each call runs in a scope of the job's tenant (R17); settling is in <see cref="JobSettlement"/>.
/// </summary>
public sealed partial class PortalJobGateway(
    IServiceScopeFactory scopes,
    JobSettlement settlement,
    JobCancellations cancellations,
    LiveProgress live,
    GenerationEvents events,
    FairDispatcher dispatcher,
    WorkerPool pool,
    TimeProvider time,
    ILogger<PortalJobGateway> logger) : IJobGateway
{
    private static readonly GenerationJobStatus[] Startable =
        [GenerationJobStatus.Queued, GenerationJobStatus.Dispatched, GenerationJobStatus.Running];

    public async Task<JobTicket?> StartAsync(JobRef job, string workerName, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var row = await db.GenerationJobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == job.JobId, cancellationToken);
        if (row is null || GenerationStatusNames.IsTerminal(row.Status))
        {
            return null;
        }

        if (row.CancelRequestedAtUtc is not null || cancellations.IsRequested(job.JobId))
        {
            await settlement.EndAsync(job, GenerationJobStatus.Cancelled, "Canceled by its owner.", cancellationToken);
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var started = await db.GenerationJobs.Where(j => j.Id == job.JobId && Startable.Contains(j.Status))
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, GenerationJobStatus.Running)
                .SetProperty(j => j.StartedAtUtc, j => j.StartedAtUtc ?? now)
                .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                .SetProperty(j => j.WorkerName, workerName)
                .SetProperty(j => j.Step, 0), cancellationToken);
        if (started == 0)
        {
            return null;
        }

        live.Record(job.JobId, 0, row.Steps);
        await events.ProgressAsync(job.TenantId, job.JobId, 0, row.Steps, null);
        return new JobTicket(row.Model, new GenerationRequest
        {
            Prompt = row.Prompt,
            NegativePrompt = row.NegativePrompt ?? string.Empty,
            Scheduler = row.Scheduler,
            Steps = row.Steps,
            GuidanceScale = row.GuidanceScale,
            Width = row.Width,
            Height = row.Height,
            BatchSize = row.BatchSize,
            Seed = row.Seed is { } seed ? (ulong)seed : null,
        });
    }

    public async Task<bool> ReportProgressAsync(JobRef job, JobProgress progress, CancellationToken cancellationToken)
    {
        var checkDatabase = live.Record(job.JobId, progress.Step, progress.TotalSteps);
        await events.ProgressAsync(job.TenantId, job.JobId, progress.Step, progress.TotalSteps, progress.PreviewPng);
        if (cancellations.IsRequested(job.JobId))
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

    public async Task CompleteAsync(JobRef job, JobOutput output, CancellationToken cancellationToken)
    {
        await settlement.SucceedAsync(job, output, cancellationToken);
        AfterEnd(job);
    }

    public async Task FailAsync(JobRef job, string reason, CancellationToken cancellationToken)
    {
        await settlement.EndAsync(job, GenerationJobStatus.Failed, reason, cancellationToken);
        AfterEnd(job);
    }

    public async Task CancelledAsync(JobRef job, CancellationToken cancellationToken)
    {
        await settlement.EndAsync(job, GenerationJobStatus.Cancelled, "Canceled by its owner.", cancellationToken);
        AfterEnd(job);
    }

    public async Task AbandonAsync(JobRef job, string reason, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var requeued = await db.GenerationJobs.Where(j => j.Id == job.JobId && j.Status == GenerationJobStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, GenerationJobStatus.Dispatched).SetProperty(j => j.Step, 0), cancellationToken);
        live.Remove(job.JobId);
        LogAbandoned(logger, job.JobId, job.TenantId, reason, requeued == 1);
        if (requeued == 1)
        {
            await events.QueuedAsync(job.TenantId, job.JobId, new QueueSpot(0, 0));
        }
    }

    public Task ReportWorkerAsync(WorkerReport report, CancellationToken cancellationToken)
    {
        pool.Record(report);
        return Task.CompletedTask;
    }

    private void AfterEnd(JobRef job)
    {
        live.Remove(job.JobId);
        cancellations.Forget(job.JobId);
        dispatcher.Wake();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId} handed back by its worker ({Reason}); back in the execution queue: {Requeued}")]
    private static partial void LogAbandoned(ILogger logger, Guid jobId, Guid tenantId, string reason, bool requeued);
}
