namespace SdPortal.Inference.Pipeline;

/// <summary>
/// A1111's default emphasis, "Original" (<c>EmphasisOriginal.after_transformers</c> in modules/sd_emphasis.py): each
/// token's hidden state is multiplied by its multiplier, then the whole chunk is rescaled so that its mean equals the
/// mean before — the reference's guard against the artefacts large weights cause otherwise.
/// </summary>
internal static class PromptEmphasis
{
    /// <summary>Applies the emphasis to one chunk <paramref name="hidden"/> [tokens, d] in place.</summary>
    /// <param name="hidden">The text encoder's output for the chunk.</param>
    /// <param name="weights">One multiplier per token.</param>
    public static void Apply(Span<float> hidden, ReadOnlySpan<float> weights)
    {
        if (!weights.ContainsAnyExcept(1f))
        {
            return; // z · 1 and a ratio of equal means: the reference leaves such a chunk unchanged too
        }

        var width = hidden.Length / weights.Length;
        var originalSum = 0.0;
        var weightedSum = 0.0;
        for (var token = 0; token < weights.Length; token++)
        {
            var row = hidden.Slice(token * width, width);
            var weight = weights[token];
            for (var i = 0; i < row.Length; i++)
            {
                originalSum += row[i];
                row[i] *= weight;
                weightedSum += row[i];
            }
        }

        // Means over the same element count: their ratio is the ratio of the sums.
        var scale = (float)(originalSum / weightedSum);
        for (var i = 0; i < hidden.Length; i++)
        {
            hidden[i] *= scale;
        }
    }
}
