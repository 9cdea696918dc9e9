using SdPortal.Inference.Batching;
using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Pipeline.Support;
using Xunit.Abstractions;

namespace SdPortal.Tests.Batching;

/// <summary>
/// A job's images are byte-identical (PNG files, pixels and text) whether it ran alone on the unbatched engine or in
/// UNet calls shared with other jobs of other seeds, step counts, schedulers, guidance and batch sizes, padded or not.
/// </summary>
public sealed class BatchedGenerationTests(TinyModelFixture model, ITestOutputHelper output) : IClassFixture<TinyModelFixture>
{
    public static TheoryData<string, double, int> LoneJobs => new()
    {
        { "Euler", 7.5, 1 },
        { "Euler a", 7.5, 3 },
        { "DPM++ 2M Karras", 1.0, 1 },
        { "Heun", 5.0, 2 },
        { "UniPC", 1.0, 3 },
    };

    [Theory]
    [MemberData(nameof(LoneJobs))]
    public async Task LoneJob_PaddedToItsBucket_GivesTheUnbatchedImages(string scheduler, double guidance, int batchSize)
    {
        using var harness = new BatcherHarness(model, BatcherHarness.Padded);
        var request = TestRequests.Small(11) with { Scheduler = scheduler, GuidanceScale = guidance, BatchSize = batchSize, Steps = 5 };

        var batched = await harness.Pipeline.GenerateAsync(request);
        var alone = await harness.Reference.GenerateAsync(request);

        AssertSameImages(alone, batched);
        var statistics = harness.Batcher.Statistics;
        Assert.Equal(batched.Timings.Steps * (guidance > 1 ? 2 : 1) * batchSize, statistics.Samples);
        output.WriteLine($"{statistics.Calls} calls, {statistics.Samples} samples, {statistics.Padding} padding");
    }

    [Fact]
    public async Task ConcurrentJobs_OfEveryKind_ShareCallsAndEachGivesItsUnbatchedImages()
    {
        GenerationSpec[] requests =
        [
            TestRequests.Small(1) with { Steps = 6 },
            TestRequests.Small(2) with { Steps = 9, Scheduler = "Euler a", GuidanceScale = 4 },
            TestRequests.Small(3) with { Steps = 7, Scheduler = "DPM++ 2M", GuidanceScale = 1 },
            TestRequests.Small(4) with { Steps = 5, Scheduler = "Heun", BatchSize = 2 },
            TestRequests.Small(5) with { Steps = 8, Scheduler = "LCM", GuidanceScale = 1, BatchSize = 3 },
            TestRequests.Small(6) with { Steps = 6, Scheduler = "DDIM", GuidanceScale = 12 },
        ];
        using var harness = new BatcherHarness(model, BatcherHarness.Padded, holdCall: 1);

        // The first call is held until every job's first step is in it or waits behind it, so the rest are assembled
        // together, and from then on the loop keeps the returning jobs together.
        var runs = requests.Select(r => harness.Pipeline.GenerateAsync(r)).ToArray();
        await harness.OpenGateWhenLinedUpAsync(requests.Length);
        var batched = await Task.WhenAll(runs);

        for (var i = 0; i < requests.Length; i++)
        {
            AssertSameImages(await harness.Reference.GenerateAsync(requests[i]), batched[i]);
        }

        var statistics = harness.Batcher.Statistics;
        var modelCalls = batched.Sum(r => r.Timings.Steps);
        output.WriteLine($"{modelCalls} job steps ran in {statistics.Calls} calls ({statistics.Samples} samples, {statistics.Padding} padding)");
        Assert.True(statistics.Calls < modelCalls, $"{statistics.Calls} calls for {modelCalls} job steps: no call was shared");
    }

    [Fact]
    public async Task JobJoiningMidwayAndLeavingEarly_BothGiveTheirUnbatchedImages()
    {
        using var harness = new BatcherHarness(model, BatchBuckets.Exact(32));
        var longRequest = TestRequests.Small(21) with { Steps = 14, Scheduler = "Euler a" };
        var shortRequest = TestRequests.Small(22) with { Steps = 4, Scheduler = "DPM++ 2M Karras", GuidanceScale = 3 };
        Task<GenerationResult>? late = null;
        var longProgress = new SynchronousProgress(p =>
        {
            if (p.Step == 4)
            {
                // Joins between the long job's fourth and fifth steps: the long job hands in its fifth only once the
                // short job's first waits, and the loop lingers for the long job, so the two share from there on.
                late = harness.Pipeline.GenerateAsync(shortRequest);
                SpinWait.SpinUntil(() => harness.Batcher.WaitingSteps > 0, TimeSpan.FromSeconds(60));
            }
        });

        var first = await harness.Pipeline.GenerateAsync(longRequest, longProgress);
        var second = await late!;

        AssertSameImages(await harness.Reference.GenerateAsync(longRequest), first);
        AssertSameImages(await harness.Reference.GenerateAsync(shortRequest), second);
        var statistics = harness.Batcher.Statistics;
        Assert.Equal(longRequest.Steps, statistics.Calls); // every step of the short job shared a call with the long job
    }

    [Fact]
    public async Task CancellingOneJobOfABatch_StopsItWithinAStepAndTheOthersFinishUnchanged()
    {
        using var harness = new BatcherHarness(model, BatcherHarness.Padded);
        var kept = new[] { TestRequests.Small(31) with { Steps = 10 }, TestRequests.Small(32) with { Steps = 10, Scheduler = "Euler a" } };
        using var cancellation = new CancellationTokenSource();
        var cancelledProgress = new SynchronousProgress(p =>
        {
            if (p.Step == 3)
            {
                cancellation.Cancel();
            }
        });

        var keptRuns = kept.Select(r => harness.Pipeline.GenerateAsync(r)).ToArray();
        var cancelled = harness.Pipeline.GenerateAsync(TestRequests.Small(33) with { Steps = 10 }, cancelledProgress, cancellation.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.InRange(cancelledProgress.Reports.Max(r => r.Step), 3, 4);
        for (var i = 0; i < kept.Length; i++)
        {
            AssertSameImages(await harness.Reference.GenerateAsync(kept[i]), await keptRuns[i]);
        }
    }

    [Fact]
    public async Task AfterACancelledJob_TheNextJobStillGivesItsUnbatchedImage()
    {
        using var harness = new BatcherHarness(model, BatcherHarness.Padded);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => harness.Pipeline.GenerateAsync(TestRequests.Small(41), null, cancellation.Token));

        var after = await harness.Pipeline.GenerateAsync(TestRequests.Small(42));

        AssertSameImages(await harness.Reference.GenerateAsync(TestRequests.Small(42)), after);
    }

    [Fact]
    public async Task ProgressAndPreviews_AreReportedPerJob()
    {
        using var harness = new BatcherHarness(model, BatcherHarness.Padded);
        var progressA = new SynchronousProgress();
        var progressB = new SynchronousProgress();

        await Task.WhenAll(
            harness.Pipeline.GenerateAsync(TestRequests.Small(51) with { Steps = 3 }, progressA),
            harness.Pipeline.GenerateAsync(TestRequests.Small(52) with { Steps = 6 }, progressB));

        Assert.Equal([1, 2, 3], progressA.Reports.Select(r => r.Step));
        Assert.Equal([1, 2, 3, 4, 5, 6], progressB.Reports.Select(r => r.Step));
        Assert.All(progressA.Reports.Concat(progressB.Reports), r => Assert.NotNull(r.PreviewPng));
        Assert.NotEqual(progressA.Reports[^1].PreviewPng, progressB.Reports[^1].PreviewPng);
    }

    internal static void AssertSameImages(GenerationResult expected, GenerationResult actual)
    {
        Assert.Equal(expected.Seed, actual.Seed);
        Assert.Equal(expected.Images.Count, actual.Images.Count);
        for (var k = 0; k < expected.Images.Count; k++)
        {
            Assert.Equal(expected.Images[k].Seed, actual.Images[k].Seed);
            Assert.Equal(PngInspection.Pixels(expected.Images[k].Png), PngInspection.Pixels(actual.Images[k].Png));
            Assert.Equal(expected.Images[k].Png, actual.Images[k].Png);
        }
    }
}
