using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Jobs;

/// <summary>
/// Carries pipeline progress to the gateway off the denoising thread: the pipeline never waits on the portal, and
/// when steps outpace the gateway the oldest pending steps are dropped (the newest, with the latest preview, wins).
/// A gateway answer that the owner cancelled cancels the run, which stops within one step.
/// </summary>
internal sealed partial class ProgressRelay : IProgress<GenerationProgress>, IAsyncDisposable
{
    private readonly Channel<GenerationProgress> _pending =
        Channel.CreateBounded<GenerationProgress>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly IJobGateway _gateway;
    private readonly JobRef _job;
    private readonly CancellationTokenSource _cancel;
    private readonly ILogger _logger;
    private readonly Task _pump;

    public ProgressRelay(IJobGateway gateway, JobRef job, CancellationTokenSource cancel, ILogger logger)
    {
        (_gateway, _job, _cancel, _logger) = (gateway, job, cancel, logger);
        _pump = Task.Run(PumpAsync);
    }

    public void Report(GenerationProgress value) => _pending.Writer.TryWrite(value);

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
            try
            {
                var progress = new JobProgress(step.Step, step.TotalSteps, step.PreviewPng);
                if (await _gateway.ReportProgressAsync(_job, progress, CancellationToken.None) && !_cancel.IsCancellationRequested)
                {
                    LogCancelRequested(_logger, _job.JobId, step.Step);
                    await _cancel.CancelAsync();
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or TimeoutException)
            {
                // Progress is advisory: a lost step costs a viewer one update, never the job.
                LogProgressLost(_logger, ex, _job.JobId, step.Step);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: cancel requested by its owner at step {Step}")]
    private static partial void LogCancelRequested(ILogger logger, Guid jobId, int step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: progress of step {Step} could not be delivered")]
    private static partial void LogProgressLost(ILogger logger, Exception exception, Guid jobId, int step);
}
