namespace SdPortal.Inference.Pipeline;

/// <summary>What the masked area starts from before denoising (A1111's "masked content").</summary>
public enum InpaintFill
{
    /// <summary>The input image as it is.</summary>
    Original = 0,

    /// <summary>Fresh latent noise in the masked area.</summary>
    Noise = 1,

    /// <summary>The masked area filled with the colours around it, blurred (before VAE encoding).</summary>
    Fill = 2,
}
