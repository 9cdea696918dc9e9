using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SdPortal.Inference.Engine;

namespace SdPortal.Inference.Jobs;

/// <summary>
/// Tells the portal every <see cref="Interval"/> what this worker's devices are doing. Runs wherever generation jobs
/// run (the web node's in-process worker, an inference host). The pool page forgets a worker that stops reporting, so a
/// failed report is logged and the next one simply tries again.
/// </summary>
public sealed partial class WorkerStatusReporter(IJobGateway gateway, IGenerationEngine engine, TimeProvider time, ILogger<WorkerStatusReporter> logger)
    : BackgroundService
{
    /// <summary>How often a worker reports; the pool page treats a worker silent for three intervals as gone.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await gateway.ReportWorkerAsync(new WorkerReport(WorkerIdentity.Name, engine.DescribeDevices()), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogReportFailed(logger, ex, WorkerIdentity.Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {Worker}: could not report device status to the portal; retrying next interval")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string worker);
}
