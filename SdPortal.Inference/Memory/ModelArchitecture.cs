using System.Text.Json;
using SdPortal.Inference.Engine;
using SdPortal.Inference.Models;

namespace SdPortal.Inference.Memory;

/// <summary>
/// What a model's memory per request depends on, read from the folder's diffusers <c>config.json</c> files (no session
/// is opened, so a web node that only has the folder's configuration can evaluate it too).
/// </summary>
/// <param name="UNetChannels">The UNet's <c>block_out_channels</c>, top level first.</param>
/// <param name="UNetCrossAttention">Per UNet level, whether it has transformer blocks (<c>CrossAttn…Block2D</c>).</param>
/// <param name="UNetHeads">Attention heads per level (diffusers' <c>attention_head_dim</c>, which SD 1.x/2.x use as the head count).</param>
/// <param name="VaeChannels">The VAE decoder's <c>block_out_channels</c> (encoder order: the full-resolution level first).</param>
/// <param name="LatentChannels">Latent channels (4 for SD 1.x).</param>
/// <param name="ElementBytes">Bytes per activation: 2 for float16 models, 4 otherwise.</param>
/// <param name="WeightBytes">The model's files as <see cref="ModelFootprint"/> counts them.</param>
public sealed record ModelArchitecture(
    IReadOnlyList<int> UNetChannels,
    IReadOnlyList<bool> UNetCrossAttention,
    IReadOnlyList<int> UNetHeads,
    IReadOnlyList<int> VaeChannels,
    int LatentChannels,
    int ElementBytes,
    long WeightBytes)
{
    /// <summary>Reads the architecture of the model folder at <paramref name="directory"/>.</summary>
    /// <exception cref="ModelLoadException">A configuration file is missing or lacks a field.</exception>
    public static ModelArchitecture Read(string directory)
    {
        var layout = new ModelFolderLayout(directory);
        var unetConfig = Path.Combine(layout.Directory, "unet", "config.json");
        var unet = ModelJson.ReadObject(unetConfig);
        var vae = ModelJson.ReadObject(layout.VaeDecoderConfig);
        var channels = Ints(unet, "block_out_channels", unetConfig);
        var attention = Strings(unet, "down_block_types", unetConfig).Select(t => t.StartsWith("CrossAttn", StringComparison.Ordinal)).ToArray();
        var heads = unet.TryGetProperty("attention_head_dim", out var h) && h.ValueKind == JsonValueKind.Number
            ? Enumerable.Repeat(h.GetInt32(), channels.Length).ToArray()
            : Ints(unet, "attention_head_dim", unetConfig);
        var fp16 = unet.TryGetProperty("torch_dtype", out var dtype) && dtype.GetString() == "float16";
        return new ModelArchitecture(
            channels,
            attention,
            heads,
            Ints(vae, "block_out_channels", layout.VaeDecoderConfig),
            vae.TryGetProperty("latent_channels", out var latent) ? latent.GetInt32() : 4,
            fp16 ? 2 : 4,
            ModelFootprint.EstimateBytes(layout));
    }

    private static int[] Ints(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(v => v.GetInt32())]
            : throw new ModelLoadException(path, $"has no '{name}' array");

    private static string[] Strings(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(v => v.GetString() ?? string.Empty)]
            : throw new ModelLoadException(path, $"has no '{name}' array");
}
