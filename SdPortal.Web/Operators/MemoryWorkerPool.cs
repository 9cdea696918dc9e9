using System.Collections.Concurrent;
using SdPortal.Inference.Jobs;

namespace SdPortal.Web.Operators;

/// <summary><see cref="WorkerPool"/> of the one web node of the embedded default.</summary>
public sealed class MemoryWorkerPool(TimeProvider time) : WorkerPool
{
    private readonly ConcurrentDictionary<string, ReportedWorker> _workers = new(StringComparer.Ordinal);

    public override ValueTask RecordAsync(WorkerReport report)
    {
        _workers[report.WorkerName] = new ReportedWorker(report, time.GetUtcNow());
        return ValueTask.CompletedTask;
    }

    public override ValueTask<IReadOnlyList<ReportedWorker>> CurrentAsync()
    {
        var cutoff = time.GetUtcNow() - ReportLifetime;
        foreach (var stale in _workers.Where(w => w.Value.ReceivedAt < cutoff))
        {
            _workers.TryRemove(stale);
        }

        return ValueTask.FromResult<IReadOnlyList<ReportedWorker>>([.. _workers.Values.OrderBy(w => w.Report.WorkerName, StringComparer.Ordinal)]);
    }
}
