using System.Text.Json.Nodes;

namespace SdPortal.Inference.Synthetic;

/// <summary>
/// The non-ONNX files of a diffusers-style ONNX model folder: model_index.json, scheduler and tokenizer files, the
/// components' config.json (the VAE's carries scaling_factor) and the synthetic.json marker.
/// </summary>
internal static class SyntheticFolderFiles
{
    public static void Write(string outDir, SyntheticModelConfig config, SyntheticWriteOptions options, IReadOnlyList<SyntheticComponentSummary> components)
    {
        var scheduler = Directory.CreateDirectory(Path.Combine(outDir, "scheduler")).FullName;
        BundledAssets.CopyTo(BundledAssets.SchedulerConfig, Path.Combine(scheduler, "scheduler_config.json"));
        var schedulerClass = JsonNode.Parse(File.ReadAllText(Path.Combine(scheduler, "scheduler_config.json")))?["_class_name"]?.GetValue<string>()
            ?? "PNDMScheduler";

        var tokenizer = Directory.CreateDirectory(Path.Combine(outDir, "tokenizer")).FullName;
        BundledAssets.CopyTo(BundledAssets.ClipVocab, Path.Combine(tokenizer, "vocab.json"));
        BundledAssets.CopyTo(BundledAssets.ClipMerges, Path.Combine(tokenizer, "merges.txt"));
        BundledAssets.CopyTo(BundledAssets.ClipLicense, Path.Combine(tokenizer, "LICENSE-CLIP"));
        SyntheticJson.Write(Path.Combine(tokenizer, "tokenizer_config.json"), TokenizerConfig(config));

        var index = new JsonObject
        {
            ["_class_name"] = "OnnxStableDiffusionPipeline",
            ["_diffusers_version"] = "0.30.0",
            ["feature_extractor"] = new JsonArray(null, null),
            ["requires_safety_checker"] = false,
            ["safety_checker"] = new JsonArray(null, null),
            ["scheduler"] = new JsonArray("diffusers", schedulerClass),
            ["tokenizer"] = new JsonArray("transformers", "CLIPTokenizer"),
        };
        foreach (var component in components)
        {
            index[component.Name] = new JsonArray("diffusers", "OnnxRuntimeModel");
        }

        SyntheticJson.Write(Path.Combine(outDir, "model_index.json"), index);
        foreach (var component in components)
        {
            SyntheticJson.Write(Path.Combine(outDir, component.Name, "config.json"), SyntheticComponentConfigs.For(component.Name, config, options));
        }

        SyntheticJson.Write(Path.Combine(outDir, SyntheticModelFolder.MarkerFileName), Marker(config, options, components));
    }

    private static JsonObject TokenizerConfig(SyntheticModelConfig config) => new()
    {
        ["add_prefix_space"] = false,
        ["bos_token"] = "<|startoftext|>",
        ["do_lower_case"] = true,
        ["eos_token"] = "<|endoftext|>",
        ["errors"] = "replace",
        ["model_max_length"] = config.TextEncoder.MaxPositions,
        ["pad_token"] = "<|endoftext|>",
        ["tokenizer_class"] = "CLIPTokenizer",
        ["unk_token"] = "<|endoftext|>",
    };

    private static JsonObject Marker(SyntheticModelConfig config, SyntheticWriteOptions options, IReadOnlyList<SyntheticComponentSummary> components)
    {
        var parameters = new JsonObject();
        foreach (var component in components)
        {
            parameters[component.Name] = component.Parameters;
        }

        return new JsonObject
        {
            ["synthetic"] = true,
            ["description"] = "Random weights in the Stable Diffusion 1.5 architecture, for tests, demos and benchmarks. "
                + "Not a trained model: its images are noise.",
            ["generator"] = "SdPortal.Inference.Synthetic",
            ["config"] = config.Name,
            ["seed"] = options.Seed,
            ["precision"] = SyntheticJson.PrecisionName(options.Precision),
            ["timestep"] = options.Timestep.ToString(),
            ["form"] = options.Form == SyntheticForm.Fused ? "fused" : "plain",
            ["parameters"] = parameters,
            ["total_parameters"] = components.Sum(c => c.Parameters),
        };
    }
}
