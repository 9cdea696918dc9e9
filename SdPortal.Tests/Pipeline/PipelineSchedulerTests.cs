using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

public sealed class PipelineSchedulerTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    public static TheoryData<string> SchedulerNames => new(SchedulerFactory.Names);

    [Theory]
    [MemberData(nameof(SchedulerNames))]
    public async Task Generate_EveryScheduler_RunsFourStepsAndDecodes(string scheduler)
    {
        var progress = new SynchronousProgress();

        var result = await model.Pipeline.GenerateAsync(TestRequests.Small() with { Scheduler = scheduler, Steps = 4 }, progress);

        Assert.Equal((64, 64), PngInspection.Size(Assert.Single(result.Images).Png));
        Assert.NotEmpty(progress.Reports);
        Assert.Equal(progress.Reports.Count, progress.Reports[^1].TotalSteps);
        Assert.Contains($"Sampler: {scheduler},", PngInspection.Text(result.Images[0].Png, "parameters"), StringComparison.Ordinal);
    }
}
