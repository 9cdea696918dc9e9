using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Batching;

/// <summary>
/// A UNet that takes one float [1] timestep for the whole batch: jobs share a call only at the same timestep, and
/// their images still equal the unbatched ones.
/// </summary>
public sealed class BatchedBroadcastTimestepTests(TinyFloatTimestepModelFixture model) : IClassFixture<TinyFloatTimestepModelFixture>
{
    [Fact]
    public async Task JobsOnOneSchedule_ShareCalls_AndJobsOnAnotherDoNot_AndAllGiveTheirUnbatchedImages()
    {
        var sameSchedule = new[] { TestRequests.Small(61) with { Steps = 6 }, TestRequests.Small(62) with { Steps = 6, GuidanceScale = 3 } };
        var otherSchedule = TestRequests.Small(63) with { Steps = 9 };
        using var harness = new BatcherHarness(model, BatcherHarness.Padded, holdCall: 1);

        // A one-step job of another size holds the device while the three line up, so they start in lockstep.
        var blocker = harness.Pipeline.GenerateAsync(TestRequests.Small(60) with { Steps = 1, Width = 128 });
        SpinWait.SpinUntil(() => harness.Gate.HeldJobs > 0, TimeSpan.FromSeconds(60));
        var runs = sameSchedule.Append(otherSchedule).Select(r => harness.Pipeline.GenerateAsync(r)).ToArray();
        await harness.OpenGateWhenLinedUpAsync(4);
        var results = await Task.WhenAll(runs);
        await blocker;

        BatchedGenerationTests.AssertSameImages(await harness.Reference.GenerateAsync(sameSchedule[0]), results[0]);
        BatchedGenerationTests.AssertSameImages(await harness.Reference.GenerateAsync(sameSchedule[1]), results[1]);
        BatchedGenerationTests.AssertSameImages(await harness.Reference.GenerateAsync(otherSchedule), results[2]);
        var calls = harness.Batcher.Statistics.Calls;
        // The blocker's call, at least the 9-step job's 9, and the pair's 6 only if it shared every step (else ≥ 22).
        Assert.InRange(calls, 1 + 9, 1 + 9 + 6);
    }
}
