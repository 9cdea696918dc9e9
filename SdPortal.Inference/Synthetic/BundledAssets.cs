namespace SdPortal.Inference.Synthetic;

/// <summary>
/// The files under <c>Assets/</c> that a model folder carries (tokenizer vocabulary, scheduler config), embedded in the
/// assembly so the writer works from the CLI, the web host and tests alike, wherever the binaries are.
/// </summary>
internal static class BundledAssets
{
    public const string SchedulerConfig = "SdPortal.Inference.Assets.sd15-scheduler_config.json";
    public const string ClipVocab = "SdPortal.Inference.Assets.clip-vit-l-14-tokenizer.vocab.json";
    public const string ClipMerges = "SdPortal.Inference.Assets.clip-vit-l-14-tokenizer.merges.txt";
    public const string ClipLicense = "SdPortal.Inference.Assets.clip-vit-l-14-tokenizer.LICENSE-CLIP";

    /// <summary>Copies the embedded resource <paramref name="name"/> to <paramref name="path"/>.</summary>
    public static void CopyTo(string name, string path)
    {
        using var source = Open(name);
        using var target = File.Create(path);
        source.CopyTo(target);
    }

    /// <summary>Opens the embedded resource <paramref name="name"/>.</summary>
    public static Stream Open(string name) =>
        typeof(BundledAssets).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"Embedded asset '{name}' is missing from {typeof(BundledAssets).Assembly.GetName().Name}.");
}
