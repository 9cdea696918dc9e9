using SdPortal.Inference.Pipeline;
using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Pipeline.Support;

namespace SdPortal.Tests.Pipeline;

/// <summary>A denoising step reuses the job's buffers: what it allocates does not grow with the latent.</summary>
public sealed class PipelineAllocationTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    public static TheoryData<string> SchedulerNames => new(SchedulerFactory.Names);

    [Theory]
    [MemberData(nameof(SchedulerNames))]
    public void Step_AllocatesTheSameSmallAmountAtAnyLatentSize(string scheduler)
    {
        var small = BytesPerStep(scheduler, 64);
        var large = BytesPerStep(scheduler, 256);

        Assert.True(large <= small + 64, $"{small} bytes per step at 64×64, {large} at 256×256");
        Assert.True(large < 1024, $"{large} bytes per step at 256×256");
    }

    private long BytesPerStep(string scheduler, int size)
    {
        var request = TestRequests.Small() with { Width = size, Height = size, Steps = 10, BatchSize = 1, Scheduler = scheduler };
        var prompt = PromptEmbeddings.Encode(model.Model, request, guided: true, CancellationToken.None);
        var noise = new BatchNoise(1, request.BatchSize);
        var diffusion = SchedulerFactory.Create(scheduler, model.Model.SchedulerConfig, request.Steps, noise);
        using var denoiser = new Denoiser(model.Model.UNet, diffusion, prompt, request);
        denoiser.InitializeLatents(noise, null);
        for (var i = 0; i < 6; i++)
        {
            denoiser.Step(i, CancellationToken.None); // multistep schedulers fill their history first
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 6; i < 10; i++)
        {
            denoiser.Step(i, CancellationToken.None);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / 4;
    }
}
