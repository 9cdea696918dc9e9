using System.Text.Json;
using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

public sealed class PipelineMetadataTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Generate_WritesA1111ParametersChunk()
    {
        var result = await model.Pipeline.GenerateAsync(TestRequests.Small(42));

        var parameters = PngInspection.Text(result.Images[0].Png, "parameters");
        Assert.Equal(
            "a photo of a cat\nNegative prompt: blurry\n"
            + $"Steps: 4, Sampler: Euler, CFG scale: 7.5, Seed: 42, Size: 64x64, Model hash: {model.Model.ModelHash}",
            parameters);
    }

    [Fact]
    public async Task Generate_BatchImagesCarryTheirOwnSeedInParameters()
    {
        var result = await model.Pipeline.GenerateAsync(TestRequests.Small(42) with { BatchSize = 2 });

        Assert.Contains("Seed: 43,", PngInspection.Text(result.Images[1].Png, "parameters"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_WithoutNegativePrompt_LeavesTheNegativeLineOut()
    {
        var result = await model.Pipeline.GenerateAsync(TestRequests.Small() with { NegativePrompt = "" });

        var parameters = PngInspection.Text(result.Images[0].Png, "parameters");
        Assert.DoesNotContain("Negative prompt:", parameters, StringComparison.Ordinal);
        Assert.StartsWith("a photo of a cat\nSteps: 4,", parameters, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_PromptsWithLineBreaks_CannotForgeAParametersLine()
    {
        var request = TestRequests.Small(42) with
        {
            Prompt = "a cat\r\nSteps: 999, Sampler: Forged, Seed: 1\u2028x",
            NegativePrompt = "blurry\nSteps: 998\tend",
        };

        var result = await model.Pipeline.GenerateAsync(request);

        var lines = PngInspection.Text(result.Images[0].Png, "parameters").Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("a cat  Steps: 999, Sampler: Forged, Seed: 1 x", lines[0]);
        Assert.Equal("Negative prompt: blurry Steps: 998 end", lines[1]);
        Assert.StartsWith("Steps: 4, Sampler: Euler,", lines[2], StringComparison.Ordinal);
        // The request itself, JSON-escaped, keeps the prompt exactly as written.
        using var json = JsonDocument.Parse(PngInspection.Text(result.Images[0].Png, "sdportal-request"));
        Assert.Equal(request.Prompt, json.RootElement.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task Generate_NonLatinPrompt_RoundTripsThroughTheParametersChunk()
    {
        var result = await model.Pipeline.GenerateAsync(TestRequests.Small() with { Prompt = "一只猫 🐱, café" });

        Assert.StartsWith("一只猫 🐱, café\n", PngInspection.Text(result.Images[0].Png, "parameters"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_WritesTheFullRequestAsJson()
    {
        var request = TestRequests.Small(seed: null) with { GuidanceScale = 5, BatchSize = 2 };

        var result = await model.Pipeline.GenerateAsync(request);

        using var json = JsonDocument.Parse(PngInspection.Text(result.Images[1].Png, "sdportal-request"));
        var root = json.RootElement;
        Assert.Equal("a photo of a cat", root.GetProperty("prompt").GetString());
        Assert.Equal("blurry", root.GetProperty("negativePrompt").GetString());
        Assert.Equal(result.Seed, root.GetProperty("seed").GetUInt64());
        Assert.Equal(5, root.GetProperty("guidanceScale").GetDouble());
        Assert.Equal(2, root.GetProperty("batchSize").GetInt32());
        Assert.Equal("Euler", root.GetProperty("scheduler").GetString());
        Assert.Equal("A1111", root.GetProperty("promptSyntax").GetString());
        Assert.False(root.TryGetProperty("hasInitialLatents", out _)); // engine-only inputs never reach the file
        Assert.Equal(request with { Seed = result.Seed }, GenerationSpecJson.Deserialize(root.GetRawText()));
    }
}
