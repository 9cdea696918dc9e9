using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Jobs;

/// <summary>
/// Carries pipeline progress to the gateway off the denoising thread: the pipeline never waits on the portal, and
/// when steps outpace the gateway the oldest pending steps are dropped (the newest, with the latest preview, wins).
/// Each step tells the <see cref="LeaseKeeper"/> the run is alive; a gateway answer that the owner cancelled stops the
/// run, which ends within one step.
/// </summary>
internal sealed partial class ProgressRelay : IProgress<GenerationProgress>, IAsyncDisposable
{
    private readonly Channel<GenerationProgress> _pending =
        Channel.CreateBounded<GenerationProgress>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly IJobGateway _gateway;
    private readonly LeaseKeeper _lease;
    private readonly TimeSpan _callTimeout;
    private readonly ILogger _logger;
    private readonly Task _pump;

    public ProgressRelay(IJobGateway gateway, LeaseKeeper lease, TimeSpan callTimeout, ILogger logger)
    {
        (_gateway, _lease, _callTimeout, _logger) = (gateway, lease, callTimeout, logger);
        _pump = Task.Run(PumpAsync);
    }

    public void Report(GenerationProgress value)
    {
        _lease.Touch();
        _pending.Writer.TryWrite(value);
    }

    /// <summary>Sends what is pending and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _pump;
    }

    private async Task PumpAsync()
    {
        await foreach (var step in _pending.Reader.ReadAllAsync())
        {
            if (!_lease.Held)
            {
                continue;
            }

            using var call = new CancellationTokenSource(_callTimeout);
            try
            {
                var progress = new JobProgress(step.Step, step.TotalSteps, step.PreviewPng);
                if (await _gateway.ReportProgressAsync(_lease.Lease, progress, call.Token) && _lease.Stop is null)
                {
                    LogCancelRequested(_logger, _lease.Lease.Job.JobId, step.Step);
                    _lease.CancelRequested();
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or TimeoutException or OperationCanceledException
                                           or System.Data.Common.DbException)
            {
                // Progress is advisory: a lost step costs a viewer one update, never the job.
                LogProgressLost(_logger, ex, _lease.Lease.Job.JobId, step.Step);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: cancel requested by its owner at step {Step}")]
    private static partial void LogCancelRequested(ILogger logger, Guid jobId, int step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: progress of step {Step} could not be delivered")]
    private static partial void LogProgressLost(ILogger logger, Exception exception, Guid jobId, int step);
}
