namespace SdPortal.Inference.Schedulers;

/// <summary>What the denoising model predicts (diffusers' <c>prediction_type</c>).</summary>
public enum PredictionType
{
    /// <summary>The added noise ε ("epsilon"), as Stable Diffusion 1.x predicts.</summary>
    Epsilon,

    /// <summary>The velocity v = √ᾱ·ε − √(1−ᾱ)·x₀ ("v_prediction", Salimans and Ho 2022), as SD 2.x 768 predicts.</summary>
    VPrediction,

    /// <summary>The clean sample x₀ itself ("sample").</summary>
    Sample,
}
