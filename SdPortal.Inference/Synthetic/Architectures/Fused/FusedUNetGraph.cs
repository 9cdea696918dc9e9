using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures.Fused;

/// <summary>
/// <see cref="UNetGraph"/> in the fused form: the same blocks, weights and I/O, with one transpose to channels-last
/// after the input and one back before the output, so every conv, norm and attention in between runs channels-last
/// (what the CUDA provider's NhwcConv and GroupNorm kernels want) and skip connections concatenate along the last axis.
/// </summary>
internal static class FusedUNetGraph
{
    private const float ResnetEpsilon = 1e-5f;

    public static OnnxGraphBuilder Build(UNetConfig config, SyntheticPrecision precision, TimestepKind timestepKind)
    {
        var b = new OnnxGraphBuilder("unet", precision);
        var (sample, timestep, context) = UNetInputs.Declare(b, config, timestepKind);

        var channels = config.BlockOutChannels;
        var temb = TimestepEmbedding.Build(b, timestep, timestepKind, channels[0], config.TimeEmbeddingDim);
        var time = (b.SiLU(temb), config.TimeEmbeddingDim);
        var norm = new NormSettings(config.NormGroups, ResnetEpsilon);
        string Layer(string x, int inChannels, int outChannels, bool crossAttention, string block, int index)
        {
            var h = FusedResnetBlock.Build(b, x, norm, inChannels, outChannels, $"{block}.resnets.{index}", time);
            return crossAttention ? Transformer(h, outChannels, $"{block}.attentions.{index}") : h;
        }

        string Transformer(string x, int width, string name) =>
            FusedTransformer2D.Build(b, x, context, width, config.CrossAttentionDim, config.AttentionHeads, config.NormGroups, name);

        var h = b.NhwcConv2d(b.ToChannelsLast(sample), config.InChannels, channels[0], 3, "conv_in");
        var skips = new Stack<(string Value, int Channels)>();
        skips.Push((h, channels[0]));
        var current = channels[0];
        for (var i = 0; i < channels.Count; i++)
        {
            for (var j = 0; j < config.LayersPerBlock; j++)
            {
                h = Layer(h, current, channels[i], config.CrossAttentionBlocks[i], $"down_blocks.{i}", j);
                current = channels[i];
                skips.Push((h, current));
            }

            if (i < channels.Count - 1)
            {
                h = b.NhwcConv2d(h, current, current, 3, $"down_blocks.{i}.downsamplers.0.conv", stride: 2);
                skips.Push((h, current));
            }
        }

        h = FusedResnetBlock.Build(b, h, norm, current, current, "mid_block.resnets.0", time);
        h = Transformer(h, current, "mid_block.attentions.0");
        h = FusedResnetBlock.Build(b, h, norm, current, current, "mid_block.resnets.1", time);

        for (var i = 0; i < channels.Count; i++)
        {
            var mirrored = channels.Count - 1 - i;
            for (var j = 0; j <= config.LayersPerBlock; j++)
            {
                var (skip, skipChannels) = skips.Pop();
                h = b.Concat(-1, h, skip);
                h = Layer(h, current + skipChannels, channels[mirrored], config.CrossAttentionBlocks[mirrored], $"up_blocks.{i}", j);
                current = channels[mirrored];
            }

            if (i < channels.Count - 1)
            {
                h = b.NhwcConv2d(b.UpsampleNearest2xNhwc(h), current, current, 3, $"up_blocks.{i}.upsamplers.0.conv");
            }
        }

        h = b.GroupNormNhwc(h, current, config.NormGroups, ResnetEpsilon, "conv_norm_out", silu: true);
        h = b.NhwcConv2d(h, current, config.OutChannels, 3, "conv_out");
        b.AddOutput("out_sample", b.ToChannelsFirst(h), b.FloatType, "batch", config.OutChannels, "height", "width");
        return b;
    }
}
