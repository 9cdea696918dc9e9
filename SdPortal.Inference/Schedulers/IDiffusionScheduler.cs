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

    /// <summary>Model calls per inference step (diffusers' <c>scheduler.order</c>: Heun 2, the others 1).</summary>
    int Order { get; }

    /// <summary>The first model call of the run: 0, or where <see cref="SetBeginIndex"/> put it.</summary>
    int BeginIndex { get; }

    /// <summary>
    /// Starts the run at model call <paramref name="index"/> (diffusers' <c>set_begin_index</c>): image-to-image runs
    /// only the tail <c>Timesteps[index..]</c>, from latents noised with <see cref="AddNoise"/> at <paramref name="index"/>.
    /// Call it before the first step.
    /// </summary>
    void SetBeginIndex(int index);

    /// <summary>
    /// Noises the clean latents <paramref name="original"/> with standard-normal <paramref name="noise"/> to the level
    /// of model call <paramref name="stepIndex"/> (diffusers' <c>add_noise</c> at <c>Timesteps[stepIndex]</c>), into
    /// <paramref name="destination"/>; image-to-image's start and legacy inpainting's per-step re-noising.
    /// </summary>
    void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination);

    /// <summary>Writes the model input for call <paramref name="stepIndex"/> (identity for DDPM-style schedulers).</summary>
    void ScaleModelInput(ReadOnlySpan<float> sample, int stepIndex, Span<float> destination);

    /// <summary>
    /// Advances <paramref name="sample"/> in place from the model output of call <paramref name="stepIndex"/> and writes
    /// the current estimate of the clean latents (diffusers' pred_original_sample) to <paramref name="predictedOriginal"/>.
    /// </summary>
    void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, Span<float> predictedOriginal);
}
