using SdPortal.Inference.Synthetic.Architectures;
using SdPortal.Inference.Synthetic.Architectures.Fused;
using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic;

/// <summary>The ONNX components of a model folder, by their diffusers subfolder names, and how to build each graph.</summary>
internal static class SyntheticComponents
{
    public const string TextEncoder = "text_encoder";
    public const string UNet = "unet";
    public const string VaeDecoder = "vae_decoder";
    public const string VaeEncoder = "vae_encoder";

    /// <summary>
    /// The components to write, in order; graphs are built lazily so only one is in memory at a time. The fused form
    /// changes the text encoder, UNet and VAE decoder; the VAE encoder (img2img only) stays plain.
    /// </summary>
    public static IEnumerable<(string Name, Func<OnnxGraphBuilder> Build)> For(
        SyntheticModelConfig config,
        SyntheticPrecision precision,
        TimestepKind timestep,
        bool includeVaeEncoder,
        SyntheticForm form = SyntheticForm.Plain,
        VaeEncoderOutput encoderOutput = VaeEncoderOutput.Sample)
    {
        Validate(config); // eagerly, before the caller creates any folder
        return Enumerate(config, precision, timestep, includeVaeEncoder, form, encoderOutput);
    }

    private static IEnumerable<(string Name, Func<OnnxGraphBuilder> Build)> Enumerate(
        SyntheticModelConfig config,
        SyntheticPrecision precision,
        TimestepKind timestep,
        bool includeVaeEncoder,
        SyntheticForm form,
        VaeEncoderOutput encoderOutput)
    {
        var fused = form == SyntheticForm.Fused;
        yield return (TextEncoder, () => TextEncoderGraph.Build(config.TextEncoder, precision, form));
        yield return (UNet, () => fused
            ? FusedUNetGraph.Build(config.UNet, precision, timestep)
            : UNetGraph.Build(config.UNet, precision, timestep));
        yield return (VaeDecoder, () => fused ? FusedVaeDecoderGraph.Build(config.Vae, precision) : VaeDecoderGraph.Build(config.Vae, precision));
        if (includeVaeEncoder)
        {
            yield return (VaeEncoder, () => VaeEncoderGraph.Build(config.Vae, precision, encoderOutput));
        }
    }

    private static void Validate(SyntheticModelConfig config)
    {
        if (config.UNet.CrossAttentionDim != config.TextEncoder.Hidden)
        {
            throw new ArgumentException(
                $"The UNet attends to {config.UNet.CrossAttentionDim}-wide text states but the text encoder is "
                + $"{config.TextEncoder.Hidden} wide.",
                nameof(config));
        }

        if (config.UNet.BlockOutChannels.Count != config.UNet.CrossAttentionBlocks.Count)
        {
            throw new ArgumentException("The UNet needs one cross-attention flag per down block.", nameof(config));
        }
    }
}
