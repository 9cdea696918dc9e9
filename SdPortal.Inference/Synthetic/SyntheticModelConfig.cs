namespace SdPortal.Inference.Synthetic;

/// <summary>The architecture of a synthetic Stable Diffusion model folder: text encoder, UNet and VAE shapes.</summary>
/// <param name="Name">Short name used on the command line and in <c>synthetic.json</c>.</param>
/// <param name="TextEncoder">CLIP text transformer shape.</param>
/// <param name="UNet">Denoiser shape; its cross-attention width must equal the text encoder's hidden size.</param>
/// <param name="Vae">Autoencoder shape.</param>
/// <param name="DefaultImageSize">The image side the model is meant for (written as the components' sample_size).</param>
public sealed record SyntheticModelConfig(
    string Name, TextEncoderConfig TextEncoder, UNetConfig UNet, VaeConfig Vae, int DefaultImageSize)
{
    /// <summary>
    /// Stable Diffusion 1.5 at full size: CLIP ViT-L/14 text model (768 wide, 12 layers), UNet (320, 640, 1280, 1280)
    /// with 8 heads and cross-attention to 768, AutoencoderKL (128, 256, 512, 512).
    /// </summary>
    public static SyntheticModelConfig Sd15 { get; } = new(
        "sd15",
        new TextEncoderConfig(VocabSize: 49408, MaxPositions: 77, Hidden: 768, Layers: 12, Heads: 12, Intermediate: 3072),
        new UNetConfig(
            BlockOutChannels: [320, 640, 1280, 1280],
            CrossAttentionBlocks: [true, true, true, false],
            LayersPerBlock: 2,
            AttentionHeads: 8,
            CrossAttentionDim: 768,
            InChannels: 4,
            OutChannels: 4,
            NormGroups: 32),
        new VaeConfig(
            BlockOutChannels: [128, 256, 512, 512],
            LayersPerBlock: 2,
            LatentChannels: 4,
            ImageChannels: 3,
            NormGroups: 32,
            ScalingFactor: 0.18215),
        DefaultImageSize: 512);

    /// <summary>
    /// The same block structure shrunk until a 20-step guided 256×256 txt2img runs in seconds on a small CPU: one
    /// cross-attention block and one plain block, one layer per block, 32-wide text model, VAE still ×8.
    /// The vocabulary stays 49408 so the real tokenizer's ids are valid.
    /// </summary>
    public static SyntheticModelConfig Tiny { get; } = new(
        "tiny",
        new TextEncoderConfig(VocabSize: 49408, MaxPositions: 77, Hidden: 32, Layers: 2, Heads: 2, Intermediate: 64),
        new UNetConfig(
            BlockOutChannels: [32, 64],
            CrossAttentionBlocks: [true, false],
            LayersPerBlock: 1,
            AttentionHeads: 2,
            CrossAttentionDim: 32,
            InChannels: 4,
            OutChannels: 4,
            NormGroups: 8),
        new VaeConfig(
            BlockOutChannels: [16, 32, 32, 32],
            LayersPerBlock: 1,
            LatentChannels: 4,
            ImageChannels: 3,
            NormGroups: 8,
            ScalingFactor: 0.18215),
        DefaultImageSize: 256);

    /// <summary>The named configurations, by <see cref="Name"/>.</summary>
    public static IReadOnlyList<SyntheticModelConfig> Known { get; } = [Tiny, Sd15];

    /// <summary>Looks up a configuration by name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No configuration has that name.</exception>
    public static SyntheticModelConfig FromName(string name) =>
        Known.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"Unknown synthetic config '{name}'; known: {string.Join(", ", Known.Select(c => c.Name))}.", nameof(name));
}
