namespace SdPortal.Web.Generation;

/// <summary>
/// The moving average of recent run times, for queue ETAs (weight 1/5 for the newest). Learned from every job that
/// finishes, on whichever node it settles: in memory on one node (<see cref="MemoryRunTimeAverage"/>), in one Redis
/// key with several (<see cref="SharedState.RedisRunTimeAverage"/>), so every node's dispatcher quotes the same ETA.
/// </summary>
public abstract class RunTimeAverage
{
    /// <summary>The weight of the newest run.</summary>
    public const double NewestWeight = 0.2;

    /// <summary>The average in seconds; null before any job finished.</summary>
    public abstract ValueTask<double?> ReadAsync();

    public abstract ValueTask RecordAsync(TimeSpan run);
}
