using SdPortal.Inference.Lora;

namespace SdPortal.Inference.Pipeline;

/// <summary>
/// The encoded files (PNG, JPEG or WebP) of the input images a <see cref="GenerationSpec"/> references: what the
/// portal hands a worker beside the spec, and what the CLI reads from disk.
/// </summary>
/// <param name="InitImage">The image to start from.</param>
/// <param name="Mask">The inpainting mask (white = repaint), or null.</param>
public sealed record GenerationInputs(byte[]? InitImage, byte[]? Mask = null)
{
    /// <summary>The read adapter files the spec's <see cref="GenerationSpec.Adapters"/> name, by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, LoraWeights> Adapters { get; init; } = new Dictionary<string, LoraWeights>(StringComparer.OrdinalIgnoreCase);
}
