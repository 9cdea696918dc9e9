using SdPortal.Inference.Noise;
using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Schedulers;

public sealed class SchedulerAllocationTests
{
    private const int Size = 4 * 64 * 64;
    private static readonly SchedulerConfig Sd15 = SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig);

    public static TheoryData<string> Names() => [.. SchedulerFactory.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void StepAndScale_AfterWarmUp_AllocateUnder1KB(string name)
    {
        var scheduler = SchedulerFactory.Create(name, Sd15, 20, new SeededGaussianNoise(3));
        var sample = new float[Size];
        var input = new float[Size];
        var output = new float[Size];
        var original = new float[Size];
        for (var i = 0; i < Size; i++)
        {
            sample[i] = MathF.Sin(0.01f * i) * scheduler.InitNoiseSigma;
        }

        Call(scheduler, 0, sample, input, output, original); // warm-up: history buffers are allocated here
        // The quietest of three 10-call windows: a tier-up recompilation on this thread can be charged to one window.
        var allocated = long.MaxValue;
        for (var window = 0; window < 3; window++)
        {
            Call(scheduler, 0, sample, input, output, original); // step 0 starts a new run, so each window replays 1–10
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var call = 1; call <= 10; call++)
            {
                Call(scheduler, call, sample, input, output, original);
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated < 1024, $"{name} allocated {allocated} bytes in 10 calls");
        Assert.True(float.IsFinite(sample[123]), "the sample must stay finite");
    }

    private static void Call(IDiffusionScheduler scheduler, int call, float[] sample, float[] input, float[] output, float[] original)
    {
        scheduler.ScaleModelInput(sample, call, input);
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = 0.1f * input[i];
        }

        scheduler.Step(output, call, sample, original);
    }
}
