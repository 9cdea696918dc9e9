using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>
/// AutoencoderKL's UNetMidBlock2D: ResNet, single-head spatial self-attention (GroupNorm, to_q/k/v with biases, to_out,
/// residual), ResNet. The attention runs over every latent cell, which is what makes VAE memory grow with image area.
/// </summary>
internal static class VaeMidBlock
{
    public static string Build(OnnxGraphBuilder b, string x, int channels, NormSettings norm, string name)
    {
        var h = ResnetBlock2D.Build(b, x, norm, channels, channels, $"{name}.resnets.0");
        h = Attention(b, h, channels, norm, $"{name}.attentions.0");
        return ResnetBlock2D.Build(b, h, norm, channels, channels, $"{name}.resnets.1");
    }

    private static string Attention(OnnxGraphBuilder b, string x, int channels, NormSettings norm, string name)
    {
        var tokens = b.ImageToTokens(b.GroupNorm(x, channels, norm.Groups, norm.Epsilon, $"{name}.group_norm"));
        var attended = DiffusersAttention.Build(b, tokens, tokens, channels, channels, heads: 1, name, projectionBias: true);
        return b.Op("Add", b.TokensToImage(attended, x), x);
    }
}
