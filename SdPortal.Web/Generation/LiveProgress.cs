using System.Collections.Concurrent;

namespace SdPortal.Web.Generation;

/// <summary>
/// The latest step of each running job. Steps are not written to the database (a write per step would cost more than
/// the step on a fast GPU); GET reads them from here and falls back to the row. In memory on one node
/// (<see cref="MemoryLiveProgress"/>), in Redis when several nodes share the reports (<see cref="SharedState.RedisLiveProgress"/>).
/// The once-a-second schedule of database cancel checks stays per node: it only bounds this node's queries.
/// </summary>
public abstract class LiveProgress(TimeProvider time)
{
    private static readonly TimeSpan CancelCheckInterval = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastCancelCheck = new();

    public abstract ValueTask<(int Step, int TotalSteps)?> FindAsync(Guid jobId);

    /// <summary>The latest steps of those of <paramref name="jobIds"/> that report progress (one round trip for a page).</summary>
    public abstract ValueTask<IReadOnlyDictionary<Guid, int>> FindStepsAsync(IReadOnlyCollection<Guid> jobIds);

    /// <summary>Records a step; answers true when the job's cancel flag is due for a database check (once a second).</summary>
    public async ValueTask<bool> RecordAsync(Guid jobId, int step, int totalSteps)
    {
        await StoreAsync(jobId, step, totalSteps);
        var now = time.GetUtcNow();
        var checkDue = false;
        _lastCancelCheck.AddOrUpdate(jobId, _ => now, (_, last) =>
        {
            checkDue = now - last >= CancelCheckInterval;
            return checkDue ? now : last;
        });
        if (_lastCancelCheck.Count > 1_000)
        {
            // With several nodes a job may end through another node, which removes only its own entry: drop the silent.
            foreach (var silent in _lastCancelCheck.Where(c => now - c.Value > TimeSpan.FromMinutes(10)))
            {
                _lastCancelCheck.TryRemove(silent);
            }
        }

        return checkDue;
    }

    public ValueTask RemoveAsync(Guid jobId)
    {
        _lastCancelCheck.TryRemove(jobId, out _);
        return DeleteAsync(jobId);
    }

    protected abstract ValueTask StoreAsync(Guid jobId, int step, int totalSteps);

    protected abstract ValueTask DeleteAsync(Guid jobId);
}
