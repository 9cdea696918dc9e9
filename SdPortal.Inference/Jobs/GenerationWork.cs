using System.Diagnostics;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Telemetry;

namespace SdPortal.Inference.Jobs;

/// <summary>
/// The Hangfire job of one generation, run by the web node's in-process worker or by an inference host. The job row,
/// not Hangfire, owns the job's state and attempts (see <c>JobStates</c> in SdPortal.Data): the worker takes a lease
/// at start, a <see cref="LeaseKeeper"/> renews it while the run makes progress, and only the lease holder settles.
/// Every gateway call has its own timeout; a settlement that fails is tried again while the lease is held and is never
/// reported as a generation error, so a finished image is never generated twice because saving it was slow. Errors
/// hand the job back to the portal, which requeues it or fails it once <c>Generation:MaxAttempts</c> are used, so
/// Hangfire does not retry (a Hangfire job that throws is one whose start never reached the portal; the portal's
/// recovery sweep puts such a job back).
/// </summary>
public sealed partial class GenerationWork(
    IJobGateway gateway,
    IGenerationEngine engine,
    IHostApplicationLifetime lifetime,
    IOptions<GenerationWorkOptions> options,
    TimeProvider time,
    ILogger<GenerationWork> logger)
{
    /// <summary>The Hangfire queue generation jobs travel on.</summary>
    public const string Queue = "generation";

    /// <summary>How long a run that lost its lease or hung gets to stop before the worker leaves it behind.</summary>
    private static readonly TimeSpan LeaveBehindAfter = TimeSpan.FromSeconds(10);

    private const int StartTries = 3;

    private TimeSpan CallTimeout => options.Value.GatewayCall;

    /// <summary>Runs job <paramref name="jobId"/> of <paramref name="tenantId"/>.</summary>
    /// <param name="tenantId">The job's tenant, opaque here.</param>
    /// <param name="jobId">The generation job.</param>
    /// <param name="context">Hangfire's context (enqueue null); unused, kept so jobs already in storage still bind.</param>
    /// <param name="cancellationToken">
    /// Hangfire's token: cancelled when the server stops, but also when Hangfire handed this job to another execution
    /// (SQLite's invisibility timeout does not slide) and that one finished. Only the host stopping stops the run: the
    /// job row, not Hangfire's copy, decides who runs the job.
    /// </param>
    [Queue(Queue)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunAsync(Guid tenantId, Guid jobId, PerformContext? context, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(() =>
        {
            if (!lifetime.ApplicationStopping.IsCancellationRequested)
            {
                LogHangfireAborted(logger, jobId);
            }
        });
        var shutdown = lifetime.ApplicationStopping;
        using var trace = JobTrace.Start("job run", jobId, ActivityKind.Consumer);
        var job = new JobRef(tenantId, jobId);
        if (await StartAsync(job, shutdown) is not { } ticket)
        {
            LogNothingToDo(logger, jobId, tenantId);
            return;
        }

        var lease = new JobLease(job, ticket.Lease.Id);
        var started = time.GetTimestamp();
        LogStarted(logger, jobId, tenantId, ticket.Model, ticket.Spec.DenoisingSteps, WorkerIdentity.Name, ticket.Lease.Duration.TotalSeconds);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        await using var keeper = new LeaseKeeper(gateway, lease, ticket.Lease, run, time, CallTimeout, logger);
        JobOutput output;
        try
        {
            output = await GenerateAsync(ticket, keeper, run.Token);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            LogShutdown(logger, jobId, tenantId, time.GetElapsedTime(started).TotalMilliseconds);
            await CallOnceAsync(ct => gateway.AbandonAsync(lease, "The worker shut down; the job runs again.", countsAsAttempt: false, ct));
            return;
        }
        catch (Exception) when (keeper.Stop is RunStop.Lost)
        {
            // The portal recovered the job (or could not be reached for a whole lease): it is someone else's now.
            return;
        }
        catch (Exception) when (keeper.Stop is RunStop.Stalled)
        {
            await CallOnceAsync(ct => gateway.AbandonAsync(lease, "The worker stopped making progress.", countsAsAttempt: true, ct));
            return;
        }
        catch (OperationCanceledException) when (keeper.Stop is RunStop.CancelRequested)
        {
            await SettleAsync(keeper, async ct => await gateway.CancelledAsync(lease, ct));
            LogCancelled(logger, jobId, tenantId, time.GetElapsedTime(started).TotalMilliseconds);
            return;
        }
        catch (Exception ex) when (FailureClassifier.IsPermanent(ex))
        {
            LogFailed(logger, ex, jobId, tenantId);
            await SettleAsync(keeper, async ct => await gateway.FailAsync(lease, FailureClassifier.Describe(ex), ct));
            return;
        }
        catch (Exception ex)
        {
            // Transient (GPU out of memory, a lost connection): the portal requeues the job or, on its last attempt, fails it.
            LogTransient(logger, ex, jobId, tenantId);
            await SettleAsync(keeper, async ct => await gateway.AbandonAsync(lease, FailureClassifier.Describe(ex), countsAsAttempt: true, ct));
            return;
        }

        var accepted = false;
        var delivered = await SettleAsync(keeper, async ct => accepted = await gateway.CompleteAsync(lease, output, ct));
        if (accepted)
        {
            LogSucceeded(logger, jobId, tenantId, output.Images.Count, time.GetElapsedTime(started).TotalMilliseconds, output.Device);
        }
        else if (delivered)
        {
            // The portal refused it (the lease had moved on); an undelivered result is logged by SettleAsync.
            LogDiscarded(logger, jobId, tenantId);
        }
    }

    private async Task<JobTicket?> StartAsync(JobRef job, CancellationToken shutdown)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var call = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
            call.CancelAfter(CallTimeout);
            try
            {
                return await gateway.StartAsync(job, WorkerIdentity.Name, call.Token);
            }
            catch (Exception ex) when (attempt < StartTries && !shutdown.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                LogStartRetry(logger, ex, job.JobId, attempt);
                await Task.Delay(Backoff(attempt), time, shutdown);
            }
        }
    }

    private async Task<JobOutput> GenerateAsync(JobTicket ticket, LeaseKeeper keeper, CancellationToken token)
    {
        await using var relay = new ProgressRelay(gateway, keeper, CallTimeout, logger);
        var generation = engine.GenerateAsync(ticket.Model, ticket.Spec, relay, token);
        if (await Task.WhenAny(generation, keeper.Gone) != generation
            && await Task.WhenAny(generation, Task.Delay(LeaveBehindAfter, time, CancellationToken.None)) != generation)
        {
            // A hung native call may never see its cancellation: free this worker for the queue and leave the run behind.
            LogLeftBehind(logger, keeper.Lease.Job.JobId, LeaveBehindAfter.TotalSeconds);
            _ = generation.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new OperationCanceledException("The run was left behind.", token);
        }

        var (result, device) = await generation;
        return new JobOutput(result.Images, result.Seed, result.Timings, device) { Warnings = result.Warnings };
    }

    /// <summary>
    /// Settles through <paramref name="call"/>, each try with its own timeout, until it gets through, the lease is lost
    /// (the job was recovered elsewhere: nothing of this run counts) or <see cref="GenerationWorkOptions.SettleFor"/> passes.
    /// Not tied to the shutdown token: a finished result is worth the shutdown grace. Answers whether the call got through.
    /// </summary>
    private async Task<bool> SettleAsync(LeaseKeeper keeper, Func<CancellationToken, Task> call)
    {
        var began = time.GetTimestamp();
        for (var attempt = 1; keeper.Held; attempt++)
        {
            using var timeout = new CancellationTokenSource(CallTimeout, time);
            try
            {
                await call(timeout.Token);
                return true;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (time.GetElapsedTime(began) > options.Value.SettleFor)
                {
                    LogSettleGaveUp(logger, ex, keeper.Lease.Job.JobId, attempt);
                    return false;
                }

                LogSettleRetry(logger, ex, keeper.Lease.Job.JobId, attempt);
                await Task.Delay(Backoff(attempt), time, CancellationToken.None);
            }
        }

        LogDiscarded(logger, keeper.Lease.Job.JobId, keeper.Lease.Job.TenantId);
        return false;
    }

    /// <summary>One best-effort call: if it fails, the lease lapses and the portal recovers the job anyway.</summary>
    private async Task CallOnceAsync(Func<CancellationToken, Task> call)
    {
        using var timeout = new CancellationTokenSource(CallTimeout, time);
        try
        {
            await call(timeout.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogHandBackLost(logger, ex);
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(250 * (1 << Math.Min(attempt, 6)), 10_000));

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: nothing to do (finished, cancelled, held by another worker or unknown)")]
    private static partial void LogNothingToDo(ILogger logger, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: started {Model}, {Steps} steps, on {Worker} (lease {LeaseSeconds:F0} s)")]
    private static partial void LogStarted(ILogger logger, Guid jobId, Guid tenantId, string model, int steps, string worker, double leaseSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: succeeded with {Count} image(s) in {Ms:F0} ms on {Device}")]
    private static partial void LogSucceeded(ILogger logger, Guid jobId, Guid tenantId, int count, double ms, string device);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId}: this worker no longer holds the job; its result is discarded")]
    private static partial void LogDiscarded(ILogger logger, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: cancelled by its owner after {Ms:F0} ms")]
    private static partial void LogCancelled(ILogger logger, Guid jobId, Guid tenantId, double ms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId}: worker shutting down after {Ms:F0} ms; handed back to the queue")]
    private static partial void LogShutdown(ILogger logger, Guid jobId, Guid tenantId, double ms);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} of tenant {TenantId}: failed permanently")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId}: transient error; handed back to the portal")]
    private static partial void LogTransient(ILogger logger, Exception exception, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: start did not reach the portal (try {Attempt}); trying again")]
    private static partial void LogStartRetry(ILogger logger, Exception exception, Guid jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: settling did not get through (try {Attempt}); trying again, the result is kept")]
    private static partial void LogSettleRetry(ILogger logger, Exception exception, Guid jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: settling failed {Attempt} times; giving the job up to the portal's recovery")]
    private static partial void LogSettleGaveUp(ILogger logger, Exception exception, Guid jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: the run did not stop within {Seconds:F0} s of losing its lease; left behind")]
    private static partial void LogLeftBehind(ILogger logger, Guid jobId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: Hangfire aborted this execution (its copy of the job changed state); the run goes on while it holds the lease")]
    private static partial void LogHangfireAborted(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A job's hand-back did not reach the portal; its lease will lapse and the portal recovers it")]
    private static partial void LogHandBackLost(ILogger logger, Exception exception);
}
