using Microsoft.Extensions.Logging.Abstractions;
using SdPortal.Inference.Batching;
using SdPortal.Inference.Pipeline;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Batching;

/// <summary>
/// A step batcher over the tiny model's UNet and a pipeline that runs through it, next to the fixture's unbatched
/// pipeline, which gives each job's reference image.
/// </summary>
internal sealed class BatcherHarness : IDisposable
{
    /// <summary>Opens a batcher over <paramref name="model"/> with <paramref name="buckets"/>; call number <paramref name="holdCall"/> (0: none) waits for <see cref="OpenGateWhenLinedUpAsync"/>.</summary>
    public BatcherHarness(SyntheticModelFixture model, BatchBuckets buckets, int holdCall = 0)
    {
        Runner = new OnnxBatchRunner();
        Gate = new GatedRunner(Runner, holdCall);
        Batcher = new StepBatcher(Gate, buckets, TimeSpan.FromMilliseconds(250), "cpu", NullLogger.Instance);
        Pipeline = new StableDiffusionPipeline(model.Model, Batcher, new StableDiffusionPipelineOptions { PreviewInterval = 1 });
        Reference = model.Pipeline;
    }

    /// <summary>Buckets as a GPU would use them, so calls are padded.</summary>
    public static BatchBuckets Padded { get; } = new([1, 2, 4, 8, 16, 32]);

    public OnnxBatchRunner Runner { get; }

    public GatedRunner Gate { get; }

    public StepBatcher Batcher { get; }

    /// <summary>Generates through the batcher.</summary>
    public StableDiffusionPipeline Pipeline { get; }

    /// <summary>Generates alone, each job with its own calls (the unbatched engine).</summary>
    public StableDiffusionPipeline Reference { get; }

    /// <summary>Once <paramref name="jobs"/> jobs are in the held call or waiting behind it, lets it run.</summary>
    public async Task OpenGateWhenLinedUpAsync(int jobs)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((Gate.HeldJobs == 0 || Gate.HeldJobs + Batcher.WaitingSteps < jobs) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Gate.Open();
    }

    public void Dispose() => Batcher.Dispose();
}
