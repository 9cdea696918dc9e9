using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>
/// diffusers' Transformer2DModel as SD 1.x configures it (one layer, use_linear_projection false): GroupNorm (eps 1e-6),
/// 1×1 conv proj_in, image → tokens, one BasicTransformerBlock, tokens → image, 1×1 conv proj_out, residual.
/// </summary>
internal static class Transformer2D
{
    private const float LayerNormEpsilon = 1e-5f;

    /// <param name="b">The graph.</param>
    /// <param name="x">NCHW features.</param>
    /// <param name="context">encoder_hidden_states [N, S, contextDim].</param>
    /// <param name="channels">Feature channels (also the attention width).</param>
    /// <param name="contextDim">Text embedding width (cross_attention_dim).</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="groups">GroupNorm groups.</param>
    /// <param name="name">Module path, e.g. <c>down_blocks.0.attentions.1</c>.</param>
    public static string Build(
        OnnxGraphBuilder b, string x, string context, int channels, int contextDim, int heads, int groups, string name)
    {
        var h = b.GroupNorm(x, channels, groups, 1e-6f, $"{name}.norm");
        h = b.Conv2d(h, channels, channels, 1, $"{name}.proj_in");
        var tokens = BasicTransformerBlock(b, b.ImageToTokens(h), context, channels, contextDim, heads, $"{name}.transformer_blocks.0");
        h = b.Conv2d(b.TokensToImage(tokens, x), channels, channels, 1, $"{name}.proj_out");
        return b.Op("Add", h, x);
    }

    /// <summary>Pre-LN block: self-attention, cross-attention to the text, GEGLU feed-forward, each with a residual.</summary>
    private static string BasicTransformerBlock(
        OnnxGraphBuilder b, string tokens, string context, int dim, int contextDim, int heads, string name)
    {
        var n = b.LayerNorm(tokens, dim, LayerNormEpsilon, $"{name}.norm1");
        tokens = b.Op("Add", DiffusersAttention.Build(b, n, n, dim, dim, heads, $"{name}.attn1", projectionBias: false), tokens);

        n = b.LayerNorm(tokens, dim, LayerNormEpsilon, $"{name}.norm2");
        tokens = b.Op("Add", DiffusersAttention.Build(b, n, context, dim, contextDim, heads, $"{name}.attn2", projectionBias: false), tokens);

        n = b.LayerNorm(tokens, dim, LayerNormEpsilon, $"{name}.norm3");
        return b.Op("Add", GegluFeedForward(b, n, dim, $"{name}.ff"), tokens);
    }

    /// <summary>FeedForward with GEGLU: proj to 2·4·dim, value · GELU(gate), Linear back to dim.</summary>
    private static string GegluFeedForward(OnnxGraphBuilder b, string x, int dim, string name)
    {
        var inner = dim * 4;
        var projected = b.Linear(x, dim, inner * 2, $"{name}.net.0.proj");
        var value = b.Slice(projected, -1, 0, inner);
        var gate = b.Slice(projected, -1, inner, inner * 2);
        return b.Linear(b.Op("Mul", value, b.Gelu(gate)), inner, dim, $"{name}.net.2");
    }
}
