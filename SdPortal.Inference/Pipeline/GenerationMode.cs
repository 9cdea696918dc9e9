namespace SdPortal.Inference.Pipeline;

/// <summary>What a job starts from: nothing, an image, or an image and a mask.</summary>
public enum GenerationMode
{
    /// <summary>From noise and the prompt.</summary>
    TextToImage = 0,

    /// <summary>From an input image, noised to the strength's level and denoised again.</summary>
    ImageToImage = 1,

    /// <summary>From an input image, repainting only where the mask is white.</summary>
    Inpaint = 2,
}
