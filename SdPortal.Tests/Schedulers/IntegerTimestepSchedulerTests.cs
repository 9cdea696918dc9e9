using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Schedulers;

/// <summary>
/// Integer-timestep schedules (DDIM, PLMS, LCM) for the SD 1.5 config, with expectations derived by hand from
/// diffusers' set_timesteps (T = 1000, steps_offset 1, "leading" spacing).
/// </summary>
public sealed class IntegerTimestepSchedulerTests
{
    private static readonly SchedulerConfig Sd15 = SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig);

    [Theory]
    [InlineData(50, 20)]
    [InlineData(20, 50)]
    public void Ddim_WithSd15Config_MatchesDiffusersTimesteps(int steps, int stride)
    {
        var scheduler = SchedulerFactory.Create("DDIM", Sd15, steps);

        // leading: k·⌊1000/N⌋ + 1, descending: 981, 961, …, 1 (50 steps); 951, 901, …, 1 (20 steps)
        Assert.Equal(Range(1 + ((steps - 1) * stride), -stride, steps), scheduler.Timesteps);
        Assert.Null(scheduler.Sigmas);
        Assert.Equal(1f, scheduler.InitNoiseSigma);
    }

    [Theory]
    [InlineData(50, 20)]
    [InlineData(20, 50)]
    public void Pndm_WithSd15Config_RepeatsTheSecondTimestep(int steps, int stride)
    {
        var scheduler = SchedulerFactory.Create("PLMS", Sd15, steps);

        // concat(τ[:-1], τ[-2:-1], τ[-1:]) reversed: 981, 961, 961, 941, …, 1 (51 calls for 50 steps)
        var top = 1 + ((steps - 1) * stride);
        var expected = new List<double> { top };
        expected.AddRange(Range(top - stride, -stride, steps - 1));
        expected.Insert(1, top - stride);
        Assert.Equal(expected, scheduler.Timesteps);
        Assert.Equal(steps + 1, scheduler.Timesteps.Count);
    }

    [Theory]
    [InlineData(4, new double[] { 999, 759, 499, 259 })]
    [InlineData(8, new double[] { 999, 879, 759, 639, 499, 379, 259, 139 })]
    public void Lcm_WithSd15Config_PicksDistillationTimesteps(int steps, double[] expected)
    {
        var scheduler = SchedulerFactory.Create("LCM", Sd15, steps, new ZeroNoise());

        Assert.Equal(expected, scheduler.Timesteps);
        Assert.Null(scheduler.Sigmas);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(50)]
    public void Lcm_WithSd15Config_UsesEveryFloorOfTheIndexRamp(int steps)
    {
        var scheduler = SchedulerFactory.Create("LCM", Sd15, steps, new ZeroNoise());

        // 999 − 20·⌊k·50/N⌋
        for (var k = 0; k < steps; k++)
        {
            Assert.Equal(999 - (20 * Math.Floor(k * (50.0 / steps))), scheduler.Timesteps[k]);
        }
    }

    [Fact]
    public void Ddim_WithTrailingSpacing_StartsAtTheLastTrainingTimestep()
    {
        var scheduler = SchedulerFactory.Create("DDIM", Sd15 with { TimestepSpacing = TimestepSpacing.Trailing }, 7);

        // round(arange(1000, 0, −1000/7)) − 1
        double[] expected = [999, 856, 713, 570, 428, 285, 142];
        Assert.Equal(expected, scheduler.Timesteps);
    }

    [Fact]
    public void Ddim_WithTrailingSpacingAndNumPyOverlongArange_DropsTheNegativeTimestep()
    {
        // NumPy's arange(1000, 0, −1000/61) has 62 points; the last (~1e-12) would become timestep −1.
        var scheduler = SchedulerFactory.Create("DDIM", Sd15 with { TimestepSpacing = TimestepSpacing.Trailing }, 61);

        Assert.Equal(61, scheduler.Timesteps.Count);
        Assert.Equal(15.0, scheduler.Timesteps[^1]);
    }

    private static List<double> Range(int start, int step, int count)
    {
        var values = new List<double>(count);
        for (var k = 0; k < count; k++)
        {
            values.Add(start + (k * step));
        }

        return values;
    }
}
