using System.Text.Json.Nodes;

namespace SdPortal.Inference.Synthetic;

/// <summary>
/// Each component's config.json, with the diffusers/transformers keys a loader reads (shapes, the VAE's
/// scaling_factor, the UNet's sample_size), so a pipeline can size latents without opening the ONNX files.
/// </summary>
internal static class SyntheticComponentConfigs
{
    public static JsonObject For(string component, SyntheticModelConfig config, SyntheticWriteOptions options) => component switch
    {
        SyntheticComponents.TextEncoder => TextEncoder(config.TextEncoder, options),
        SyntheticComponents.UNet => UNet(config, options),
        SyntheticComponents.VaeDecoder or SyntheticComponents.VaeEncoder => Vae(config, options),
        _ => throw new ArgumentOutOfRangeException(nameof(component), component, "Not a synthetic component."),
    };

    private static JsonObject TextEncoder(TextEncoderConfig c, SyntheticWriteOptions options) => new()
    {
        ["architectures"] = new JsonArray("CLIPTextModel"),
        ["model_type"] = "clip_text_model",
        ["hidden_act"] = "quick_gelu",
        ["hidden_size"] = c.Hidden,
        ["intermediate_size"] = c.Intermediate,
        ["max_position_embeddings"] = c.MaxPositions,
        ["num_attention_heads"] = c.Heads,
        ["num_hidden_layers"] = c.Layers,
        ["vocab_size"] = c.VocabSize,
        ["torch_dtype"] = TorchDtype(options),
    };

    private static JsonObject UNet(SyntheticModelConfig config, SyntheticWriteOptions options)
    {
        var c = config.UNet;
        return new JsonObject
        {
            ["_class_name"] = "UNet2DConditionModel",
            ["attention_head_dim"] = c.AttentionHeads, // diffusers' historical name for the SD 1.x head count
            ["block_out_channels"] = SyntheticJson.Array(c.BlockOutChannels),
            ["cross_attention_dim"] = c.CrossAttentionDim,
            ["down_block_types"] = SyntheticJson.Array(c.CrossAttentionBlocks.Select(x => x ? "CrossAttnDownBlock2D" : "DownBlock2D")),
            ["in_channels"] = c.InChannels,
            ["layers_per_block"] = c.LayersPerBlock,
            ["norm_num_groups"] = c.NormGroups,
            ["out_channels"] = c.OutChannels,
            ["sample_size"] = config.DefaultImageSize / config.Vae.SpatialFactor,
            ["timestep_input"] = options.Timestep.ToString(),
            ["up_block_types"] = SyntheticJson.Array(c.CrossAttentionBlocks.Reverse().Select(x => x ? "CrossAttnUpBlock2D" : "UpBlock2D")),
            ["torch_dtype"] = TorchDtype(options),
        };
    }

    private static JsonObject Vae(SyntheticModelConfig config, SyntheticWriteOptions options)
    {
        var c = config.Vae;
        return new JsonObject
        {
            ["_class_name"] = "AutoencoderKL",
            ["block_out_channels"] = SyntheticJson.Array(c.BlockOutChannels),
            ["in_channels"] = c.ImageChannels,
            ["latent_channels"] = c.LatentChannels,
            ["layers_per_block"] = c.LayersPerBlock,
            ["norm_num_groups"] = c.NormGroups,
            ["out_channels"] = c.ImageChannels,
            ["sample_size"] = config.DefaultImageSize,
            ["scaling_factor"] = c.ScalingFactor,
            ["torch_dtype"] = TorchDtype(options),
        };
    }

    private static string TorchDtype(SyntheticWriteOptions options) =>
        options.Precision == SyntheticPrecision.Fp16 ? "float16" : "float32";
}
