using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

public sealed class PipelineGenerationTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private readonly StableDiffusionPipeline _pipeline = model.Pipeline;

    [Theory]
    [InlineData(64, 64)]
    [InlineData(256, 256)]
    [InlineData(128, 64)]
    public async Task Generate_ProducesOnePngOfTheRequestedSize(int width, int height)
    {
        var result = await _pipeline.GenerateAsync(TestRequests.Small() with { Width = width, Height = height });

        var image = Assert.Single(result.Images);
        Assert.Equal((width, height), PngInspection.Size(image.Png));
        Assert.Equal((width, height), (image.Width, image.Height));
    }

    [Fact]
    public async Task Generate_SameSeed_GivesByteIdenticalPng()
    {
        var first = await _pipeline.GenerateAsync(TestRequests.Small(1234));
        var second = await _pipeline.GenerateAsync(TestRequests.Small(1234));

        Assert.Equal(first.Images[0].Png, second.Images[0].Png);
    }

    [Fact]
    public async Task Generate_DifferentSeed_GivesDifferentImage()
    {
        var first = await _pipeline.GenerateAsync(TestRequests.Small(1));
        var second = await _pipeline.GenerateAsync(TestRequests.Small(2));

        Assert.NotEqual(Pixels(first), Pixels(second));
    }

    [Theory]
    [InlineData("Euler")]
    [InlineData("Euler a")]
    public async Task Generate_BatchOfTwo_UsesConsecutiveSeedsAndEachImageIsReproducibleAlone(string scheduler)
    {
        var request = TestRequests.Small(500) with { Scheduler = scheduler };

        var batch = await _pipeline.GenerateAsync(request with { BatchSize = 2 });
        var first = await _pipeline.GenerateAsync(request);
        var second = await _pipeline.GenerateAsync(request with { Seed = 501 });

        Assert.Equal([500UL, 501UL], batch.Images.Select(i => i.Seed));
        Assert.Equal(Pixels(first), Pixels(batch, 0));
        Assert.Equal(Pixels(second), Pixels(batch, 1));
        Assert.NotEqual(Pixels(batch, 0), Pixels(batch, 1));
    }

    [Fact]
    public async Task Generate_GuidanceOneAndSevenAndAHalf_GiveDifferentImages()
    {
        var unguided = await _pipeline.GenerateAsync(TestRequests.Small() with { GuidanceScale = 1 });
        var guided = await _pipeline.GenerateAsync(TestRequests.Small() with { GuidanceScale = 7.5 });

        Assert.NotEqual(Pixels(unguided), Pixels(guided));
    }

    [Fact]
    public async Task Generate_WithoutSeed_DrawsOneThatReproducesTheImage()
    {
        var drawn = await _pipeline.GenerateAsync(TestRequests.Small() with { Seed = null });
        var replayed = await _pipeline.GenerateAsync(TestRequests.Small(drawn.Seed));

        Assert.Equal(drawn.Seed, drawn.Images[0].Seed);
        Assert.Equal(Pixels(drawn), Pixels(replayed));
    }

    [Fact]
    public async Task Generate_LongPlainPrompt_IsFlaggedAsTruncated()
    {
        var longPrompt = string.Join(' ', Enumerable.Repeat("cat", 100));

        var result = await _pipeline.GenerateAsync(TestRequests.Small() with { Prompt = longPrompt, PromptSyntax = PromptSyntax.Plain });
        var shortResult = await _pipeline.GenerateAsync(TestRequests.Small() with { PromptSyntax = PromptSyntax.Plain });

        Assert.True(result.PromptTruncated);
        Assert.False(shortResult.PromptTruncated);
    }

    [Fact]
    public async Task Generate_ReportsTimingsThatAddUp()
    {
        var result = await _pipeline.GenerateAsync(TestRequests.Small());

        var timings = result.Timings;
        Assert.Equal(4, timings.Steps);
        Assert.True(timings.Denoising > TimeSpan.Zero && timings.ItPerSecond > 0);
        Assert.True(timings.TextEncoding + timings.Denoising + timings.Decoding <= timings.Total + TimeSpan.FromMilliseconds(1));
    }

    private static byte[] Pixels(GenerationResult result, int index = 0) => PngInspection.Pixels(result.Images[index].Png);
}
