using SdPortal.Inference.Imaging;

namespace SdPortal.Inference.Pipeline;

/// <summary>How a <see cref="StableDiffusionPipeline"/> reports progress, passes batches and reads input images.</summary>
public sealed record StableDiffusionPipelineOptions
{
    /// <summary>
    /// A preview image rides on every Nth progress report and on the last; 0 turns previews off. The default, 2, halves
    /// the preview cost while still updating a viewer several times a second on a GPU.
    /// </summary>
    public int PreviewInterval { get; init; } = 2;

    /// <summary>
    /// At most this many of a batch's images are denoised in one UNet pass; the rest follow in further passes. Null: the
    /// whole batch at once. The engine lowers it when the batch would not fit the job memory budget (ADR-016); the images
    /// do not change, since image k draws from its own noise stream (seed + k) whatever pass it is in.
    /// </summary>
    public int? ImagesPerPass { get; init; }

    /// <summary>The bounds an input image's file must keep to be decoded (the portal checked them at upload too).</summary>
    public InputImageLimits InputLimits { get; init; } = InputImageLimits.Default;
}
