namespace SdPortal.Inference.Pipeline;

/// <summary>How a <see cref="StableDiffusionPipeline"/> reports progress.</summary>
public sealed record StableDiffusionPipelineOptions
{
    /// <summary>
    /// A preview image rides on every Nth progress report and on the last; 0 turns previews off. The default, 2, halves
    /// the preview cost while still updating a viewer several times a second on a GPU.
    /// </summary>
    public int PreviewInterval { get; init; } = 2;
}
