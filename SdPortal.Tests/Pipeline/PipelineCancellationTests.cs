using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

public sealed class PipelineCancellationTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task Generate_CancelledAfterStepThree_StopsBeforeStepFive()
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Step == 3)
            {
                cancellation.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => model.Pipeline.GenerateAsync(TestRequests.Small() with { Steps = 10 }, progress, cancellation.Token));

        Assert.InRange(progress.Reports.Max(r => r.Step), 3, 4);
    }

    [Fact]
    public async Task Generate_AfterACancelledJob_StillProducesTheSameImage()
    {
        var before = await model.Pipeline.GenerateAsync(TestRequests.Small(77));
        using var cancellation = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Step == 2)
            {
                cancellation.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => model.Pipeline.GenerateAsync(TestRequests.Small(77), progress, cancellation.Token));

        var after = await model.Pipeline.GenerateAsync(TestRequests.Small(77));

        Assert.Equal(before.Images[0].Png, after.Images[0].Png);
    }

    [Fact]
    public async Task Generate_WithAlreadyCancelledToken_ThrowsWithoutReportingProgress()
    {
        var progress = new SynchronousProgress();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => model.Pipeline.GenerateAsync(TestRequests.Small(), progress, new CancellationToken(canceled: true)));

        Assert.Empty(progress.Reports);
    }
}
