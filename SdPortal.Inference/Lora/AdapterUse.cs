namespace SdPortal.Inference.Lora;

/// <summary>One adapter of a job, read and ready: its name as the job gave it, its weights and its strength.</summary>
/// <param name="Name">The name the spec or prompt used (recorded in the image's parameters).</param>
/// <param name="Weights">The parsed file.</param>
/// <param name="Strength">The multiplier w of W' = W + w · (α/r) · up · down.</param>
public sealed record AdapterUse(string Name, LoraWeights Weights, float Strength);

/// <summary>A job's adapters; jobs with equal <see cref="Signature"/>s run with the same patched weights.</summary>
public sealed class AdapterSet
{
    public AdapterSet(IReadOnlyList<AdapterUse> uses)
    {
        Uses = uses;
        Signature = string.Join(
            ';',
            uses.Where(u => u.Strength != 0)
                .OrderBy(u => u.Weights.Sha256, StringComparer.Ordinal)
                .ThenBy(u => u.Strength)
                .Select(u => FormattableString.Invariant($"{u.Weights.Sha256}:{u.Strength:R}")));
    }

    /// <summary>The adapters in the job's order.</summary>
    public IReadOnlyList<AdapterUse> Uses { get; }

    /// <summary>The files and strengths, order-independent; empty when nothing changes the model (no adapter, or all at 0).</summary>
    public string Signature { get; }

    /// <summary>Whether the set changes no weight, so the job runs on the stored model exactly.</summary>
    public bool IsEmpty => Signature.Length == 0;
}
