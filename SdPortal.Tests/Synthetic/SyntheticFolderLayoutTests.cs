using System.Text.Json.Nodes;
using SdPortal.Inference.Synthetic;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Synthetic;

[Collection(TinySyntheticSuite.Name)]
public sealed class SyntheticFolderLayoutTests(TinySyntheticFolders folders)
{
    [Fact]
    public void ModelIndex_NamesTheOnnxPipelineAndEveryComponent()
    {
        var index = ReadJson(folders.Fp32, "model_index.json");

        Assert.Equal("OnnxStableDiffusionPipeline", (string?)index["_class_name"]);
        Assert.Equal("PNDMScheduler", (string?)index["scheduler"]![1]);
        Assert.Equal("CLIPTokenizer", (string?)index["tokenizer"]![1]);
        foreach (var component in new[] { "text_encoder", "unet", "vae_decoder", "vae_encoder" })
        {
            Assert.Equal("OnnxRuntimeModel", (string?)index[component]![1]);
            Assert.True(File.Exists(Path.Combine(folders.Fp32, component, "model.onnx")), component);
        }
    }

    [Fact]
    public void VaeDecoderConfig_CarriesTheSd15ScalingFactor()
    {
        var config = ReadJson(folders.Fp32, "vae_decoder", "config.json");

        Assert.Equal(0.18215, (double)config["scaling_factor"]!);
    }

    [Fact]
    public void TokenizerAndScheduler_AreTheSharedSd15Files()
    {
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(TestPaths.ClipTokenizer, "vocab.json")),
            File.ReadAllBytes(Path.Combine(folders.Fp32, "tokenizer", "vocab.json")));
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(TestPaths.ClipTokenizer, "merges.txt")),
            File.ReadAllBytes(Path.Combine(folders.Fp32, "tokenizer", "merges.txt")));
        Assert.Equal(
            File.ReadAllBytes(TestPaths.Sd15SchedulerConfig),
            File.ReadAllBytes(Path.Combine(folders.Fp32, "scheduler", "scheduler_config.json")));
        Assert.Equal(77, (int)ReadJson(folders.Fp32, "tokenizer", "tokenizer_config.json")["model_max_length"]!);
    }

    [Fact]
    public void Marker_SaysSyntheticWithConfigSeedAndParameterCounts()
    {
        var marker = ReadJson(folders.Fp32, SyntheticModelFolder.MarkerFileName);
        var tiny = SyntheticModelFolder.CountParameters(SyntheticModelConfig.Tiny);

        Assert.True(SyntheticModelFolder.IsSynthetic(folders.Fp32));
        Assert.True((bool)marker["synthetic"]!);
        Assert.Equal("tiny", (string?)marker["config"]);
        Assert.Equal(0UL, (ulong)marker["seed"]!);
        Assert.Equal("fp32", (string?)marker["precision"]);
        Assert.Equal(tiny.UNet, (long)marker["parameters"]!["unet"]!);
        Assert.Equal(tiny.Total, (long)marker["total_parameters"]!);
    }

    [Fact]
    public void IsSynthetic_IsFalseForAFolderWithoutTheMarker()
    {
        Assert.False(SyntheticModelFolder.IsSynthetic(Path.Combine(folders.Fp32, "unet")));
    }

    private static JsonNode ReadJson(params string[] path) => JsonNode.Parse(File.ReadAllText(Path.Combine(path)))!;
}
