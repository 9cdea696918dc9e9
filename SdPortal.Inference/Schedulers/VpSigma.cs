namespace SdPortal.Inference.Schedulers;

/// <summary>
/// A variance-exploding σ seen as the variance-preserving pair of DPM-Solver and UniPC (diffusers'
/// _sigma_to_alpha_sigma_t), in float32: α_t = 1/√(σ² + 1), σ_t = σ·α_t, λ = ln α_t − ln σ_t (= −ln σ; +∞ at σ = 0).
/// </summary>
internal readonly record struct VpSigma(float AlphaT, float SigmaT, float Lambda)
{
    /// <summary>The pair for <paramref name="sigma"/>.</summary>
    public static VpSigma From(float sigma)
    {
        var alpha = 1f / MathF.Sqrt((sigma * sigma) + 1f);
        var sigmaT = sigma * alpha;
        return new VpSigma(alpha, sigmaT, MathF.Log(alpha) - MathF.Log(sigmaT));
    }
}
