using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Schedulers;

/// <summary>
/// Sigma schedules (Euler, Euler a, LMS, Heun, DPM++ 2M, UniPC, Karras) for the SD 1.5 config, with expectations
/// derived by hand from diffusers' set_timesteps (T = 1000, "linspace" spacing unless stated).
/// </summary>
public sealed class SigmaScheduleSchedulerTests
{
    private static readonly SchedulerConfig Sd15 = SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig);

    [Theory]
    [InlineData("Euler")]
    [InlineData("Euler a")]
    [InlineData("LMS")]
    public void Euler_WithSd15Config_MatchesDiffusersTimesteps(string name)
    {
        var scheduler = SchedulerFactory.Create(name, Sd15, 20, new ZeroNoise());

        // linspace(0, 999, 20) as float32, descending: 999, 946.42…, …, 52.58…, 0
        Assert.Equal(20, scheduler.Timesteps.Count);
        for (var k = 0; k < 20; k++)
        {
            Assert.Equal((double)(float)((19 - k) * (999.0 / 19)), scheduler.Timesteps[k]);
        }

        Assert.Equal(946.4210815429688, scheduler.Timesteps[1]);
        Assert.Equal(0.0, scheduler.Timesteps[19]);

        // σ(t) interpolated in the √((1 − ᾱ)/ᾱ) table; k-diffusion's well-known SD values, then 0.
        var sigmas = scheduler.Sigmas!;
        Assert.Equal(21, sigmas.Count);
        Assert.Equal(14.6146, sigmas[0], 1e-4);
        Assert.Equal(10.7468, sigmas[1], 1e-4);
        Assert.Equal(8.0815, sigmas[2], 1e-4);
        Assert.Equal(0.0292, sigmas[19], 1e-4);
        Assert.Equal(0.0, sigmas[20]);
        Assert.Equal((float)sigmas[0], scheduler.InitNoiseSigma);
    }

    [Fact]
    public void Euler_WithSd15Config50Steps_InterpolatesBetweenTableEntries()
    {
        var scheduler = SchedulerFactory.Create("Euler", Sd15, 50);
        var table = SigmaMath.Table(new NoiseSchedule(1000, 0.00085, 0.012, BetaSchedule.ScaledLinear));

        // t_1 = 999·48/49 = 978.61…: σ = σ_978 + 0.61…·(σ_979 − σ_978), rounded to float32
        var t1 = scheduler.Timesteps[1];
        Assert.Equal((double)(float)(999.0 * 48 / 49), t1);
        Assert.Equal((double)(float)(table[978] + ((t1 - 978) * (table[979] - table[978]))), scheduler.Sigmas![1]);
        Assert.Equal(51, scheduler.Sigmas.Count);
    }

    [Fact]
    public void Heun_WithSd15Config_EvaluatesEveryTimestepAfterTheFirstTwice()
    {
        var euler = SchedulerFactory.Create("Euler", Sd15, 20);
        var heun = SchedulerFactory.Create("Heun", Sd15, 20);

        Assert.Equal(39, heun.Timesteps.Count);
        Assert.Equal(40, heun.Sigmas!.Count);
        Assert.Equal(euler.Timesteps[0], heun.Timesteps[0]);
        Assert.Equal(euler.Sigmas![0], heun.Sigmas[0]);
        for (var k = 1; k < 20; k++)
        {
            Assert.Equal(euler.Timesteps[k], heun.Timesteps[(2 * k) - 1]);
            Assert.Equal(euler.Timesteps[k], heun.Timesteps[2 * k]);
            Assert.Equal(euler.Sigmas[k], heun.Sigmas[(2 * k) - 1]);
            Assert.Equal(euler.Sigmas[k], heun.Sigmas[2 * k]);
        }

        Assert.Equal(0.0, heun.Sigmas[39]);
    }

    [Theory]
    [InlineData("DPM++ 2M")]
    [InlineData("UniPC")]
    public void DpmSolver_WithSd15Config_MatchesDiffusersTimesteps(string name)
    {
        var twenty = SchedulerFactory.Create(name, Sd15, 20);
        var fifty = SchedulerFactory.Create(name, Sd15, 50);

        // round(linspace(0, 999, N + 1)) descending, t = 0 dropped; 999·10/20 = 499.5 rounds to even.
        double[] expected = [999, 949, 899, 849, 799, 749, 699, 649, 599, 549, 500, 450, 400, 350, 300, 250, 200, 150, 100, 50];
        Assert.Equal(expected, twenty.Timesteps);
        for (var k = 0; k < 50; k++)
        {
            Assert.Equal(Math.Round(999.0 * (50 - k) / 50, MidpointRounding.ToEven), fifty.Timesteps[k]);
        }

        Assert.Equal(14.6146, twenty.Sigmas![0], 1e-4);
        Assert.Equal(0.0, twenty.Sigmas[20]);
        Assert.Equal(1f, twenty.InitNoiseSigma);
    }

    [Theory]
    [InlineData(20, 11.7254)]
    [InlineData(50, 13.4292)]
    public void DpmSolverKarras_WithSd15Config_UsesRho7Sigmas(int steps, double secondSigma)
    {
        var scheduler = SchedulerFactory.Create("DPM++ 2M Karras", Sd15, steps);
        var sigmas = scheduler.Sigmas!;
        const double SigmaMin = 0.029167532920837402, SigmaMax = 14.614646911621094;

        // σ_i = (σ_max^(1/7) + i/(N−1)·(σ_min^(1/7) − σ_max^(1/7)))^7, stored as float32, then 0
        Assert.Equal(steps + 1, sigmas.Count);
        for (var i = 0; i < steps; i++)
        {
            var ramp = (double)i / (steps - 1);
            var expected = Math.Pow(Math.Pow(SigmaMax, 1 / 7.0) + (ramp * (Math.Pow(SigmaMin, 1 / 7.0) - Math.Pow(SigmaMax, 1 / 7.0))), 7);
            Assert.Equal((float)expected, sigmas[i], 1e-6 * expected);
        }

        Assert.Equal(0.0, sigmas[steps]);
        Assert.Equal(secondSigma, sigmas[1], 1e-4); // by hand: (1.466894 − 0.863357/(N − 1))^7
        Assert.Equal(999.0, scheduler.Timesteps[0]);
        Assert.Equal(0.0, scheduler.Timesteps[steps - 1]);
        for (var k = 1; k < steps; k++)
        {
            Assert.True(scheduler.Timesteps[k] <= scheduler.Timesteps[k - 1], "timesteps must not increase");
            Assert.Equal(scheduler.Timesteps[k], Math.Round(scheduler.Timesteps[k]));
        }
    }

    [Fact]
    public void Euler_WithLeadingSpacing_AddsOffsetAndScalesInitialNoise()
    {
        var scheduler = SchedulerFactory.Create("Euler", Sd15 with { TimestepSpacing = TimestepSpacing.Leading }, 20);

        Assert.Equal(951.0, scheduler.Timesteps[0]);
        Assert.Equal(1.0, scheduler.Timesteps[19]);
        var max = (float)scheduler.Sigmas![0];
        Assert.Equal(MathF.Sqrt((max * max) + 1f), scheduler.InitNoiseSigma);
    }
}
