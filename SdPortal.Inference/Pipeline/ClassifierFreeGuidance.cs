namespace SdPortal.Inference.Pipeline;

/// <summary>Classifier-free guidance (Ho and Salimans, 2022).</summary>
internal static class ClassifierFreeGuidance
{
    /// <summary>Whether a scale needs the unconditional branch: g ≤ 1 is (at most) the conditional prediction alone.</summary>
    public static bool IsGuided(double scale) => scale > 1.0;

    /// <summary>
    /// ε̂ = ε_uncond + g · (ε_cond − ε_uncond), element-wise over the batch; <paramref name="prediction"/> holds the
    /// UNet's output for the batch [uncond × B, cond × B], as the text conditioning was laid out.
    /// </summary>
    public static void Combine(ReadOnlySpan<float> prediction, float scale, Span<float> guided)
    {
        var unconditional = prediction[..guided.Length];
        var conditional = prediction.Slice(guided.Length, guided.Length);
        for (var i = 0; i < guided.Length; i++)
        {
            guided[i] = unconditional[i] + (scale * (conditional[i] - unconditional[i]));
        }
    }
}
