using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures.Fused;

/// <summary>
/// <see cref="Transformer2D"/> channels-last. Channels-last features are already tokens ([N, H, W, C] reshapes to
/// [N, H·W, C] without a transpose); attention is MultiHeadAttention with packed QKV (self) and packed KV (cross), the
/// output projections add bias and residual in one BiasAdd, and GEGLU is one BiasSplitGelu.
/// </summary>
internal static class FusedTransformer2D
{
    private const float LayerNormEpsilon = 1e-5f;

    public static string Build(
        OnnxGraphBuilder b, string x, string context, int channels, int contextDim, int heads, int groups, string name)
    {
        var h = b.GroupNormNhwc(x, channels, groups, 1e-6f, $"{name}.norm", silu: false);
        h = b.NhwcConv2d(h, channels, channels, 1, $"{name}.proj_in");
        var block = $"{name}.transformer_blocks.0";
        var tokens = b.Reshape(h, 0, -1, channels);

        var n = b.LayerNorm(tokens, channels, LayerNormEpsilon, $"{block}.norm1");
        var attended = b.PackedQkvAttention(n, channels, heads, $"{block}.attn1", projectionBias: false);
        tokens = b.LinearBiasAdd(attended, channels, channels, $"{block}.attn1.to_out.0", tokens);

        n = b.LayerNorm(tokens, channels, LayerNormEpsilon, $"{block}.norm2");
        attended = b.PackedKvCrossAttention(n, context, channels, contextDim, heads, $"{block}.attn2");
        tokens = b.LinearBiasAdd(attended, channels, channels, $"{block}.attn2.to_out.0", tokens);

        n = b.LayerNorm(tokens, channels, LayerNormEpsilon, $"{block}.norm3");
        var inner = channels * 4;
        var gated = b.BiasSplitGelu(n, channels, inner, $"{block}.ff.net.0.proj");
        tokens = b.LinearBiasAdd(gated, inner, channels, $"{block}.ff.net.2", tokens);

        h = b.Op("Reshape", tokens, b.Op("Shape", x));
        h = b.NhwcConv2d(h, channels, channels, 1, $"{name}.proj_out");
        return b.Op("Add", h, x);
    }
}
