using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic.Architectures;

/// <summary>
/// UNet2DConditionModel (diffusers) in the SD 1.x layout: time embedding, conv_in, down blocks (ResNet [+ transformer]
/// per layer, strided-conv downsampling except in the last block), mid block (ResNet, transformer, ResNet), up blocks
/// mirroring them with one extra layer and a skip concatenation before every ResNet, conv_norm_out, SiLU, conv_out.
/// I/O follows diffusers' ONNX export: sample, timestep, encoder_hidden_states → out_sample.
/// </summary>
internal static class UNetGraph
{
    private const float ResnetEpsilon = 1e-5f;

    public static OnnxGraphBuilder Build(UNetConfig config, SyntheticPrecision precision, TimestepKind timestepKind)
    {
        var b = new OnnxGraphBuilder("unet", precision);
        var (sample, timestep, context) = UNetInputs.Declare(b, config, timestepKind);

        var channels = config.BlockOutChannels;
        var temb = TimestepEmbedding.Build(b, timestep, timestepKind, channels[0], config.TimeEmbeddingDim);
        var layers = new UNetLayers(b, config, context, (b.SiLU(temb), config.TimeEmbeddingDim));

        var h = b.Conv2d(sample, config.InChannels, channels[0], 3, "conv_in");
        var skips = new Stack<(string Value, int Channels)>();
        skips.Push((h, channels[0]));
        var current = channels[0];
        for (var i = 0; i < channels.Count; i++)
        {
            for (var j = 0; j < config.LayersPerBlock; j++)
            {
                h = layers.Layer(h, current, channels[i], config.CrossAttentionBlocks[i], $"down_blocks.{i}", j);
                current = channels[i];
                skips.Push((h, current));
            }

            if (i < channels.Count - 1)
            {
                h = Sampling2D.Downsample(b, h, current, $"down_blocks.{i}.downsamplers.0");
                skips.Push((h, current));
            }
        }

        h = layers.Resnet(h, current, current, "mid_block.resnets.0");
        h = layers.Transformer(h, current, "mid_block.attentions.0");
        h = layers.Resnet(h, current, current, "mid_block.resnets.1");

        for (var i = 0; i < channels.Count; i++)
        {
            var mirrored = channels.Count - 1 - i;
            for (var j = 0; j <= config.LayersPerBlock; j++)
            {
                var (skip, skipChannels) = skips.Pop();
                h = b.Concat(1, h, skip);
                h = layers.Layer(h, current + skipChannels, channels[mirrored], config.CrossAttentionBlocks[mirrored], $"up_blocks.{i}", j);
                current = channels[mirrored];
            }

            if (i < channels.Count - 1)
            {
                h = Sampling2D.Upsample(b, h, current, $"up_blocks.{i}.upsamplers.0");
            }
        }

        h = b.SiLU(b.GroupNorm(h, current, config.NormGroups, ResnetEpsilon, "conv_norm_out"));
        h = b.Conv2d(h, current, config.OutChannels, 3, "conv_out");
        b.AddOutput("out_sample", h, b.FloatType, "batch", config.OutChannels, "height", "width");
        return b;
    }

    /// <summary>The UNet's ResNet and transformer layers, bound to the shared time embedding and text context.</summary>
    private sealed class UNetLayers(OnnxGraphBuilder b, UNetConfig config, string context, (string Features, int Dim) time)
    {
        private readonly NormSettings _norm = new(config.NormGroups, ResnetEpsilon);

        public string Resnet(string x, int inChannels, int outChannels, string name) =>
            ResnetBlock2D.Build(b, x, _norm, inChannels, outChannels, name, time);

        public string Transformer(string x, int channels, string name) =>
            Transformer2D.Build(b, x, context, channels, config.CrossAttentionDim, config.AttentionHeads, config.NormGroups, name);

        /// <summary>Layer <paramref name="index"/> of a block: a ResNet, then a transformer in cross-attention blocks.</summary>
        public string Layer(string x, int inChannels, int outChannels, bool crossAttention, string block, int index)
        {
            var h = Resnet(x, inChannels, outChannels, $"{block}.resnets.{index}");
            return crossAttention ? Transformer(h, outChannels, $"{block}.attentions.{index}") : h;
        }
    }
}
