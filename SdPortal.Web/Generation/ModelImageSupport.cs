using SdPortal.Inference.Engine;
using SdPortal.Inference.Models;

namespace SdPortal.Web.Generation;

/// <summary>
/// Whether a catalogue model can start from a picture (image-to-image, inpainting need its VAE encoder), for
/// admission: a job the worker would refuse is refused before credits are reserved. A web node without the model's
/// files (hosts hold them) cannot tell and lets the job through; the host then fails it with the same field error
/// and the reservation is released.
/// </summary>
public sealed class ModelImageSupport(ModelCatalog models)
{
    /// <summary>False when this node holds model <paramref name="key"/>'s folder and it has no vae_encoder.</summary>
    public bool CanStartFromImage(string key)
    {
        var entry = models.Entries.FirstOrDefault(e => e.Key == key);
        if (entry is null || !File.Exists(Path.Combine(entry.Directory, "model_index.json")))
        {
            return true;
        }

        return new ModelFolderLayout(entry.Directory).HasVaeEncoder;
    }
}
