namespace SdPortal.Inference.Schedulers;

/// <summary>
/// One job's denoising schedule and its state. The engine's loop is, for i in 0..Timesteps.Count:
/// <c>ScaleModelInput(x, i, xIn)</c>, run the model on xIn at <c>Timesteps[i]</c>, then <c>Step(output, i, x, x0)</c>.
/// Multi-evaluation schedulers (Heun, PNDM's warm-up) list a timestep once per model call, as diffusers does.
/// An instance holds per-job history (preallocated on first use), so every job owns its own scheduler.
/// Spans cover the job's whole latent batch; the arithmetic is element-wise.
/// </summary>
public interface IDiffusionScheduler
{
    /// <summary>The familiar sampler name (A1111/ComfyUI), e.g. "Euler a" or "DPM++ 2M Karras".</summary>
    string Name { get; }

    /// <summary>The timestep passed to the model at each call, in order.</summary>
    IReadOnlyList<double> Timesteps { get; }

    /// <summary>The sigma schedule for sigma-based schedulers (ending in 0), otherwise null.</summary>
    IReadOnlyList<double>? Sigmas { get; }

    /// <summary>The standard deviation of the initial noise: latents = N(0,1) · InitNoiseSigma.</summary>
    float InitNoiseSigma { get; }

    /// <summary>Whether <see cref="Step"/> draws fresh noise (ancestral, LCM).</summary>
    bool IsStochastic { get; }

    /// <summary>Writes the model input for call <paramref name="stepIndex"/> (identity for DDPM-style schedulers).</summary>
    void ScaleModelInput(ReadOnlySpan<float> sample, int stepIndex, Span<float> destination);

    /// <summary>
    /// Advances <paramref name="sample"/> in place from the model output of call <paramref name="stepIndex"/> and writes
    /// the current estimate of the clean latents (diffusers' pred_original_sample) to <paramref name="predictedOriginal"/>.
    /// </summary>
    void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal);
}
