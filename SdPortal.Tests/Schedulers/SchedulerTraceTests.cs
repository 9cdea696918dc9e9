using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Schedulers;

/// <summary>
/// The C# schedulers against SdPortal's independent pure-Python reference (tools/scheduler-reference, float64
/// arithmetic on diffusers' float32 tables): same schedule, and the deterministic trace within 1e-4 relative.
/// </summary>
public sealed class SchedulerTraceTests
{
    private const double Relative = 1e-4;
    private static readonly SchedulerConfig Sd15 = SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig);

    public static TheoryData<string, int, string> DeterministicCases()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var id in new[] { "ddim", "pndm", "lms", "euler", "heun", "dpmpp_2m", "dpmpp_2m_karras", "unipc" })
        {
            foreach (var steps in new[] { 20, 7 })
            {
                data.Add(id, steps, "epsilon");
                data.Add(id, steps, "v_prediction");
            }
        }

        return data;
    }

    public static TheoryData<string, int, string> NoiseFreeCases()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var id in new[] { "euler_a", "lcm" })
        {
            foreach (var steps in new[] { 20, 7 })
            {
                data.Add(id, steps, "epsilon");
                data.Add(id, steps, "v_prediction");
            }
        }

        return data;
    }

    public static TheoryData<string> AllSchedulers() =>
        ["ddim", "pndm", "lms", "euler", "euler_a", "heun", "dpmpp_2m", "dpmpp_2m_karras", "unipc", "lcm"];

    [Theory]
    [MemberData(nameof(DeterministicCases))]
    public void Trace_DeterministicScheduler_MatchesPythonReference(string id, int steps, string prediction)
    {
        var expected = SchedulerFixture.Load(id).Case(steps, prediction);
        var scheduler = SchedulerFactory.Create(id, WithPrediction(prediction), steps);

        Assert.False(scheduler.IsStochastic);
        AssertSchedule(expected, scheduler);
        Tolerance.AssertClose(expected.Final!, SchedulerTrace.Run(scheduler), Relative, $"{id} {steps} {prediction}");
    }

    [Theory]
    [MemberData(nameof(NoiseFreeCases))]
    public void Trace_StochasticSchedulerWithZeroNoise_MatchesPythonReference(string id, int steps, string prediction)
    {
        var expected = SchedulerFixture.Load(id).Case(steps, prediction);
        var scheduler = SchedulerFactory.Create(id, WithPrediction(prediction), steps, new ZeroNoise());

        Assert.True(scheduler.IsStochastic);
        AssertSchedule(expected, scheduler);
        Tolerance.AssertClose(expected.NoiseFreeFinal!, SchedulerTrace.Run(scheduler), Relative, $"{id} {steps} {prediction}");
    }

    [Theory]
    [MemberData(nameof(AllSchedulers))]
    public void Schedule_With50Steps_MatchesPythonReference(string id)
    {
        var expected = SchedulerFixture.Load(id).Case(50, "epsilon");

        AssertSchedule(expected, SchedulerFactory.Create(id, Sd15, 50, new ZeroNoise()));
    }

    [Theory]
    [InlineData(20, "epsilon")]
    [InlineData(20, "v_prediction")]
    [InlineData(7, "epsilon")]
    [InlineData(7, "v_prediction")]
    public void Trace_PndmWithRungeKuttaWarmUp_MatchesPythonReference(int steps, string prediction)
    {
        var expected = SchedulerFixture.Load("pndm_prk").Case(steps, prediction);
        var scheduler = new PndmScheduler(WithPrediction(prediction) with { SkipPrkSteps = false }, steps);

        Assert.Equal(expected.Timesteps, scheduler.Timesteps);
        Tolerance.AssertClose(expected.Final!, SchedulerTrace.Run(scheduler), Relative, $"PRK {steps} {prediction}");
    }

    [Fact]
    public void Trace_CalledTwiceOnOneInstance_RestartsAtStepZero()
    {
        var scheduler = SchedulerFactory.Create("UniPC", Sd15, 7);

        var first = SchedulerTrace.Run(scheduler);
        var second = SchedulerTrace.Run(scheduler);

        Assert.Equal(first, second);
    }

    private static SchedulerConfig WithPrediction(string prediction) =>
        Sd15.WithPrediction(prediction == "v_prediction" ? PredictionType.VPrediction : PredictionType.Epsilon);

    private static void AssertSchedule(SchedulerFixtureCase expected, IDiffusionScheduler scheduler)
    {
        Assert.Equal(expected.Timesteps, scheduler.Timesteps);
        if (expected.Sigmas is null)
        {
            Assert.Null(scheduler.Sigmas);
        }
        else
        {
            Assert.Equal(expected.Sigmas, scheduler.Sigmas!);
        }

        Assert.Equal(expected.InitNoiseSigma, scheduler.InitNoiseSigma);
    }
}
