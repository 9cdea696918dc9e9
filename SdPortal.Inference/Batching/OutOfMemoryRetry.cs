namespace SdPortal.Inference.Batching;

/// <summary>
/// Runs a call and, when the device runs out of memory, retries instead of failing the jobs: a call of several jobs is
/// split in two halves run one after the other (recursively), a lone job padded to its bucket is retried at its exact
/// size, and only a lone job that fails at its own size fails — with the out-of-memory error. Every failure lowers
/// <see cref="OutOfMemoryBackoff.Capacity"/>, so later calls are assembled smaller. Other errors propagate.
/// </summary>
internal static class OutOfMemoryRetry
{
    /// <param name="members">The jobs of the call, in slot order.</param>
    /// <param name="samplesOf">Samples each job brings.</param>
    /// <param name="buckets">The device's buckets.</param>
    /// <param name="backoff">The device's capacity, lowered on each failure.</param>
    /// <param name="run">Runs some members at a batch size (bucket); throws on failure.</param>
    /// <param name="fail">Called for each member that could not run even alone.</param>
    public static void Run<T>(
        IReadOnlyList<T> members,
        Func<T, int> samplesOf,
        BatchBuckets buckets,
        OutOfMemoryBackoff backoff,
        Action<IReadOnlyList<T>, int> run,
        Action<T, Exception> fail)
    {
        var samples = members.Sum(samplesOf);
        var bucket = buckets.Choose(samples);
        if (TryRun(members, bucket, backoff, run, out var error))
        {
            return;
        }

        if (members.Count > 1)
        {
            var half = members.Count / 2;
            Run([.. members.Take(half)], samplesOf, buckets, backoff, run, fail);
            Run([.. members.Skip(half)], samplesOf, buckets, backoff, run, fail);
        }
        else if (bucket > samples && TryRun(members, samples, backoff, run, out error))
        {
            return;
        }
        else
        {
            fail(members[0], error!);
        }
    }

    private static bool TryRun<T>(
        IReadOnlyList<T> members, int bucket, OutOfMemoryBackoff backoff, Action<IReadOnlyList<T>, int> run, out Exception? error)
    {
        try
        {
            run(members, bucket);
            backoff.Succeeded();
            error = null;
            return true;
        }
        catch (Exception ex) when (OutOfMemoryErrors.IsOutOfMemory(ex))
        {
            backoff.Failed(bucket);
            error = ex;
            return false;
        }
    }
}
