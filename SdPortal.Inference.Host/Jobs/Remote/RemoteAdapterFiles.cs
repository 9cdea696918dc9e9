using SdPortal.Inference.Lora;

namespace SdPortal.Inference.Jobs.Remote;

/// <summary>
/// An inference host's adapter files, read and checked, by SHA-256: a ticket names its adapters by hash, and only the
/// ones the host does not hold are fetched from the portal and kept (<see cref="LoraWeightsCache"/>); a file whose
/// bytes do not hash to what the ticket says is refused.
/// </summary>
public sealed class RemoteAdapterFiles
{
    private readonly LoraWeightsCache _files = new();

    /// <summary>The file of <paramref name="sha256"/>, fetched with <paramref name="fetch"/> when not held; null when it cannot be had.</summary>
    public async Task<LoraWeights?> GetAsync(string sha256, Func<CancellationToken, Task<byte[]?>> fetch, CancellationToken cancellationToken)
    {
        if (_files.TryGet(sha256, out var held))
        {
            return held;
        }

        if (await fetch(cancellationToken) is not { } bytes)
        {
            return null;
        }

        LoraWeights weights;
        try
        {
            weights = LoraWeights.Parse(bytes);
        }
        catch (LoraFormatException)
        {
            return null;
        }

        if (!string.Equals(weights.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        _files.Keep(weights);
        return weights;
    }
}
