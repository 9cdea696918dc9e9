using System.Collections.Concurrent;
using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Operators;

/// <summary>
/// The workers serving generation jobs as their last reports describe them (in-process worker and inference hosts
/// alike, through the job gateway). A worker silent for three report intervals is taken for gone (killed, or its
/// reports go to another web node) and left out.
/// </summary>
public sealed class WorkerPool(TimeProvider time)
{
    /// <summary>How long a report counts.</summary>
    public static readonly TimeSpan ReportLifetime = 3 * WorkerStatusReporter.Interval;

    private readonly ConcurrentDictionary<string, ReportedWorker> _workers = new(StringComparer.Ordinal);

    public void Record(WorkerReport report) =>
        _workers[report.WorkerName] = new ReportedWorker(report, time.GetUtcNow());

    /// <summary>The workers heard from within <see cref="ReportLifetime"/>, by name.</summary>
    public IReadOnlyList<ReportedWorker> Current()
    {
        var cutoff = time.GetUtcNow() - ReportLifetime;
        foreach (var stale in _workers.Where(w => w.Value.ReceivedAt < cutoff))
        {
            _workers.TryRemove(stale);
        }

        return [.. _workers.Values.OrderBy(w => w.Report.WorkerName, StringComparer.Ordinal)];
    }
}

/// <summary>A worker's last report and when it arrived.</summary>
public sealed record ReportedWorker(WorkerReport Report, DateTimeOffset ReceivedAt);
