using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Batching;

/// <summary>
/// Image-to-image and inpainting jobs enter the schedule part-way (their first call is a later timestep) and share
/// UNet calls with text-to-image jobs; each still gives exactly the images it gives alone.
/// </summary>
public sealed class BatchedImageToImageTests(TinyImageModelFixture model) : IClassFixture<TinyImageModelFixture>
{
    [Fact]
    public async Task ConcurrentImageJobs_ShareCallsWithTextJobs_AndEachGivesItsUnbatchedImages()
    {
        GenerationSpec[] requests =
        [
            TestRequests.Small(1) with { Steps = 6 },
            SourcePictures.ImageToImage(strength: 0.5, seed: 2),
            SourcePictures.ImageToImage(strength: 0.8, seed: 3) with { Scheduler = "Euler a", BatchSize = 2 },
            SourcePictures.Inpaint(strength: 0.75, seed: 4),
            SourcePictures.Inpaint(strength: 1.0, seed: 5) with { Scheduler = "DPM++ 2M Karras", InpaintOnlyMasked = true },
        ];
        using var harness = new BatcherHarness(model, BatcherHarness.Padded, holdCall: 1);

        var runs = requests.Select(r => harness.Pipeline.GenerateAsync(r)).ToArray();
        await harness.OpenGateWhenLinedUpAsync(requests.Length);
        var batched = await Task.WhenAll(runs);

        for (var i = 0; i < requests.Length; i++)
        {
            BatchedGenerationTests.AssertSameImages(await harness.Reference.GenerateAsync(requests[i]), batched[i]);
        }

        var modelCalls = batched.Sum(r => r.Timings.Steps);
        Assert.True(harness.Batcher.Statistics.Calls < modelCalls, "no call was shared");
    }
}

/// <summary>A 9-channel inpainting UNet batched with itself: the extra channels travel with each job's samples.</summary>
public sealed class BatchedInpaintingUNetTests(TinyInpaintingModelFixture model) : IClassFixture<TinyInpaintingModelFixture>
{
    [Fact]
    public async Task InpaintAndTextJobs_OnAnInpaintingUNet_GiveTheirUnbatchedImages()
    {
        GenerationSpec[] requests =
        [
            TestRequests.Small(1) with { Steps = 6 },
            SourcePictures.Inpaint(strength: 0.75, seed: 4) with { BatchSize = 2 },
            SourcePictures.ImageToImage(strength: 0.5, seed: 6),
        ];
        using var harness = new BatcherHarness(model, BatcherHarness.Padded, holdCall: 1);

        var runs = requests.Select(r => harness.Pipeline.GenerateAsync(r)).ToArray();
        await harness.OpenGateWhenLinedUpAsync(requests.Length);
        var batched = await Task.WhenAll(runs);

        for (var i = 0; i < requests.Length; i++)
        {
            BatchedGenerationTests.AssertSameImages(await harness.Reference.GenerateAsync(requests[i]), batched[i]);
        }
    }
}
