namespace SdPortal.Inference.Schedulers;

/// <summary>
/// Turns a model output into the clean-sample estimate x₀ (and the noise estimate ε), element by element, with the
/// float32 operations in diffusers' order. v = √ᾱ·ε − √(1−ᾱ)·x₀ (Salimans and Ho 2022).
/// </summary>
internal static class ModelOutputConversion
{
    /// <summary>
    /// Variance-preserving x_t = √ᾱ·x₀ + √(1−ᾱ)·ε, with a = √ᾱ and b = √(1−ᾱ):
    /// ε-prediction x₀ = (x − b·ε)/a; v-prediction x₀ = a·x − b·v; sample-prediction x₀ = output.
    /// </summary>
    public static float VpOriginal(PredictionType prediction, float output, float x, float a, float b) => prediction switch
    {
        PredictionType.Epsilon => (x - (b * output)) / a,
        PredictionType.VPrediction => (a * x) - (b * output),
        _ => output,
    };

    /// <summary>The matching ε: ε-prediction ε = output; v-prediction ε = a·v + b·x; sample-prediction ε = (x − a·x₀)/b.</summary>
    public static float VpEpsilon(PredictionType prediction, float output, float x, float a, float b) => prediction switch
    {
        PredictionType.Epsilon => output,
        PredictionType.VPrediction => (a * output) + (b * x),
        _ => (x - (a * output)) / b,
    };

    /// <summary>
    /// Variance-exploding x = x₀ + σ·ε (the Euler family): ε-prediction x₀ = x − σ·ε; v-prediction
    /// x₀ = v·(−σ/√(σ²+1)) + x/(σ²+1); sample-prediction x₀ = output.
    /// </summary>
    public static float VeOriginal(PredictionType prediction, float output, float x, in VeCoefficients c) => prediction switch
    {
        PredictionType.Epsilon => x - (c.Sigma * output),
        PredictionType.VPrediction => (output * c.VOutput) + (x / c.VSampleDenominator),
        _ => output,
    };

    /// <summary>The float32 scalars of <see cref="VeOriginal"/> for one σ.</summary>
    public readonly struct VeCoefficients(float sigma)
    {
        /// <summary>σ.</summary>
        public float Sigma { get; } = sigma;

        /// <summary>σ² + 1.</summary>
        public float VSampleDenominator { get; } = (sigma * sigma) + 1f;

        /// <summary>−σ/√(σ² + 1).</summary>
        public float VOutput { get; } = -sigma / MathF.Sqrt((sigma * sigma) + 1f);
    }
}
