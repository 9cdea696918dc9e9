using Microsoft.ML.OnnxRuntime;

namespace SdPortal.Inference.Batching;

/// <summary>Runs one shared UNet call: every slot's input in, every slot's prediction out, at one bucket size.</summary>
internal interface IBatchRunner : IDisposable
{
    /// <summary>
    /// Evaluates the UNet of <paramref name="key"/> for <paramref name="slots"/> in a batch of <paramref name="bucket"/>
    /// samples (the rest is padding whose output is ignored), under <paramref name="options"/>.
    /// </summary>
    void Run(BatchKey key, IReadOnlyList<BatchSlot> slots, int bucket, RunOptions options);

    /// <summary>Releases whatever is held for the UNet <paramref name="model"/> (before its session is closed).</summary>
    void Forget(object model);
}
