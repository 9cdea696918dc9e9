using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using SdPortal.Inference.Synthetic.Graph;

namespace SdPortal.Inference.Synthetic;

/// <summary>
/// Writes complete, loadable Stable Diffusion ONNX model folders with the real architecture and seeded random weights,
/// for tests, the embedded demo and GPU benchmarks where real weights cannot be downloaded.
/// </summary>
public static class SyntheticModelFolder
{
    /// <summary>The marker file that says a folder holds a synthetic model (config, seed, parameter counts).</summary>
    public const string MarkerFileName = "synthetic.json";

    /// <summary>
    /// Writes <c>model_index.json</c>, <c>scheduler/</c>, <c>tokenizer/</c>, one <c>model.onnx</c> (and config.json) per
    /// component, and <c>synthetic.json</c> into <paramref name="outDir"/>. Equal inputs give byte-identical files.
    /// </summary>
    public static SyntheticFolderSummary Write(SyntheticModelConfig config, string outDir, SyntheticWriteOptions options)
    {
        var total = Stopwatch.StartNew();
        if (options.InpaintingUNet)
        {
            config = config with { UNet = config.UNet with { InChannels = (2 * config.UNet.OutChannels) + 1 } };
        }

        var parts = SyntheticComponents.For(config, options.Precision, options.Timestep, options.IncludeVaeEncoder, options.Form, options.VaeEncoderOutput);
        Directory.CreateDirectory(outDir);
        var components = new List<SyntheticComponentSummary>();
        foreach (var (name, build) in parts)
        {
            var watch = Stopwatch.StartNew();
            var graph = build();
            var folder = Directory.CreateDirectory(Path.Combine(outDir, name)).FullName;
            var written = OnnxModelWriter.Write(
                graph, Path.Combine(folder, "model.onnx"), ComponentSeed(options.Seed, name), options.ExternalDataThresholdBytes);
            components.Add(new SyntheticComponentSummary(
                name, graph.ParameterCount, written.TotalBytes, written.HasExternalData, watch.Elapsed.TotalSeconds));
        }

        SyntheticFolderFiles.Write(outDir, config, options, components);
        return new SyntheticFolderSummary(
            config.Name, options.Precision, options.Seed, Path.GetFullPath(outDir), components, total.Elapsed.TotalSeconds);
    }

    /// <summary>Counts each component's parameters by building the graphs only: no weights are drawn or written.</summary>
    public static SyntheticParameterCounts CountParameters(SyntheticModelConfig config)
    {
        var counts = SyntheticComponents.For(config, SyntheticPrecision.Fp32, TimestepKind.Int64PerSample, includeVaeEncoder: true)
            .ToDictionary(c => c.Name, c => c.Build().ParameterCount, StringComparer.Ordinal);
        return new SyntheticParameterCounts(
            counts[SyntheticComponents.TextEncoder],
            counts[SyntheticComponents.UNet],
            counts[SyntheticComponents.VaeDecoder],
            counts[SyntheticComponents.VaeEncoder]);
    }

    /// <summary>True when <paramref name="modelDir"/> carries the synthetic marker, so a UI can label it as such.</summary>
    public static bool IsSynthetic(string modelDir) => File.Exists(Path.Combine(modelDir, MarkerFileName));

    // Components share module names (conv_in, time_embedding…), so each gets its own seed stream.
    private static ulong ComponentSeed(ulong seed, string component) =>
        XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(component), unchecked((long)seed));
}
