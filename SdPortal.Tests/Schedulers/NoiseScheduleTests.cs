using SdPortal.Inference.Schedulers;

namespace SdPortal.Tests.Schedulers;

public sealed class NoiseScheduleTests
{
    [Fact]
    public void ScaledLinear_Sd15_MatchesFloat32TorchTables()
    {
        var schedule = new NoiseSchedule(1000, 0.00085, 0.012, BetaSchedule.ScaledLinear);

        // Expected values: float32 linspace of √β squared, cumprod with a double accumulator (see NoiseSchedule).
        Assert.Equal(0.0008499999530613422, schedule.Betas[0]);
        Assert.Equal(0.004814953543245792, schedule.Betas[500]);
        Assert.Equal(0.011999999172985554, schedule.Betas[999]);
        Assert.Equal(0.9991499781608582, schedule.AlphasCumprod[0]);
        Assert.Equal(0.27633246779441833, schedule.AlphasCumprod[500]);
        Assert.Equal(0.00466009508818388, schedule.AlphasCumprod[999]);
    }

    [Fact]
    public void Linear_DdpmDefaults_EndsAtTheKnownAlphaBar()
    {
        var schedule = new NoiseSchedule(1000, 0.0001, 0.02, BetaSchedule.Linear);

        Assert.Equal((double)0.0001f, schedule.Betas[0]);
        Assert.Equal((double)0.02f, schedule.Betas[999]);
        Assert.Equal(4.0358307160204276e-05, schedule.AlphasCumprod[999]);
    }

    [Fact]
    public void SquaredCosCapV2_CapsBetaAndDecreasesAlphaBar()
    {
        var schedule = new NoiseSchedule(1000, 0, 0, BetaSchedule.SquaredCosCapV2);

        Assert.Equal(4.128422369831242e-05, schedule.Betas[0]);
        Assert.Equal(0.9990000128746033, schedule.Betas[999]);
        for (var t = 1; t < 1000; t++)
        {
            Assert.True(schedule.AlphasCumprod[t] < schedule.AlphasCumprod[t - 1], $"ᾱ must decrease at t = {t}");
        }
    }

    [Fact]
    public void Tables_HoldFloat32Values()
    {
        var schedule = new NoiseSchedule(1000, 0.00085, 0.012, BetaSchedule.ScaledLinear);

        for (var t = 0; t < 1000; t++)
        {
            Assert.Equal(schedule.Betas[t], (float)schedule.Betas[t]);
            Assert.Equal(schedule.Alphas[t], 1f - (float)schedule.Betas[t]);
            Assert.Equal(schedule.AlphasCumprod[t], (float)schedule.AlphasCumprod[t]);
        }
    }

    [Fact]
    public void SigmaTable_Sd15_SpansTheKnownRange()
    {
        var sigmas = SigmaMath.Table(new NoiseSchedule(1000, 0.00085, 0.012, BetaSchedule.ScaledLinear));

        Assert.Equal(0.029167532920837402, sigmas[0]);
        Assert.Equal(14.614646911621094, sigmas[999]);
    }
}
