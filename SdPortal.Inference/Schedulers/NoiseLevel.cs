namespace SdPortal.Inference.Schedulers;

/// <summary>
/// How diffusers' add_noise mixes clean latents and standard-normal noise at one model call:
/// noisy = Signal·x₀ + Noise·ε, in float32. Each family reads its own table, as its diffusers class does.
/// </summary>
internal readonly record struct NoiseLevel(float Signal, float Noise)
{
    /// <summary>
    /// DDPM / DDIM / PNDM / LCM: √ᾱ_t·x₀ + √(1 − ᾱ_t)·ε with ᾱ_t the float32 table entry at the integer timestep t
    /// (alphas_cumprod[t] ** 0.5 and (1 − alphas_cumprod[t]) ** 0.5 in torch).
    /// </summary>
    public static NoiseLevel Ddpm(NoiseSchedule schedule, int timestep)
    {
        var alphaCumprod = schedule.AlphaCumprod(timestep);
        return new NoiseLevel(MathF.Sqrt(alphaCumprod), MathF.Sqrt(1f - alphaCumprod));
    }

    /// <summary>Euler, Euler a, Heun, LMS: x₀ + σ·ε, the variance-exploding form (original + noise · sigma).</summary>
    public static NoiseLevel VarianceExploding(float sigma) => new(1f, sigma);

    /// <summary>
    /// DPM-Solver++ and UniPC: α_t·x₀ + σ_t·ε with α_t = 1/√(σ² + 1) and σ_t = σ·α_t derived from the schedule's σ
    /// (_sigma_to_alpha_sigma_t), not from ᾱ at the timestep: with Karras sigmas the rounded timestep's ᾱ differs.
    /// </summary>
    public static NoiseLevel VariancePreserving(float sigma)
    {
        var vp = VpSigma.From(sigma);
        return new NoiseLevel(vp.AlphaT, vp.SigmaT);
    }
}
