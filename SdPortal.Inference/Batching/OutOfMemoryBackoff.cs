namespace SdPortal.Inference.Batching;

/// <summary>
/// How many samples one call may hold on a device. It starts at the largest bucket; an out-of-memory failure at n
/// samples drops it to the largest bucket below n, and after <see cref="RecoverAfter"/> successful calls in a row it
/// climbs back one bucket, so a transient squeeze (another model loading, a large image) does not cap the device for good.
/// </summary>
internal sealed class OutOfMemoryBackoff(BatchBuckets buckets, int recoverAfter = OutOfMemoryBackoff.DefaultRecoverAfter)
{
    /// <summary>Successful calls before the capacity climbs one bucket.</summary>
    public const int DefaultRecoverAfter = 200;

    private int _successes;

    /// <summary>The most samples the next call may hold.</summary>
    public int Capacity { get; private set; } = buckets.Largest;

    /// <summary>Successful calls needed to climb one bucket.</summary>
    public int RecoverAfter => recoverAfter;

    /// <summary>A call of <paramref name="samples"/> (its bucket) ran out of memory.</summary>
    public void Failed(int samples)
    {
        Capacity = Math.Min(Capacity, buckets.Below(samples));
        _successes = 0;
    }

    /// <summary>A call succeeded.</summary>
    public void Succeeded()
    {
        if (Capacity < buckets.Largest && ++_successes >= recoverAfter)
        {
            Capacity = buckets.Choose(Capacity + 1);
            _successes = 0;
        }
    }
}
