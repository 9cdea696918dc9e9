using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>
/// AutoencoderKL's encode path as diffusers exports it (vae_encoder): conv_in, down blocks of layers_per_block ResNets
/// with asymmetric-padding stride-2 downsampling on all but the last, mid block, GroupNorm, SiLU, conv_out to 2·latent
/// channels (mean and log-variance), quant_conv (1×1), and the mean (first half of the channels) as the output: the
/// latent distribution's mode, which the img2img pipeline scales by the scaling factor.
/// </summary>
internal static class VaeEncoderGraph
{
    public static OnnxGraphBuilder Build(VaeConfig config, SyntheticPrecision precision)
    {
        var b = new OnnxGraphBuilder("vae_encoder", precision);
        var norm = new NormSettings(config.NormGroups, 1e-6f);
        var channels = config.BlockOutChannels;
        var moments = config.LatentChannels * 2;
        var image = b.AddInput("sample", b.FloatType, "batch", config.ImageChannels, "height", "width");

        var current = channels[0];
        var h = b.Conv2d(image, config.ImageChannels, current, 3, "encoder.conv_in");
        for (var i = 0; i < channels.Count; i++)
        {
            for (var j = 0; j < config.LayersPerBlock; j++)
            {
                h = ResnetBlock2D.Build(b, h, norm, current, channels[i], $"encoder.down_blocks.{i}.resnets.{j}");
                current = channels[i];
            }

            if (i < channels.Count - 1)
            {
                h = Sampling2D.Downsample(b, h, current, $"encoder.down_blocks.{i}.downsamplers.0", asymmetricPadding: true);
            }
        }

        h = VaeMidBlock.Build(b, h, current, norm, "encoder.mid_block");
        h = b.SiLU(b.GroupNorm(h, current, norm.Groups, norm.Epsilon, "encoder.conv_norm_out"));
        h = b.Conv2d(h, current, moments, 3, "encoder.conv_out");
        h = b.Conv2d(h, moments, moments, 1, "quant_conv");
        var mean = b.Slice(h, 1, 0, config.LatentChannels);
        b.AddOutput("latent_sample", mean, b.FloatType, "batch", config.LatentChannels, "latent_height", "latent_width");
        return b;
    }
}
