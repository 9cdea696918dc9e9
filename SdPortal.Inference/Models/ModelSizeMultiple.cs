using System.Text.Json;
using SdPortal.Inference.Pipeline;

namespace SdPortal.Inference.Models;

/// <summary>
/// The pixel multiple a model's width and height must keep: the VAE's factor 8 times 2 for every downsampling of the
/// UNet (one per down block but the last), read from <c>unet/config.json</c>. An exported UNet graph upsamples by
/// exactly 2 and concatenates with its skip connections, so a latent side it cannot halve evenly (72 px on SD 1.5:
/// 9 latents) fails inside the first model call; admission and the pipeline refuse it on the field instead.
/// </summary>
public static class ModelSizeMultiple
{
    /// <summary>The multiple for the folder at <paramref name="directory"/>; <see cref="GenerationSpec.SizeMultiple"/>
    /// when it has no readable <c>unet/config.json</c> with <c>block_out_channels</c>.</summary>
    public static int Read(string directory)
    {
        var path = Path.Combine(directory, "unet", "config.json");
        if (!File.Exists(path))
        {
            return GenerationSpec.SizeMultiple;
        }

        try
        {
            var config = ModelJson.ReadObject(path);
            return config.TryGetProperty("block_out_channels", out var blocks) && blocks.ValueKind == JsonValueKind.Array
                ? For(blocks.GetArrayLength())
                : GenerationSpec.SizeMultiple;
        }
        catch (ModelLoadException)
        {
            return GenerationSpec.SizeMultiple; // opening the folder names what is wrong with it
        }
    }

    /// <summary>8 · 2^(levels − 1) for a UNet of <paramref name="levels"/> down blocks.</summary>
    public static int For(int levels) => GenerationSpec.SizeMultiple << Math.Clamp(levels - 1, 0, 6);
}
