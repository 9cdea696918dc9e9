using SdPortal.Inference.Lora;
using SdPortal.Inference.Tokenization;

namespace SdPortal.Inference.Batching;

/// <summary>
/// What jobs must share to go into one UNet call: the model (its session), the latent size and the conditioning length
/// (tensor shapes), and —
/// when the graph takes one timestep for the whole batch ([1] or scalar) — the timestep, which
/// <see cref="SharedTimestep"/> tells the assembler to match. Guidance is no part of the key: a guided job simply
/// brings 2B samples and an unguided one B, each sample conditioned on its own row.
/// </summary>
/// <param name="Model">The UNet (compared by reference).</param>
/// <param name="LatentHeight">Latent rows (image height ÷ 8).</param>
/// <param name="LatentWidth">Latent columns (image width ÷ 8).</param>
/// <param name="SharedTimestep">Whether the graph's timestep input is broadcast over the batch.</param>
/// <param name="ConditioningLength">Tokens of text conditioning (77 × the prompt's chunks): one tensor shape, so jobs of
/// different chunk counts run in different calls, each at its own buckets.</param>
/// <param name="Adapters">The patched weights of the job's adapter set (compared by reference; one instance per set and
/// model while any job uses it), or <see cref="WeightOverrides.None"/>: jobs of different sets never share a call.</param>
internal readonly record struct BatchKey(
    object Model,
    int LatentHeight,
    int LatentWidth,
    bool SharedTimestep,
    int ConditioningLength = ClipTokenizer.MaxLength,
    WeightOverrides? Adapters = null)
{
    /// <summary>The key of the tensors a call uses: every adapter set shares them.</summary>
    public BatchKey TensorShape => this with { Adapters = null };
}
