using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>
/// AutoencoderKL's encode path as diffusers exports it (vae_encoder): conv_in, down blocks of layers_per_block ResNets
/// with asymmetric-padding stride-2 downsampling on all but the last, mid block, GroupNorm, SiLU, conv_out to 2·latent
/// channels (mean and log-variance), quant_conv (1×1), then the output in one of the forms exporters write
/// (<see cref="VaeEncoderOutput"/>): a sample drawn in the graph (diffusers), the mean, or both moments (Optimum).
/// </summary>
internal static class VaeEncoderGraph
{
    public static OnnxGraphBuilder Build(VaeConfig config, SyntheticPrecision precision, VaeEncoderOutput output = VaeEncoderOutput.Sample)
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
        if (output == VaeEncoderOutput.Moments)
        {
            b.AddOutput("latent_parameters", h, b.FloatType, "batch", moments, "latent_height", "latent_width");
            return b;
        }

        var mean = b.Slice(h, 1, 0, config.LatentChannels);
        if (output == VaeEncoderOutput.Sample)
        {
            // DiagonalGaussianDistribution.sample(): logvar clamped to [−30, 20], std = exp(½·logvar), mean + std·ε.
            var logVariance = b.Op("Clip", b.Slice(h, 1, config.LatentChannels, moments), b.AddConstant([-30f]), b.AddConstant([20f]));
            var std = b.Op("Exp", b.Op("Mul", logVariance, b.AddConstant([0.5f])));
            var epsilon = b.AddNode("RandomNormalLike", [std]);
            mean = b.Op("Add", mean, b.Op("Mul", std, epsilon));
        }

        b.AddOutput("latent_sample", mean, b.FloatType, "batch", config.LatentChannels, "latent_height", "latent_width");
        return b;
    }
}
