using SdPortal.Inference.Noise;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

public sealed class PipelineLatentsTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Theory]
    [InlineData("Euler")]
    [InlineData("Euler a")]
    public async Task Generate_WithTheSeedsOwnNoiseAsLatents_GivesTheSeededImage(string scheduler)
    {
        var request = TestRequests.Small(seed: 9) with { Scheduler = scheduler };
        var noise = SeedNoise(9, 4 * 8 * 8);

        var seeded = await model.Pipeline.GenerateAsync(request);
        var overridden = await model.Pipeline.GenerateAsync(request with { InitialLatents = noise });

        Assert.Equal(PngInspection.Pixels(seeded.Images[0].Png), PngInspection.Pixels(overridden.Images[0].Png));
    }

    [Fact]
    public async Task Generate_WithOtherLatents_IgnoresTheSeedsNoise()
    {
        var request = TestRequests.Small(seed: 9);

        var seeded = await model.Pipeline.GenerateAsync(request);
        var overridden = await model.Pipeline.GenerateAsync(request with { InitialLatents = SeedNoise(10, 4 * 8 * 8) });
        var otherSeed = await model.Pipeline.GenerateAsync(request with { Seed = 10 });

        Assert.NotEqual(PngInspection.Pixels(seeded.Images[0].Png), PngInspection.Pixels(overridden.Images[0].Png));
        Assert.Equal(PngInspection.Pixels(otherSeed.Images[0].Png), PngInspection.Pixels(overridden.Images[0].Png));
    }

    [Fact]
    public async Task Generate_WithBatchLatents_GivesEachImageItsSlice()
    {
        float[] noise = [.. SeedNoise(20, 4 * 8 * 8), .. SeedNoise(21, 4 * 8 * 8)];

        var seeded = await model.Pipeline.GenerateAsync(TestRequests.Small(seed: 20) with { BatchSize = 2 });
        var overridden = await model.Pipeline.GenerateAsync(
            TestRequests.Small(seed: 20) with { BatchSize = 2, InitialLatents = noise });

        Assert.Equal(PngInspection.Pixels(seeded.Images[1].Png), PngInspection.Pixels(overridden.Images[1].Png));
    }

    /// <summary>The N(0, 1) draw the pipeline makes for an image of <paramref name="seed"/>.</summary>
    internal static float[] SeedNoise(ulong seed, int length)
    {
        var values = new float[length];
        new SeededGaussianNoise(seed).NextGaussian(values);
        return values;
    }
}
