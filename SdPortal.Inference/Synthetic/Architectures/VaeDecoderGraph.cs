using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>
/// AutoencoderKL's decode path as diffusers exports it (vae_decoder): post_quant_conv (1×1), decoder conv_in, mid block,
/// up blocks over the reversed channels with layers_per_block + 1 ResNets each and nearest ×2 upsampling on all but the
/// last, GroupNorm, SiLU, conv_out to image channels. The input is the latent already divided by the scaling factor.
/// </summary>
internal static class VaeDecoderGraph
{
    public static OnnxGraphBuilder Build(VaeConfig config, SyntheticPrecision precision)
    {
        var b = new OnnxGraphBuilder("vae_decoder", precision);
        var norm = new NormSettings(config.NormGroups, 1e-6f);
        var channels = config.BlockOutChannels;
        var latent = b.AddInput("latent_sample", b.FloatType, "batch", config.LatentChannels, "latent_height", "latent_width");

        var h = b.Conv2d(latent, config.LatentChannels, config.LatentChannels, 1, "post_quant_conv");
        var current = channels[^1];
        h = b.Conv2d(h, config.LatentChannels, current, 3, "decoder.conv_in");
        h = VaeMidBlock.Build(b, h, current, norm, "decoder.mid_block");

        for (var i = 0; i < channels.Count; i++)
        {
            var outChannels = channels[channels.Count - 1 - i];
            for (var j = 0; j <= config.LayersPerBlock; j++)
            {
                h = ResnetBlock2D.Build(b, h, norm, current, outChannels, $"decoder.up_blocks.{i}.resnets.{j}");
                current = outChannels;
            }

            if (i < channels.Count - 1)
            {
                h = Sampling2D.Upsample(b, h, current, $"decoder.up_blocks.{i}.upsamplers.0");
            }
        }

        h = b.SiLU(b.GroupNorm(h, current, norm.Groups, norm.Epsilon, "decoder.conv_norm_out"));
        h = b.Conv2d(h, current, config.ImageChannels, 3, "decoder.conv_out");
        b.AddOutput("sample", h, b.FloatType, "batch", config.ImageChannels, "height", "width");
        return b;
    }
}
