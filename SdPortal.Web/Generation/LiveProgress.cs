using System.Collections.Concurrent;

namespace SdPortal.Web.Generation;

/// <summary>
/// The latest step of each running job reported to this web node. Steps are not written to the database (a write per
/// step would cost more than the step on a fast GPU); GET reads them from here and falls back to the row.
/// </summary>
public sealed class LiveProgress(TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, Entry> _entries = new();

    public (int Step, int TotalSteps)? Find(Guid jobId) =>
        _entries.TryGetValue(jobId, out var e) ? (e.Step, e.TotalSteps) : null;

    /// <summary>Records a step; answers true when the job's cancel flag is due for a database check (once a second).</summary>
    public bool Record(Guid jobId, int step, int totalSteps)
    {
        var now = time.GetUtcNow();
        var checkDue = false;
        _entries.AddOrUpdate(jobId, _ => new Entry(step, totalSteps, now), (_, e) =>
        {
            checkDue = now - e.LastCancelCheck >= TimeSpan.FromSeconds(1);
            return new Entry(step, totalSteps, checkDue ? now : e.LastCancelCheck);
        });
        return checkDue;
    }

    public void Remove(Guid jobId) => _entries.TryRemove(jobId, out _);

    private sealed record Entry(int Step, int TotalSteps, DateTimeOffset LastCancelCheck);
}
