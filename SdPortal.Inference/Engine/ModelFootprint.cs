using SdPortal.Inference.Models;

namespace SdPortal.Inference.Engine;

/// <summary>
/// The device memory a model's sessions are counted as holding: the bytes of the files the engine opens (text encoder,
/// UNet and VAE decoder, each folder's external-weight files included). An estimate of the weights ORT copies to the
/// device; ORT's own copies of constant-folded initialisers and the arena are not in it (docs/benchmarks.md lists the
/// measurement that would calibrate it).
/// </summary>
public static class ModelFootprint
{
    /// <summary>Sums the files under the three model folders the engine opens.</summary>
    public static long EstimateBytes(ModelFolderLayout layout) =>
        new[] { layout.TextEncoder, layout.UNet, layout.VaeDecoder }
            .Select(Path.GetDirectoryName)
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder!, "*", SearchOption.TopDirectoryOnly))
            .Where(file => !file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Sum(file => new FileInfo(file).Length);
}
