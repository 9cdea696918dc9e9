using System.Collections.Concurrent;

namespace SdPortal.Web.Generation;

/// <summary><see cref="LiveProgress"/> of the one web node of the embedded default.</summary>
public sealed class MemoryLiveProgress(TimeProvider time) : LiveProgress(time)
{
    private readonly ConcurrentDictionary<Guid, (int Step, int TotalSteps)> _entries = new();

    public override ValueTask<(int Step, int TotalSteps)?> FindAsync(Guid jobId) =>
        ValueTask.FromResult(_entries.TryGetValue(jobId, out var e) ? e : ((int, int)?)null);

    public override ValueTask<IReadOnlyDictionary<Guid, int>> FindStepsAsync(IReadOnlyCollection<Guid> jobIds) =>
        ValueTask.FromResult<IReadOnlyDictionary<Guid, int>>(jobIds.Where(_entries.ContainsKey).Distinct().ToDictionary(id => id, id => _entries[id].Step));

    protected override ValueTask StoreAsync(Guid jobId, int step, int totalSteps)
    {
        _entries[jobId] = (step, totalSteps);
        return ValueTask.CompletedTask;
    }

    protected override ValueTask DeleteAsync(Guid jobId)
    {
        _entries.TryRemove(jobId, out _);
        return ValueTask.CompletedTask;
    }
}
