namespace SdPortal.Inference.Schedulers;

/// <summary>How the training noise variances β are laid out over the training timesteps (diffusers' <c>beta_schedule</c>).</summary>
public enum BetaSchedule
{
    /// <summary>β evenly spaced from beta_start to beta_end ("linear").</summary>
    Linear,

    /// <summary>√β evenly spaced, then squared ("scaled_linear"), the Stable Diffusion schedule.</summary>
    ScaledLinear,

    /// <summary>The cosine schedule of Nichol and Dhariwal (2021), β capped at 0.999 ("squaredcos_cap_v2").</summary>
    SquaredCosCapV2,
}
