using System.Collections.Frozen;

namespace SdPortal.Web.Generation;

/// <summary>
/// The queue as the dispatcher last saw it: each queued job's position and estimated start. Readers (GET, the hub)
/// never query the whole queue themselves; each dispatcher pass replaces the board.
/// </summary>
public sealed class QueueBoard
{
    private FrozenDictionary<Guid, QueueSpot> _spots = FrozenDictionary<Guid, QueueSpot>.Empty;
    private TaskCompletionSource _nextPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Workers serving the generation queue at the last pass.</summary>
    public int Capacity { get; private set; }

    /// <summary>Completes when the next dispatcher pass has published.</summary>
    public Task NextPass => Volatile.Read(ref _nextPass).Task;

    /// <summary>The moving average of recent run times, for ETAs; null before any job finished here.</summary>
    public double? AverageRunSeconds { get; private set; }

    public QueueSpot? Find(Guid jobId) => _spots.GetValueOrDefault(jobId);

    /// <summary>Folds a finished job's run time into <see cref="AverageRunSeconds"/> (weight 1/5 for the newest).</summary>
    public void RecordRun(TimeSpan run) =>
        AverageRunSeconds = AverageRunSeconds is { } average ? (0.8 * average) + (0.2 * run.TotalSeconds) : run.TotalSeconds;

    internal void Publish(IReadOnlyDictionary<Guid, QueueSpot> spots, int capacity)
    {
        Capacity = capacity;
        Volatile.Write(ref _spots, spots.ToFrozenDictionary());
        Interlocked.Exchange(ref _nextPass, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
