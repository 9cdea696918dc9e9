using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Operators;

/// <summary>
/// The workers serving generation jobs as their last reports describe them (in-process worker and inference hosts
/// alike, through the job gateway). A worker silent for three report intervals is taken for gone (killed) and left
/// out. In memory on one node (<see cref="MemoryWorkerPool"/>); in Redis with several
/// (<see cref="SharedState.RedisWorkerPool"/>), so the pool page lists the same workers whichever node the reports reach.
/// </summary>
public abstract class WorkerPool
{
    /// <summary>How long a report counts.</summary>
    public static readonly TimeSpan ReportLifetime = 3 * WorkerStatusReporter.Interval;

    public abstract ValueTask RecordAsync(WorkerReport report);

    /// <summary>The workers heard from within <see cref="ReportLifetime"/>, by name.</summary>
    public abstract ValueTask<IReadOnlyList<ReportedWorker>> CurrentAsync();
}

/// <summary>A worker's last report and when it arrived.</summary>
public sealed record ReportedWorker(WorkerReport Report, DateTimeOffset ReceivedAt);
