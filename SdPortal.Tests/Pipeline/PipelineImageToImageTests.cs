using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

public sealed class PipelineImageToImageTests(TinyImageModelFixture model) : IClassFixture<TinyImageModelFixture>
{
    [Theory]
    [InlineData("Euler", 8, 0.5, 4)]
    [InlineData("Euler a", 8, 0.75, 6)]
    [InlineData("DDIM", 10, 0.7, 7)] // 10 × 0.7 = 7.000000000000001 → 7, as Python's int()
    [InlineData("DPM++ 2M Karras", 8, 1.0, 8)]
    [InlineData("Heun", 4, 0.5, 3)] // 2 · init_timestep − 1 model calls
    public async Task ImageToImage_RunsOnlyTheTailOfTheSchedule(string scheduler, int steps, double strength, int calls)
    {
        var progress = new SynchronousProgress();
        var request = SourcePictures.ImageToImage(strength) with { Scheduler = scheduler, Steps = steps };

        var result = await model.Pipeline.GenerateAsync(request, progress);

        Assert.Single(result.Images);
        Assert.Equal(calls, progress.Reports.Count);
        Assert.All(progress.Reports, r => Assert.Equal(calls, r.TotalSteps));
        Assert.Equal(calls, progress.Reports[^1].Step);
    }

    [Fact]
    public async Task ImageToImage_WithASamplingEncoder_IsDeterministicForASeed()
    {
        var first = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(seed: 5));
        var again = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(seed: 5));
        var other = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(seed: 6));

        Assert.True(model.Model.CanEncodeImages);
        Assert.Equal(PngInspection.Pixels(first.Images[0].Png), PngInspection.Pixels(again.Images[0].Png));
        Assert.NotEqual(PngInspection.Pixels(first.Images[0].Png), PngInspection.Pixels(other.Images[0].Png));
    }

    [Fact]
    public async Task ImageToImage_StartsFromThePicture_NotFromNoise()
    {
        var text = await model.Pipeline.GenerateAsync(TestRequests.Small(seed: 5) with { Steps = 8 });
        var low = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(strength: 0.25, seed: 5));
        var high = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(strength: 1.0, seed: 5));

        Assert.NotEqual(PngInspection.Pixels(text.Images[0].Png), PngInspection.Pixels(low.Images[0].Png));
        Assert.NotEqual(PngInspection.Pixels(low.Images[0].Png), PngInspection.Pixels(high.Images[0].Png));
    }

    [Fact]
    public async Task ImageToImage_ImageKOfABatch_IsTheImageOfABatchOfOneWithSeedPlusK()
    {
        var batch = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(seed: 30) with { BatchSize = 2 });
        var second = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(seed: 31));

        Assert.Equal(PngInspection.Pixels(second.Images[0].Png), PngInspection.Pixels(batch.Images[1].Png));
    }

    [Fact]
    public async Task ImageToImage_OfALargerUpload_FitsItToTheOutputSize()
    {
        var request = SourcePictures.ImageToImage() with { Inputs = new GenerationInputs(SourcePictures.Gradient(200, 120)) };

        var result = await model.Pipeline.GenerateAsync(request);

        Assert.Equal((64, 64), PngInspection.Size(result.Images[0].Png));
    }

    [Fact]
    public async Task ImageToImage_OfAFileThatIsNoImage_IsAFieldErrorBeforeAnyModelRuns()
    {
        var progress = new SynchronousProgress();
        var request = SourcePictures.ImageToImage() with { Inputs = new GenerationInputs([1, 2, 3, 4, 5, 6, 7, 8]) };

        var error = await Assert.ThrowsAsync<GenerationValidationException>(() => model.Pipeline.GenerateAsync(request, progress));

        Assert.Equal("initImageId", error.Errors[0].Field);
        Assert.Empty(progress.Reports);
    }
}

public sealed class PipelineImageToImageWithoutEncoderTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task ImageToImage_OnAModelWithoutAnEncoder_IsRefusedOnTheInitImage()
    {
        var error = await Assert.ThrowsAsync<GenerationValidationException>(
            () => model.Pipeline.GenerateAsync(SourcePictures.ImageToImage()));

        Assert.False(model.Model.CanEncodeImages);
        Assert.Equal("initImageId", error.Errors[0].Field);
        Assert.Contains("vae_encoder", error.Errors[0].Message, StringComparison.Ordinal);
    }
}

public sealed class PipelineMomentsEncoderTests(TinyMomentsEncoderModelFixture model) : IClassFixture<TinyMomentsEncoderModelFixture>
{
    [Fact]
    public async Task ImageToImage_WithAMomentsEncoder_SamplesFromTheSeed()
    {
        var first = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(seed: 5));
        var again = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(seed: 5));
        var batch = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(seed: 4) with { BatchSize = 2 });

        Assert.Equal(PngInspection.Pixels(first.Images[0].Png), PngInspection.Pixels(again.Images[0].Png));
        Assert.Equal(PngInspection.Pixels(first.Images[0].Png), PngInspection.Pixels(batch.Images[1].Png));
    }
}

public sealed class PipelineMeanEncoderTests(TinyMeanEncoderModelFixture model) : IClassFixture<TinyMeanEncoderModelFixture>
{
    [Fact]
    public async Task ImageToImage_WithAMeanEncoder_RunsAndKeepsBatchInvariance()
    {
        var alone = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(seed: 8));
        var batch = await model.Pipeline.GenerateAsync(SourcePictures.ImageToImage(seed: 7) with { BatchSize = 2 });

        Assert.Equal(PngInspection.Pixels(alone.Images[0].Png), PngInspection.Pixels(batch.Images[1].Png));
        Assert.NotEqual(PngInspection.Pixels(batch.Images[0].Png), PngInspection.Pixels(batch.Images[1].Png));
    }
}

public sealed class PipelineFp16ImageToImageTests(TinyFp16ImageModelFixture model) : IClassFixture<TinyFp16ImageModelFixture>
{
    [Fact]
    public async Task Inpaint_OnAnFp16Model_IsDeterministicAndKeepsTheOutside()
    {
        var first = await model.Pipeline.GenerateAsync(SourcePictures.Inpaint(seed: 3));
        var again = await model.Pipeline.GenerateAsync(SourcePictures.Inpaint(seed: 3));

        Assert.Equal(PngInspection.Pixels(first.Images[0].Png), PngInspection.Pixels(again.Images[0].Png));
        var original = Inference.Imaging.InputImageDecoder.Decode(SourcePictures.Gradient(), Inference.Imaging.InputImageLimits.Default).Pixels;
        var corner = PngInspection.Pixels(first.Images[0].Png).AsSpan(0, 16 * 3).ToArray();
        Assert.Equal(original.AsSpan(0, 16 * 3).ToArray(), corner);
    }
}

public sealed class PipelineSizeMultipleTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Generate_AtASizeTheUNetCannotHalve_IsAFieldErrorBeforeAnyModelRuns()
    {
        var progress = new SynchronousProgress();

        var error = await Assert.ThrowsAsync<GenerationValidationException>(
            () => model.Pipeline.GenerateAsync(TestRequests.Small() with { Width = 72 }, progress));

        Assert.Equal(16, model.Model.SizeMultiple); // the tiny UNet has two down blocks: 8 · 2
        Assert.Equal("width", Assert.Single(error.Errors).Field);
        Assert.Contains("multiple of 16", error.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("try 64 or 80", error.Errors[0].Message, StringComparison.Ordinal);
        Assert.Empty(progress.Reports);
    }

    [Theory]
    [InlineData(4, 64)] // SD 1.x/2.x
    [InlineData(2, 16)]
    [InlineData(1, 8)]
    public void SizeMultiple_DoublesPerDownsampling(int levels, int multiple) =>
        Assert.Equal(multiple, Inference.Models.ModelSizeMultiple.For(levels));
}
