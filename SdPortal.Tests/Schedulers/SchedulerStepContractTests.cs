using SdPortal.Inference.Noise;
using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Schedulers;

/// <summary>The IDiffusionScheduler contract: argument checks, step order, predicted x₀.</summary>
public sealed class SchedulerStepContractTests
{
    private static readonly SchedulerConfig Sd15 = SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig);

    public static TheoryData<string> Names() => [.. SchedulerFactory.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void Step_OutOfOrder_ThrowsInvalidOperation(string name)
    {
        var scheduler = SchedulerFactory.Create(name, Sd15, 10, new SeededGaussianNoise(1));
        var buffers = new Buffers(64);
        buffers.Step(scheduler, 0);

        var error = Assert.Throws<InvalidOperationException>(() => buffers.Step(scheduler, 2));

        Assert.Contains("in order", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Step_IndexBeyondTheSchedule_ThrowsArgumentOutOfRange(string name)
    {
        var scheduler = SchedulerFactory.Create(name, Sd15, 10, new SeededGaussianNoise(1));
        var buffers = new Buffers(64);

        Assert.Throws<ArgumentOutOfRangeException>(() => buffers.Step(scheduler, scheduler.Timesteps.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.ScaleModelInput(buffers.Sample, -1, buffers.Input));
    }

    [Fact]
    public void Step_MismatchedLengths_ThrowsArgumentException()
    {
        var scheduler = SchedulerFactory.Create("Euler", Sd15, 10);

        Assert.Throws<ArgumentException>(() => scheduler.Step(new float[8], 0, new float[8], new float[4]));
        Assert.Throws<ArgumentException>(() => scheduler.ScaleModelInput(new float[8], 0, new float[7]));
    }

    [Fact]
    public void Step_SampleResizedMidRun_ThrowsArgumentException()
    {
        var scheduler = SchedulerFactory.Create("DPM++ 2M", Sd15, 10);
        new Buffers(64).Step(scheduler, 0);

        Assert.Throws<ArgumentException>(() => new Buffers(32).Step(scheduler, 1));
    }

    [Theory]
    [InlineData("Euler")]
    [InlineData("DPM++ 2M")]
    [InlineData("DDIM")]
    public void Step_EpsilonPrediction_WritesTheImpliedCleanSample(string name)
    {
        var scheduler = SchedulerFactory.Create(name, Sd15, 10);
        var buffers = new Buffers(16);
        Array.Fill(buffers.Sample, 2f);
        Array.Fill(buffers.Output, 0f);

        buffers.Step(scheduler, 0, scale: false);

        // ε = 0 means the noisy sample is a scaled clean one: x₀ = x (VE) or x/√ᾱ (VP).
        var expected = scheduler.Sigmas is { } sigmas && name == "Euler" ? 2f : 2f / MathF.Sqrt(AlphaBar(scheduler, name));
        Assert.All(buffers.Original, v => Assert.Equal(expected, v, 1e-5f));
    }

    [Fact]
    public void Step_RunStartedAtTheBeginIndex_RunsToTheEnd()
    {
        var scheduler = SchedulerFactory.Create("DPM++ 2M", Sd15, 10);
        var buffers = new Buffers(16);
        Array.Fill(buffers.Sample, 0.5f);
        scheduler.SetBeginIndex(4);

        for (var call = 4; call < scheduler.Timesteps.Count; call++)
        {
            buffers.Step(scheduler, call);
        }

        Assert.All(buffers.Sample, v => Assert.True(float.IsFinite(v)));
    }

    private static float AlphaBar(IDiffusionScheduler scheduler, string name)
    {
        if (name == "DDIM")
        {
            return (float)new NoiseSchedule(1000, 0.00085, 0.012, BetaSchedule.ScaledLinear).AlphasCumprod[(int)scheduler.Timesteps[0]];
        }

        var sigma = (float)scheduler.Sigmas![0]; // VP view of σ: ᾱ = 1/(σ² + 1)
        return 1f / ((sigma * sigma) + 1f);
    }

    private sealed class Buffers(int size)
    {
        public float[] Sample { get; } = new float[size];

        public float[] Input { get; } = new float[size];

        public float[] Output { get; } = new float[size];

        public float[] Original { get; } = new float[size];

        public void Step(IDiffusionScheduler scheduler, int call, bool scale = true)
        {
            if (scale)
            {
                scheduler.ScaleModelInput(Sample, call, Input);
                for (var i = 0; i < Output.Length; i++)
                {
                    Output[i] = 0.1f * Input[i];
                }
            }

            scheduler.Step(Output, call, Sample, Original);
        }
    }
}
