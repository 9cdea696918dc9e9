using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using SdPortal.Inference.Engine;

namespace SdPortal.Inference.Jobs;

/// <summary>
/// The Hangfire job of one generation, run by the web node's in-process worker or by an inference host. Safe to run
/// twice (Hangfire is at-least-once): the gateway answers "nothing to do" for a finished job and settles credits once.
/// Permanent errors fail the job at once; anything else is retried <see cref="Retries"/> times, and the last attempt
/// fails it and releases the credits before Hangfire moves it to its Failed state.
/// </summary>
public sealed partial class GenerationWork(IJobGateway gateway, IGenerationEngine engine, TimeProvider time, ILogger<GenerationWork> logger)
{
    /// <summary>The Hangfire queue generation jobs travel on.</summary>
    public const string Queue = "generation";

    /// <summary>Retries after the first attempt for a transient error (e.g. GPU out of memory): 3 attempts in all (R14).</summary>
    public const int Retries = 2;

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs job <paramref name="jobId"/> of <paramref name="tenantId"/>.</summary>
    /// <param name="tenantId">The job's tenant, opaque here.</param>
    /// <param name="jobId">The generation job.</param>
    /// <param name="context">Hangfire's context (enqueue null; Hangfire supplies it), for the attempt number.</param>
    /// <param name="cancellationToken">Cancelled when the worker shuts down.</param>
    [Queue(Queue)]
    [AutomaticRetry(Attempts = Retries, DelaysInSeconds = [1, 3], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task RunAsync(Guid tenantId, Guid jobId, PerformContext? context, CancellationToken cancellationToken)
    {
        var job = new JobRef(tenantId, jobId);
        var worker = WorkerIdentity.Name;
        if (await gateway.StartAsync(job, worker, cancellationToken) is not { } ticket)
        {
            LogNothingToDo(logger, jobId, tenantId);
            return;
        }

        var started = time.GetTimestamp();
        LogStarted(logger, jobId, tenantId, ticket.Model, ticket.Request.Steps, worker);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var settle = new CancellationTokenSource(SettleTimeout);
        try
        {
            JobOutput output;
            await using (var relay = new ProgressRelay(gateway, job, cancel, logger))
            {
                var (result, device) = await engine.GenerateAsync(ticket.Model, ticket.Request, relay, cancel.Token);
                output = new JobOutput(result.Images, result.Seed, result.Timings, device);
            }

            await gateway.CompleteAsync(job, output, settle.Token);
            LogSucceeded(logger, jobId, tenantId, output.Images.Count, time.GetElapsedTime(started).TotalMilliseconds, output.Device);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogAbandoned(logger, jobId, tenantId, time.GetElapsedTime(started).TotalMilliseconds);
            await gateway.AbandonAsync(job, "The worker shut down; the job runs again.", settle.Token);
            throw;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await gateway.CancelledAsync(job, settle.Token);
            LogCancelled(logger, jobId, tenantId, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (FailureClassifier.IsPermanent(ex))
        {
            LogFailed(logger, ex, jobId, tenantId);
            await gateway.FailAsync(job, FailureClassifier.Describe(ex), settle.Token);
        }
        catch (Exception ex)
        {
            // Transient (out of memory, a lost connection): Hangfire retries a bounded number of times (R14). The
            // last attempt settles here rather than in a global Hangfire filter, which would outlive its service
            // provider in a process hosting several portals (tests) and cannot be awaited.
            var attempt = (context?.GetJobParameter<int>("RetryCount") ?? 0) + 1;
            LogTransient(logger, ex, jobId, tenantId, attempt, Retries + 1);
            if (attempt > Retries)
            {
                await gateway.FailAsync(job, $"The generation failed after {attempt} attempts: {FailureClassifier.Describe(ex)}", settle.Token);
            }
            else
            {
                await gateway.AbandonAsync(job, FailureClassifier.Describe(ex), settle.Token);
            }

            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: nothing to do (finished, cancelled or unknown)")]
    private static partial void LogNothingToDo(ILogger logger, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: started {Model}, {Steps} steps, on {Worker}")]
    private static partial void LogStarted(ILogger logger, Guid jobId, Guid tenantId, string model, int steps, string worker);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: succeeded with {Count} image(s) in {Ms:F0} ms on {Device}")]
    private static partial void LogSucceeded(ILogger logger, Guid jobId, Guid tenantId, int count, double ms, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId}: cancelled by its owner after {Ms:F0} ms")]
    private static partial void LogCancelled(ILogger logger, Guid jobId, Guid tenantId, double ms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId}: worker shutting down after {Ms:F0} ms; handed back to the queue")]
    private static partial void LogAbandoned(ILogger logger, Guid jobId, Guid tenantId, double ms);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} of tenant {TenantId}: failed permanently")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid jobId, Guid tenantId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} of tenant {TenantId}: transient error on attempt {Attempt} of {Attempts}")]
    private static partial void LogTransient(ILogger logger, Exception exception, Guid jobId, Guid tenantId, int attempt, int attempts);
}
