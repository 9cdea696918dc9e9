namespace SdPortal.Inference.Synthetic.Graph;

/// <content>Multi-head scaled dot-product attention.</content>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>
    /// softmax(Q·Kᵀ/√d + mask)·V over <paramref name="heads"/> heads. <paramref name="query"/> is [N, L, C] and
    /// <paramref name="key"/>/<paramref name="value"/> are [N, S, C] (already projected); the result is [N, L, C].
    /// Q is scaled before the product, which keeps fp16 scores in range. <paramref name="mask"/>, if given, is added
    /// to the [N, heads, L, S] scores (e.g. CLIP's causal mask, broadcast from [L, S]).
    /// </summary>
    public string Attention(string query, string key, string value, int channels, int heads, string? mask = null)
    {
        if (channels % heads != 0)
        {
            throw new ArgumentException($"{channels} channels cannot be split into {heads} heads.", nameof(heads));
        }

        var headDim = channels / heads;
        var q = Transpose(Reshape(query, 0, 0, heads, headDim), 0, 2, 1, 3); // [N, h, L, d]
        var kT = Transpose(Reshape(key, 0, 0, heads, headDim), 0, 2, 3, 1); // [N, h, d, S]
        var v = Transpose(Reshape(value, 0, 0, heads, headDim), 0, 2, 1, 3); // [N, h, S, d]
        var scaled = Op("Mul", q, AddConstant([(float)(1 / Math.Sqrt(headDim))]));
        var scores = Op("MatMul", scaled, kT);
        if (mask is not null)
        {
            scores = Op("Add", scores, mask);
        }

        var weights = AddNode("Softmax", [scores], OnnxAttributes.OfInt("axis", -1));
        var context = Op("MatMul", weights, v); // [N, h, L, d]
        return Reshape(Transpose(context, 0, 2, 1, 3), 0, 0, channels);
    }
}
