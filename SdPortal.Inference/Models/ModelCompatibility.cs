namespace SdPortal.Inference.Models;

/// <summary>Checks that the three graphs of a folder fit together where their metadata fixes the sizes.</summary>
internal static class ModelCompatibility
{
    /// <exception cref="ModelLoadException">Two graphs disagree on a shared dimension.</exception>
    public static void Check(TextEncoderModel textEncoder, UNetModel unet, VaeDecoderModel vae, VaeEncoderModel? encoder = null)
    {
        var hidden = textEncoder.DeclaredHiddenSize;
        var conditioning = unet.EncoderHiddenStates.Dimensions[2];
        if (hidden > 0 && conditioning > 0 && hidden != conditioning)
        {
            throw new ModelLoadException(
                unet.Path, $"expects text conditioning of width {conditioning}, but the text encoder produces {hidden}");
        }

        var vaeChannels = vae.Latent.Dimensions[1];
        if (vaeChannels > 0 && vaeChannels != unet.LatentChannels)
        {
            throw new ModelLoadException(
                unet.Path, $"denoises {unet.LatentChannels} latent channels, but the VAE decoder takes {vaeChannels}");
        }

        var encoded = encoder?.Latent.Dimensions[1] ?? -1;
        var expected = encoder is { IsMoments: true } ? 2 * unet.LatentChannels : unet.LatentChannels;
        if (encoded > 0 && encoded != expected)
        {
            throw new ModelLoadException(
                unet.Path, $"denoises {unet.LatentChannels} latent channels, but the VAE encoder produces {encoded}");
        }

        if (unet.InputChannels != unet.LatentChannels && !unet.IsInpainting)
        {
            throw new ModelLoadException(
                unet.Path, $"takes {unet.InputChannels} input channels for {unet.LatentChannels} latent ones; {unet.LatentChannels} (or {(2 * unet.LatentChannels) + 1} for an inpainting UNet) expected");
        }

        // Every job on an inpainting UNet feeds it masked-image latents (a blank image's for text-to-image).
        if (unet.IsInpainting && encoder is null)
        {
            throw new ModelLoadException(unet.Path, "is an inpainting UNet, which needs the folder's vae_encoder/model.onnx");
        }
    }
}
