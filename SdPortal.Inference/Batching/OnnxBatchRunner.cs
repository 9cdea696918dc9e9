using Microsoft.ML.OnnxRuntime;
using SdPortal.Inference.Lora;
using SdPortal.Inference.Models;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Batching;

/// <summary>
/// Runs shared calls on ONNX Runtime, keeping one <see cref="UNetBatchTensors"/> per (model, latent size, bucket), so
/// the buckets bound how many tensor sets (and, on a GPU, captured graphs) exist. Called from one thread — the device's
/// batcher loop — so the cache needs no lock.
/// </summary>
internal sealed class OnnxBatchRunner : IBatchRunner
{
    private readonly Dictionary<(BatchKey Key, int Bucket), UNetBatchTensors> _tensors = [];

    /// <summary>Tensor sets allocated so far (one per distinct shape run).</summary>
    public int TensorSets => _tensors.Count;

    /// <summary>Conditioning rows rewritten by the last call (0 when every job kept its slot).</summary>
    public int LastConditioningRowsWritten { get; private set; }

    /// <inheritdoc />
    public void Run(BatchKey key, IReadOnlyList<BatchSlot> slots, int bucket, RunOptions options)
    {
        var tensors = TensorsFor(key, slots[0].Denoiser, bucket);
        tensors.Load(slots);
        LastConditioningRowsWritten = tensors.ConditioningRowsWritten;
        tensors.Run(options, key.Adapters ?? WeightOverrides.None);
        tensors.Store(slots);
    }

    /// <inheritdoc />
    public void Forget(object model)
    {
        foreach (var entry in _tensors.Where(e => ReferenceEquals(e.Key.Key.Model, model)).ToList())
        {
            entry.Value.Dispose();
            _tensors.Remove(entry.Key);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensors in _tensors.Values)
        {
            tensors.Dispose();
        }

        _tensors.Clear();
    }

    private UNetBatchTensors TensorsFor(BatchKey key, Denoiser first, int bucket)
    {
        key = key.TensorShape;
        if (!_tensors.TryGetValue((key, bucket), out var tensors))
        {
            var prompt = first.Prompt;
            tensors = new UNetBatchTensors((UNetModel)key.Model, bucket, key.LatentHeight, key.LatentWidth, prompt.SequenceLength, prompt.HiddenSize);
            _tensors.Add((key, bucket), tensors);
        }

        return tensors;
    }
}
