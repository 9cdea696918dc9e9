using SdPortal.Inference.Engine;
using SdPortal.Inference.Models;

namespace SdPortal.Web.Generation;

/// <summary>
/// What a catalogue model's folder allows, for admission, so a job the worker would refuse is refused before credits
/// are reserved: whether it can start from a picture (image-to-image and inpainting need its VAE encoder) and the size
/// multiple its UNet needs. A web node without the model's files (hosts hold them) cannot tell and lets the job
/// through; the host then fails it with the same field error and the reservation is released.
/// </summary>
public sealed class ModelCapabilities(ModelCatalog models)
{
    /// <summary>False when this node holds model <paramref name="key"/>'s folder and it has no vae_encoder.</summary>
    public bool CanStartFromImage(string key) => Folder(key) is not { } directory || new ModelFolderLayout(directory).HasVaeEncoder;

    /// <summary>The pixel multiple of model <paramref name="key"/> (<see cref="ModelSizeMultiple"/>); 8 when unknown here.</summary>
    public int SizeMultiple(string key) =>
        Folder(key) is { } directory ? ModelSizeMultiple.Read(directory) : Inference.Pipeline.GenerationSpec.SizeMultiple;

    /// <summary>The model's folder when this node holds it, else null.</summary>
    private string? Folder(string key)
    {
        var entry = models.Entries.FirstOrDefault(e => e.Key == key);
        return entry is not null && File.Exists(Path.Combine(entry.Directory, "model_index.json")) ? entry.Directory : null;
    }
}
