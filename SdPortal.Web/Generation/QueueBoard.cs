using System.Collections.Frozen;

namespace SdPortal.Web.Generation;

/// <summary>
/// The queue as the dispatcher last saw it: each queued job's position and estimated start. Readers (GET, the hub)
/// never query the whole queue themselves; each dispatcher pass replaces the board. Per node: every node's dispatcher
/// computes the same positions from the job table, and the run-time average behind the ETAs is shared (<see cref="RunTimeAverage"/>).
/// </summary>
public sealed class QueueBoard
{
    private FrozenDictionary<Guid, QueueSpot> _spots = FrozenDictionary<Guid, QueueSpot>.Empty;
    private TaskCompletionSource _nextPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Workers serving the generation queue at the last pass.</summary>
    public int Capacity { get; private set; }

    /// <summary>Completes when the next dispatcher pass has published.</summary>
    public Task NextPass => Volatile.Read(ref _nextPass).Task;

    public QueueSpot? Find(Guid jobId) => _spots.GetValueOrDefault(jobId);

    internal void Publish(IReadOnlyDictionary<Guid, QueueSpot> spots, int capacity)
    {
        Capacity = capacity;
        Volatile.Write(ref _spots, spots.ToFrozenDictionary());
        Interlocked.Exchange(ref _nextPass, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
