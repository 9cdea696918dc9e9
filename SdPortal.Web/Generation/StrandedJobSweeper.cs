using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SdPortal.Data;
using SdPortal.Data.Generation;
using SdPortal.Data.Tenancy;
using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Generation;

/// <summary>
/// Puts back jobs stranded in <see cref="GenerationJobStatus.Dispatched"/>: claimed by a dispatcher that crashed before
/// enqueuing, or whose Hangfire job was deleted, or failed without settling (a host that could not reach the portal).
/// A job counts as stranded when it was dispatched more than <see cref="GenerationOptions.StrandedAfterSeconds"/> ago
/// and Hangfire held no live execution of it on two sweeps in a row (one read can miss a job changing state). It goes
/// back to Queued with a conditional update, so several web nodes sweeping at once move it once; after
/// <see cref="MaxRecoveries"/> recoveries on this node it fails and its credits are released instead of looping.
/// </summary>
public sealed partial class StrandedJobSweeper(
    IServiceScopeFactory scopes,
    JobStorage storage,
    FairDispatcher dispatcher,
    JobSettlement settlement,
    IOptionsMonitor<GenerationOptions> options,
    TimeProvider time,
    ILogger<StrandedJobSweeper> logger) : BackgroundService
{
    /// <summary>Recoveries of one job by this node before it is failed.</summary>
    public const int MaxRecoveries = 3;

    private readonly Dictionary<Guid, int> _recoveries = [];
    private HashSet<Guid> _suspects = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.CurrentValue.StrandedSweepSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or TimeoutException or System.Data.Common.DbException)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    /// <summary>One sweep; answers how many jobs it put back or failed.</summary>
    internal async Task<int> SweepAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddSeconds(-options.CurrentValue.StrandedAfterSeconds);
        List<StrandedCandidate> candidates;
        await using (var scope = scopes.CreateAsyncScope())
        {
            // Like the dispatcher, the sweep must see every tenant's jobs; it writes only through tenant scopes.
            candidates = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().GenerationJobs
                .IgnoreQueryFilters([TenantIsolation.FilterName]).AsNoTracking()
                .Where(j => j.Status == GenerationJobStatus.Dispatched && j.DispatchedAtUtc < cutoff)
                .Select(j => new StrandedCandidate(j.Id, j.TenantId))
                .ToListAsync(ct);
        }

        if (candidates.Count == 0)
        {
            _suspects = [];
            return 0;
        }

        var live = LiveExecutions.Read(storage);
        var missing = candidates.Where(c => !live.Contains(c.JobId)).ToList();
        var confirmed = missing.Where(c => _suspects.Contains(c.JobId)).ToList();
        _suspects = [.. missing.Select(c => c.JobId).Except(confirmed.Select(c => c.JobId))];
        var recovered = 0;
        foreach (var job in confirmed)
        {
            recovered += await RecoverAsync(job, cutoff, ct) ? 1 : 0;
        }

        if (recovered > 0)
        {
            dispatcher.Wake();
        }

        return recovered;
    }

    private async Task<bool> RecoverAsync(StrandedCandidate job, DateTime cutoff, CancellationToken ct)
    {
        var times = _recoveries[job.JobId] = _recoveries.GetValueOrDefault(job.JobId) + 1;
        if (times > MaxRecoveries)
        {
            _recoveries.Remove(job.JobId);
            LogGivenUp(logger, job.JobId, job.TenantId, MaxRecoveries);
            await settlement.EndAsync(new JobRef(job.TenantId, job.JobId), GenerationJobStatus.Failed,
                "The generation could not be handed to a worker; its credits were released.", ct);
            return true;
        }

        await using var scope = scopes.CreateTenantScope(job.TenantId);
        var requeued = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().GenerationJobs
            .Where(j => j.Id == job.JobId && j.Status == GenerationJobStatus.Dispatched && j.DispatchedAtUtc < cutoff)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, GenerationJobStatus.Queued).SetProperty(j => j.Step, 0), ct);
        LogRequeued(logger, job.JobId, job.TenantId, times, requeued == 1);
        return requeued == 1;
    }

    private sealed record StrandedCandidate(Guid JobId, Guid TenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId} was stranded in Dispatched without a live Hangfire job; back in the queue (recovery {Times}): {Requeued}")]
    private static partial void LogRequeued(ILogger logger, Guid jobId, Guid tenantId, int times, bool requeued);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} of tenant {TenantId} was stranded again after {Times} recoveries; failing it")]
    private static partial void LogGivenUp(ILogger logger, Guid jobId, Guid tenantId, int times);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stranded-job sweep failed; trying again on the next tick")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
