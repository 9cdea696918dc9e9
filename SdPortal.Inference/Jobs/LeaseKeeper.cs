using Microsoft.Extensions.Logging;

namespace SdPortal.Inference.Jobs;

/// <summary>
/// Keeps a running job's lease alive while the worker makes progress, off the denoising thread: it renews every
/// <see cref="LeaseTerms.RenewEvery"/> whatever the pipeline is doing (a long step, the VAE decode, settlement), and
/// stops the run when the lease cannot be kept. It gives the lease up on purpose when the run is hung (no step for
/// <see cref="LeaseTerms.StallAfter"/>), so a hung worker loses its job like a dead one. Each renewal has its own
/// timeout; failed renewals are retried until the lease would have lapsed, then the job counts as lost.
/// </summary>
internal sealed partial class LeaseKeeper : IAsyncDisposable
{
    private readonly IJobGateway _gateway;
    private readonly LeaseTerms _terms;
    private readonly TimeProvider _time;
    private readonly TimeSpan _callTimeout;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _run;
    private readonly CancellationTokenSource _disposed = new();
    private readonly TaskCompletionSource _gone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private long _lastStep;
    private int _stop;

    public LeaseKeeper(IJobGateway gateway, JobLease lease, LeaseTerms terms, CancellationTokenSource run, TimeProvider time, TimeSpan callTimeout, ILogger logger)
    {
        (_gateway, Lease, _terms, _run, _time, _callTimeout, _logger) = (gateway, lease, terms, run, time, callTimeout, logger);
        _lastStep = time.GetTimestamp();
        _loop = Task.Run(RenewLoopAsync);
    }

    public JobLease Lease { get; }

    /// <summary>Why the run was stopped; null while it may go on.</summary>
    public RunStop? Stop => Volatile.Read(ref _stop) is var s and > 0 ? (RunStop)s : null;

    /// <summary>True while this worker still holds the job (it may report on and settle it).</summary>
    public bool Held => Stop is null or RunStop.CancelRequested;

    /// <summary>Completes when the lease is lost or given up (not on an owner's cancel, which the worker still reports).</summary>
    public Task Gone => _gone.Task;

    /// <summary>The pipeline reached another step: the run is alive.</summary>
    public void Touch() => Interlocked.Exchange(ref _lastStep, _time.GetTimestamp());

    /// <summary>The owner asked to cancel (a progress answer): stop the run, keep the lease to report it.</summary>
    public void CancelRequested() => StopRun(RunStop.CancelRequested);

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        await _loop;
        _disposed.Dispose();
    }

    private async Task RenewLoopAsync()
    {
        var renewedAt = _time.GetTimestamp();
        using var timer = new PeriodicTimer(_terms.RenewEvery > TimeSpan.Zero ? _terms.RenewEvery : TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_disposed.Token))
            {
                if (_time.GetElapsedTime(Interlocked.Read(ref _lastStep)) > _terms.StallAfter)
                {
                    LogStalled(_logger, Lease.Job.JobId, _terms.StallAfter.TotalSeconds);
                    Lose(RunStop.Stalled);
                    return;
                }

                switch (await TryRenewAsync())
                {
                    case LeaseState.Held:
                        renewedAt = _time.GetTimestamp();
                        break;
                    case LeaseState.CancelRequested:
                        renewedAt = _time.GetTimestamp();
                        StopRun(RunStop.CancelRequested);
                        break;
                    case LeaseState.Lost:
                        LogLost(_logger, Lease.Job.JobId, "the portal recovered or ended the job");
                        Lose(RunStop.Lost);
                        return;
                    case null when _time.GetElapsedTime(renewedAt) >= _terms.Duration:
                        LogLost(_logger, Lease.Job.JobId, $"no renewal reached the portal for {_terms.Duration.TotalSeconds:F0} s");
                        Lose(RunStop.Lost);
                        return;
                }
            }
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            // The job is over; the lease ends with its settlement.
        }
    }

    /// <summary>One renewal with its own timeout; null when it did not get through.</summary>
    private async Task<LeaseState?> TryRenewAsync()
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        call.CancelAfter(_callTimeout);
        try
        {
            return await _gateway.RenewAsync(Lease, call.Token);
        }
        catch (Exception ex) when (!_disposed.IsCancellationRequested && ex is not OutOfMemoryException)
        {
            LogRenewFailed(_logger, ex, Lease.Job.JobId);
            return null;
        }
    }

    private void Lose(RunStop why)
    {
        StopRun(why);
        _gone.TrySetResult();
    }

    private void StopRun(RunStop why)
    {
        // A loss overrides a cancel request (the job is no longer ours to report); nothing overrides a loss.
        int current;
        do
        {
            current = Volatile.Read(ref _stop);
            if (current >= (int)why)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _stop, (int)why, current) != current);

        try
        {
            _run.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run has already ended.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: no step for {Seconds:F0} s; the run is hung and gives its lease up, so the job is recovered")]
    private static partial void LogStalled(ILogger logger, Guid jobId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: lease lost ({Why}); the run stops and settles nothing")]
    private static partial void LogLost(ILogger logger, Guid jobId, string why);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: lease renewal did not get through; retrying")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, Guid jobId);
}

/// <summary>Why a run was stopped before it finished, in increasing precedence.</summary>
internal enum RunStop
{
    /// <summary>The owner asked to cancel; the worker still holds the job and reports the cancellation.</summary>
    CancelRequested = 1,

    /// <summary>The run made no progress for too long; the worker gives the job back.</summary>
    Stalled = 2,

    /// <summary>The portal took the job back (or could not be reached for a whole lease).</summary>
    Lost = 3,
}
