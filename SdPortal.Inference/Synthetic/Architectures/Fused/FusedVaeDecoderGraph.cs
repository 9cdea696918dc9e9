using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures.Fused;

/// <summary>
/// <see cref="VaeDecoderGraph"/> in the fused form: channels-last from post_quant_conv to conv_out (GroupNorm+SiLU,
/// NhwcConv), the mid-block's single-head attention as MultiHeadAttention with packed, biased QKV and its output
/// projection plus residual as BiasAdd. Same weights and I/O as the plain decoder.
/// </summary>
internal static class FusedVaeDecoderGraph
{
    public static OnnxGraphBuilder Build(VaeConfig config, SyntheticPrecision precision)
    {
        var b = new OnnxGraphBuilder("vae_decoder", precision);
        var norm = new NormSettings(config.NormGroups, 1e-6f);
        var channels = config.BlockOutChannels;
        var latent = b.AddInput("latent_sample", b.FloatType, "batch", config.LatentChannels, "latent_height", "latent_width");

        var h = b.NhwcConv2d(b.ToChannelsLast(latent), config.LatentChannels, config.LatentChannels, 1, "post_quant_conv");
        var current = channels[^1];
        h = b.NhwcConv2d(h, config.LatentChannels, current, 3, "decoder.conv_in");
        h = FusedResnetBlock.Build(b, h, norm, current, current, "decoder.mid_block.resnets.0");
        h = MidAttention(b, h, current, norm, "decoder.mid_block.attentions.0");
        h = FusedResnetBlock.Build(b, h, norm, current, current, "decoder.mid_block.resnets.1");

        for (var i = 0; i < channels.Count; i++)
        {
            var outChannels = channels[channels.Count - 1 - i];
            for (var j = 0; j <= config.LayersPerBlock; j++)
            {
                h = FusedResnetBlock.Build(b, h, norm, current, outChannels, $"decoder.up_blocks.{i}.resnets.{j}");
                current = outChannels;
            }

            if (i < channels.Count - 1)
            {
                h = b.NhwcConv2d(b.UpsampleNearest2xNhwc(h), current, current, 3, $"decoder.up_blocks.{i}.upsamplers.0.conv");
            }
        }

        h = b.GroupNormNhwc(h, current, norm.Groups, norm.Epsilon, "decoder.conv_norm_out", silu: true);
        h = b.NhwcConv2d(h, current, config.ImageChannels, 3, "decoder.conv_out");
        b.AddOutput("sample", b.ToChannelsFirst(h), b.FloatType, "batch", config.ImageChannels, "height", "width");
        return b;
    }

    private static string MidAttention(OnnxGraphBuilder b, string x, int channels, NormSettings norm, string name)
    {
        var normed = b.Reshape(b.GroupNormNhwc(x, channels, norm.Groups, norm.Epsilon, $"{name}.group_norm", silu: false), 0, -1, channels);
        var attended = b.PackedQkvAttention(normed, channels, heads: 1, name, projectionBias: true);
        var tokens = b.LinearBiasAdd(attended, channels, channels, $"{name}.to_out.0", b.Reshape(x, 0, -1, channels));
        return b.Op("Reshape", tokens, b.Op("Shape", x));
    }
}
