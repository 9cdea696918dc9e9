using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Schedulers;

public sealed class SchedulerConfigTests
{
    [Fact]
    public void Load_Sd15Config_ReadsEveryKey()
    {
        var config = SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig);

        Assert.Equal(1000, config.NumTrainTimesteps);
        Assert.Equal(0.00085, config.BetaStart);
        Assert.Equal(0.012, config.BetaEnd);
        Assert.Equal(BetaSchedule.ScaledLinear, config.BetaSchedule);
        Assert.Equal(PredictionType.Epsilon, config.PredictionType);
        Assert.Equal(1, config.StepsOffset);
        Assert.False(config.SetAlphaToOne);
        Assert.False(config.ClipSample);
        Assert.True(config.SkipPrkSteps);
        Assert.Null(config.TimestepSpacing);
    }

    [Fact]
    public void Load_SharedAndShippedSd15Configs_AreEqual()
    {
        var shipped = Path.Combine(TestPaths.RepositoryRoot, "SdPortal.Inference", "Assets", "sd15-scheduler_config.json");

        Assert.Equal(SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig), SchedulerConfig.Load(shipped));
    }

    [Fact]
    public void Resolve_MissingTimestepSpacing_TakesEachSchedulerClassDefault()
    {
        var config = SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig);

        Assert.Equal(TimestepSpacing.Leading, config.Resolve(SchedulerClassDefaults.Ddim).TimestepSpacing);
        Assert.Equal(TimestepSpacing.Leading, config.Resolve(SchedulerClassDefaults.Pndm).TimestepSpacing);
        Assert.Equal(TimestepSpacing.Linspace, config.Resolve(SchedulerClassDefaults.KarrasStyle).TimestepSpacing);
        Assert.Equal(TimestepSpacing.Linspace, config.Resolve(SchedulerClassDefaults.Heun).TimestepSpacing);
        Assert.Equal(TimestepSpacing.Linspace, config.Resolve(SchedulerClassDefaults.Multistep).TimestepSpacing);
    }

    [Fact]
    public void Resolve_EmptyConfig_UsesDiffusersClassDefaults()
    {
        var config = SchedulerConfig.Parse("{}");

        var ddim = config.Resolve(SchedulerClassDefaults.Ddim);
        Assert.Equal((0.0001, 0.02, BetaSchedule.Linear, true, true), (ddim.BetaStart, ddim.BetaEnd, ddim.BetaSchedule, ddim.ClipSample, ddim.SetAlphaToOne));
        var lcm = config.Resolve(SchedulerClassDefaults.Lcm);
        Assert.Equal((0.00085, 0.012, BetaSchedule.ScaledLinear), (lcm.BetaStart, lcm.BetaEnd, lcm.BetaSchedule));
        Assert.False(config.Resolve(SchedulerClassDefaults.Pndm).SetAlphaToOne);
    }

    [Fact]
    public void Parse_KeysListedInUseDefaultValues_AreIgnored()
    {
        var config = SchedulerConfig.Parse("""{"timestep_spacing": "trailing", "steps_offset": 1, "_use_default_values": ["timestep_spacing"]}""");

        Assert.Null(config.TimestepSpacing);
        Assert.Equal(1, config.StepsOffset);
    }

    [Fact]
    public void Parse_AllSettings_MapsDiffusersStrings()
    {
        var config = SchedulerConfig.Parse(
            """{"beta_schedule": "squaredcos_cap_v2", "prediction_type": "v_prediction", "timestep_spacing": "trailing", "clip_sample": true, "clip_sample_range": 2.5, "trained_betas": null, "thresholding": false}""");

        Assert.Equal(BetaSchedule.SquaredCosCapV2, config.BetaSchedule);
        Assert.Equal(PredictionType.VPrediction, config.PredictionType);
        Assert.Equal(TimestepSpacing.Trailing, config.TimestepSpacing);
        Assert.True(config.ClipSample);
        Assert.Equal(2.5, config.ClipSampleRange);
    }

    [Theory]
    [InlineData("""{"beta_schedule": "exp"}""", "beta_schedule")]
    [InlineData("""{"prediction_type": "flow_prediction"}""", "prediction_type")]
    [InlineData("""{"num_train_timesteps": "1000"}""", "num_train_timesteps")]
    [InlineData("""{"clip_sample": 1}""", "clip_sample")]
    [InlineData("""[1, 2]""", "object")]
    [InlineData("""{"beta_start": """, "not valid JSON")]
    public void Parse_InvalidValue_ThrowsFormatExceptionNamingTheKey(string json, string named)
    {
        var error = Assert.Throws<FormatException>(() => SchedulerConfig.Parse(json));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithPrediction_ChangesOnlyThePredictionType()
    {
        var config = SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig);

        var v = config.WithPrediction(PredictionType.VPrediction);

        Assert.Equal(PredictionType.VPrediction, v.PredictionType);
        Assert.Equal(config with { PredictionType = PredictionType.VPrediction }, v);
        Assert.Equal(PredictionType.Epsilon, config.PredictionType);
    }
}
