using Microsoft.ML.OnnxRuntime;
using SdPortal.Inference.Batching;

namespace SdPortal.Tests.Batching;

/// <summary>
/// The real runner, except that call number <see cref="HoldCall"/> waits for <see cref="Open"/>: while the device is
/// busy with it, a test can line up other jobs' steps and know they will be assembled together.
/// </summary>
internal sealed class GatedRunner(IBatchRunner inner, int holdCall) : IBatchRunner
{
    private readonly ManualResetEventSlim _gate = new();
    private int _calls;
    private int _heldJobs;

    public int HoldCall => holdCall;

    /// <summary>Jobs in the held call once it has started (0 before).</summary>
    public int HeldJobs => Volatile.Read(ref _heldJobs);

    public void Open() => _gate.Set();

    public void Run(BatchKey key, IReadOnlyList<BatchSlot> slots, int bucket, RunOptions options)
    {
        if (Interlocked.Increment(ref _calls) == holdCall)
        {
            Volatile.Write(ref _heldJobs, slots.Count);
            if (!_gate.Wait(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException("The test never opened the gate.");
            }
        }

        inner.Run(key, slots, bucket, options);
    }

    public void Forget(object model) => inner.Forget(model);

    public void Dispose()
    {
        _gate.Set();
        inner.Dispose();
        _gate.Dispose();
    }
}
