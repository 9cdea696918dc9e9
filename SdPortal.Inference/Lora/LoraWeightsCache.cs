using System.Collections.Concurrent;

namespace SdPortal.Inference.Lora;

/// <summary>
/// Read and checked adapter files by SHA-256, a few at a time (the oldest added is dropped first), so the jobs of a
/// popular adapter do not each re-read and re-check it. Used by the portal's gateway and by remote hosts alike.
/// </summary>
public sealed class LoraWeightsCache
{
    private const int Kept = 16;
    private readonly ConcurrentDictionary<string, LoraWeights> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>The file of <paramref name="sha256"/>, when held.</summary>
    public bool TryGet(string sha256, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LoraWeights? weights) =>
        _files.TryGetValue(sha256, out weights);

    /// <summary>Keeps <paramref name="weights"/> under its hash, dropping the oldest beyond the bound.</summary>
    public void Keep(LoraWeights weights)
    {
        if (_files.TryAdd(weights.Sha256, weights))
        {
            _order.Enqueue(weights.Sha256);
        }

        while (_files.Count > Kept && _order.TryDequeue(out var oldest))
        {
            _files.TryRemove(oldest, out _);
        }
    }
}
