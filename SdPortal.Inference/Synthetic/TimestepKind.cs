namespace SdPortal.Inference.Synthetic;

/// <summary>
/// The form of the UNet's <c>timestep</c> input. Real exports differ here, so the pipeline must read the input's
/// metadata rather than assume one form.
/// </summary>
public enum TimestepKind
{
    /// <summary><c>int64 [batch]</c>: one integer timestep per sample (Optimum-style exports).</summary>
    Int64PerSample,

    /// <summary>
    /// <c>float [1]</c>: a single timestep broadcast over the batch (older diffusers exports). The element type follows
    /// the model precision (float16 in an fp16 model), as in diffusers' fp16 conversions.
    /// </summary>
    FloatScalar,
}
