using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

public sealed class PipelineProgressTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private const int MaxPreviewBytes = 20 * 1024;

    [Fact]
    public async Task Generate_ReportsEveryStepInOrderWithSmallPreviews()
    {
        var progress = new SynchronousProgress();

        await model.Pipeline.GenerateAsync(TestRequests.Small() with { Width = 256, Height = 256, Steps = 6 }, progress);

        Assert.Equal([1, 2, 3, 4, 5, 6], progress.Reports.Select(r => r.Step));
        Assert.All(progress.Reports, r => Assert.Equal(6, r.TotalSteps));
        Assert.All(progress.Reports, r => Assert.True(r.ItPerSecond > 0));
        Assert.Equal(progress.Reports.Select(r => r.Elapsed).Order(), progress.Reports.Select(r => r.Elapsed));
        Assert.All(progress.Reports, r =>
        {
            Assert.NotNull(r.PreviewPng);
            Assert.InRange(r.PreviewPng.Length, 1, MaxPreviewBytes);
            Assert.Equal((64, 64), PngInspection.Size(r.PreviewPng));
        });
    }

    [Fact]
    public async Task Generate_LargestImage_KeepsPreviewsUnderTheLimit()
    {
        var progress = new SynchronousProgress();

        await model.Pipeline.GenerateAsync(TestRequests.Small() with { Width = 1024, Height = 512, Steps = 1 }, progress);

        var preview = Assert.Single(progress.Reports).PreviewPng;
        Assert.NotNull(preview);
        Assert.InRange(preview.Length, 1, MaxPreviewBytes);
        Assert.Equal((64, 32), PngInspection.Size(preview));
    }

    [Fact]
    public async Task Generate_WithDefaultOptions_PreviewsEverySecondStepAndTheLast()
    {
        var pipeline = new StableDiffusionPipeline(model.Model);
        var progress = new SynchronousProgress();

        await pipeline.GenerateAsync(TestRequests.Small() with { Steps = 5 }, progress);

        Assert.Equal([2, 4, 5], progress.Reports.Where(r => r.PreviewPng is not null).Select(r => r.Step));
    }

    [Fact]
    public async Task Generate_WithPreviewsOff_ReportsStepsWithoutImages()
    {
        var pipeline = new StableDiffusionPipeline(model.Model, new StableDiffusionPipelineOptions { PreviewInterval = 0 });
        var progress = new SynchronousProgress();

        await pipeline.GenerateAsync(TestRequests.Small(), progress);

        Assert.Equal(4, progress.Reports.Count);
        Assert.All(progress.Reports, r => Assert.Null(r.PreviewPng));
    }
}
