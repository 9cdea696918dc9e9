using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

/// <summary>A batch run in several UNet passes (the job memory budget's split, ADR-016) gives the images of one pass.</summary>
public sealed class PipelinePassesTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Theory]
    [InlineData("Euler", 1)]
    [InlineData("Euler a", 2)] // ancestral: each pass's scheduler noise must come from its own images' streams
    public async Task Generate_BatchOfThreeInPasses_GivesTheSameImagesAsOnePass(string scheduler, int perPass)
    {
        var request = TestRequests.Small(900) with { Scheduler = scheduler, BatchSize = 3 };
        var split = new StableDiffusionPipeline(model.Model, new StableDiffusionPipelineOptions { PreviewInterval = 0, ImagesPerPass = perPass });

        var whole = await model.Pipeline.GenerateAsync(request);
        var passes = await split.GenerateAsync(request);

        Assert.Equal([900UL, 901UL, 902UL], passes.Images.Select(i => i.Seed));
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(PngInspection.Pixels(whole.Images[k].Png), PngInspection.Pixels(passes.Images[k].Png));
        }
    }

    [Fact]
    public async Task Generate_InPasses_ReportsProgressOnTheRequestsStepsEndingAtTheLast()
    {
        var request = TestRequests.Small(5) with { BatchSize = 2 };
        var split = new StableDiffusionPipeline(model.Model, new StableDiffusionPipelineOptions { PreviewInterval = 0, ImagesPerPass = 1 });
        var progress = new SynchronousProgress();

        await split.GenerateAsync(request, progress);
        var reports = progress.Reports;

        Assert.Equal(2 * request.Steps, reports.Count);
        Assert.All(reports, r => Assert.Equal(request.Steps, r.TotalSteps));
        Assert.Equal(reports.Select(r => r.Step).Order(), reports.Select(r => r.Step));
        Assert.Equal((1, request.Steps), (reports[0].Step, reports[^1].Step));
    }
}
