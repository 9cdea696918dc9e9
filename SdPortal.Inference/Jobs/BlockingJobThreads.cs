namespace SdPortal.Inference.Jobs;

/// <summary>
/// Keeps the thread pool from starving when several generation jobs run at once. A running job holds a pool thread
/// for its whole denoising loop (ONNX Runtime's <c>Run</c> is synchronous), while its progress pump and gateway calls
/// need pool threads too. With the pool's default minimum (one thread per core) the pool adds threads slowly, about one
/// or two a second, so on a 2-core host with 20 workers jobs started in bursts seconds apart and gateway calls waited.
/// </summary>
public static class BlockingJobThreads
{
    /// <summary>Raises the pool's minimum so <paramref name="workers"/> blocked jobs leave room for everything else.</summary>
    public static void Reserve(int workers)
    {
        ThreadPool.GetMinThreads(out var minimum, out var io);
        // One thread per running job, one for its progress pump and gateway calls, plus the pool's usual one per core.
        var wanted = Environment.ProcessorCount + (2 * workers);
        if (wanted > minimum)
        {
            ThreadPool.SetMinThreads(wanted, io);
        }
    }
}
