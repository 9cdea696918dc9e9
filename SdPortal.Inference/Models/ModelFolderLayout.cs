namespace SdPortal.Inference.Models;

/// <summary>
/// The diffusers ONNX layout of a Stable Diffusion folder: which files the engine reads and which of them must exist.
/// </summary>
public sealed class ModelFolderLayout
{
    /// <summary>Describes the layout rooted at <paramref name="directory"/>.</summary>
    public ModelFolderLayout(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The model folder.</summary>
    public string Directory { get; }

    /// <summary>model_index.json: the pipeline's component list.</summary>
    public string ModelIndex => File("model_index.json");

    /// <summary>scheduler/scheduler_config.json.</summary>
    public string SchedulerConfig => File("scheduler", "scheduler_config.json");

    /// <summary>The tokenizer folder (vocab.json and merges.txt).</summary>
    public string TokenizerDirectory => File("tokenizer");

    /// <summary>tokenizer/vocab.json.</summary>
    public string TokenizerVocabulary => File("tokenizer", "vocab.json");

    /// <summary>tokenizer/merges.txt.</summary>
    public string TokenizerMerges => File("tokenizer", "merges.txt");

    /// <summary>text_encoder/model.onnx.</summary>
    public string TextEncoder => File("text_encoder", "model.onnx");

    /// <summary>unet/model.onnx (its external weights, if any, lie beside it).</summary>
    public string UNet => File("unet", "model.onnx");

    /// <summary>vae_decoder/model.onnx.</summary>
    public string VaeDecoder => File("vae_decoder", "model.onnx");

    /// <summary>vae_encoder/model.onnx: optional; without it the folder does text-to-image only.</summary>
    public string VaeEncoder => File("vae_encoder", "model.onnx");

    /// <summary>Whether the folder has a VAE encoder (image-to-image and inpainting need one).</summary>
    public bool HasVaeEncoder => System.IO.File.Exists(VaeEncoder);

    /// <summary>vae_decoder/config.json (optional: holds scaling_factor).</summary>
    public string VaeDecoderConfig => File("vae_decoder", "config.json");

    /// <summary>synthetic.json: present in the random-weight models the project builds for tests and demos.</summary>
    public string SyntheticMarker => File("synthetic.json");

    /// <summary>The files without which the engine cannot run, in the order they are checked.</summary>
    public IReadOnlyList<string> RequiredFiles =>
        [ModelIndex, SchedulerConfig, TokenizerVocabulary, TokenizerMerges, TextEncoder, UNet, VaeDecoder];

    /// <summary>Throws for the first required file that does not exist.</summary>
    /// <exception cref="ModelLoadException">The folder or a required file is missing.</exception>
    public void EnsureComplete()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new ModelLoadException(Directory, "the model folder does not exist");
        }

        foreach (var path in RequiredFiles)
        {
            if (!System.IO.File.Exists(path))
            {
                throw new ModelLoadException(path, "is missing: a diffusers ONNX model folder needs it");
            }
        }
    }

    private string File(params string[] parts) => Path.Combine([Directory, .. parts]);
}
