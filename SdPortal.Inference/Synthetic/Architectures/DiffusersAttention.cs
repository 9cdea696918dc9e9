using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>
/// diffusers' Attention module: to_q from the hidden states, to_k/to_v from the context (the hidden states again for
/// self-attention), multi-head attention, then to_out.0 (Linear with bias; to_out.1 is dropout).
/// </summary>
internal static class DiffusersAttention
{
    /// <param name="b">The graph.</param>
    /// <param name="hidden">Query tokens [N, L, queryDim].</param>
    /// <param name="context">Key/value tokens [N, S, contextDim].</param>
    /// <param name="queryDim">Width of the hidden states and of the attention.</param>
    /// <param name="contextDim">Width of the context.</param>
    /// <param name="heads">Number of heads.</param>
    /// <param name="name">Module path.</param>
    /// <param name="projectionBias">
    /// Whether to_q/to_k/to_v have biases: false in the UNet's transformer blocks, true in the VAE's mid-block attention.
    /// </param>
    public static string Build(
        OnnxGraphBuilder b, string hidden, string context, int queryDim, int contextDim, int heads, string name, bool projectionBias)
    {
        var q = b.Linear(hidden, queryDim, queryDim, $"{name}.to_q", projectionBias);
        var k = b.Linear(context, contextDim, queryDim, $"{name}.to_k", projectionBias);
        var v = b.Linear(context, contextDim, queryDim, $"{name}.to_v", projectionBias);
        var attended = b.Attention(q, k, v, queryDim, heads);
        return b.Linear(attended, queryDim, queryDim, $"{name}.to_out.0");
    }
}
