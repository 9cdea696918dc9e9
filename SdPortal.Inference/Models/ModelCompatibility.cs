namespace SdPortal.Inference.Models;

/// <summary>Checks that the three graphs of a folder fit together where their metadata fixes the sizes.</summary>
internal static class ModelCompatibility
{
    /// <exception cref="ModelLoadException">Two graphs disagree on a shared dimension.</exception>
    public static void Check(TextEncoderModel textEncoder, UNetModel unet, VaeDecoderModel vae)
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
    }
}
