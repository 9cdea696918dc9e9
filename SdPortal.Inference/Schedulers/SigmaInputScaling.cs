namespace SdPortal.Inference.Schedulers;

/// <summary>The model input of the variance-exploding samplers: x_in = x/√(σ² + 1), so the model sees unit variance.</summary>
internal static class SigmaInputScaling
{
    /// <summary>destination = sample / √(σ² + 1), in float32 like diffusers' scale_model_input.</summary>
    public static void Scale(ReadOnlySpan<float> sample, float sigma, Span<float> destination)
    {
        var denominator = MathF.Sqrt((sigma * sigma) + 1f);
        for (var i = 0; i < sample.Length; i++)
        {
            destination[i] = sample[i] / denominator;
        }
    }
}
