using SdPortal.Inference.Noise;
using SdPortal.Inference.Schedulers;
using SdPortal.Tests.Support;

namespace SdPortal.Tests.Schedulers;

public sealed class SchedulerFactoryTests
{
    private static readonly SchedulerConfig Sd15 = SchedulerConfig.Load(TestPaths.Sd15SchedulerConfig);

    [Fact]
    public void Names_ListTheA1111Names()
    {
        Assert.Equal(
            ["DDIM", "PNDM", "LMS", "Euler", "Euler a", "Heun", "DPM++ 2M", "DPM++ 2M Karras", "UniPC", "LCM"],
            SchedulerFactory.Names);
    }

    [Theory]
    [InlineData("DDIM", "DDIM", typeof(DdimScheduler))]
    [InlineData("PNDM", "PNDM", typeof(PndmScheduler))]
    [InlineData("PLMS", "PNDM", typeof(PndmScheduler))]
    [InlineData("LMS", "LMS", typeof(LmsScheduler))]
    [InlineData("Euler", "Euler", typeof(EulerScheduler))]
    [InlineData("Euler a", "Euler a", typeof(EulerAncestralScheduler))]
    [InlineData("Heun", "Heun", typeof(HeunScheduler))]
    [InlineData("DPM++ 2M", "DPM++ 2M", typeof(DpmSolverMultistepScheduler))]
    [InlineData("DPM++ 2M Karras", "DPM++ 2M Karras", typeof(DpmSolverMultistepScheduler))]
    [InlineData("UniPC", "UniPC", typeof(UniPcScheduler))]
    [InlineData("LCM", "LCM", typeof(LcmScheduler))]
    [InlineData("euler_a", "Euler a", typeof(EulerAncestralScheduler))]
    [InlineData("EULER A", "Euler a", typeof(EulerAncestralScheduler))]
    [InlineData("euler_ancestral", "Euler a", typeof(EulerAncestralScheduler))]
    [InlineData("dpmpp_2m", "DPM++ 2M", typeof(DpmSolverMultistepScheduler))]
    [InlineData("dpmpp_2m_karras", "DPM++ 2M Karras", typeof(DpmSolverMultistepScheduler))]
    [InlineData("dpm++ 2m karras", "DPM++ 2M Karras", typeof(DpmSolverMultistepScheduler))]
    [InlineData("plms", "PNDM", typeof(PndmScheduler))]
    [InlineData("uni_pc", "UniPC", typeof(UniPcScheduler))]
    public void Create_KnownName_ReturnsThatScheduler(string name, string expectedName, Type expectedType)
    {
        var scheduler = SchedulerFactory.Create(name, Sd15, 20, new SeededGaussianNoise(1));

        Assert.IsType(expectedType, scheduler);
        Assert.Equal(expectedName, scheduler.Name);
    }

    [Theory]
    [InlineData("Euler b")]
    [InlineData("DPM++ SDE")]
    [InlineData("")]
    public void Create_UnknownName_ThrowsListingValidNames(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create(name, Sd15, 20));

        Assert.Equal("name", error.ParamName);
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
        foreach (var valid in SchedulerFactory.Names)
        {
            Assert.Contains(valid, error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Euler", 0, "between 1 and 150")]
    [InlineData("Euler", 151, "between 1 and 150")]
    [InlineData("DDIM", -5, "between 1 and 150")]
    [InlineData("LCM", 51, "between 1 and 50")]
    public void Create_StepsOutOfRange_ThrowsWithTheRange(string name, int steps, string range)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SchedulerFactory.Create(name, Sd15, steps, new SeededGaussianNoise(1)));

        Assert.Equal("steps", error.ParamName);
        Assert.Contains(range, error.Message, StringComparison.Ordinal);
        Assert.Contains($"got {steps}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_MoreStepsThanTrainingTimesteps_ThrowsNamingTheLimit()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => SchedulerFactory.Create("DDIM", Sd15 with { NumTrainTimesteps = 100 }, 101));

        Assert.Contains("between 1 and 100", error.Message, StringComparison.Ordinal);
        Assert.Contains("100 training timesteps", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(150)]
    public void Create_EveryNameAtTheStepLimits_Succeeds(int steps)
    {
        foreach (var name in SchedulerFactory.Names)
        {
            var scheduler = SchedulerFactory.Create(name, Sd15, name == "LCM" ? Math.Min(steps, 50) : steps, new SeededGaussianNoise(1));

            Assert.NotEmpty(scheduler.Timesteps);
            Assert.All(SchedulerTrace.Run(scheduler), v => Assert.True(float.IsFinite(v), $"{name}: non-finite result"));
        }
    }

    [Theory]
    [InlineData("Euler a")]
    [InlineData("LCM")]
    public void Create_StochasticWithoutNoise_ThrowsArgumentException(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => SchedulerFactory.Create(name, Sd15, 20));

        Assert.Equal("noise", error.ParamName);
    }

    [Fact]
    public void Create_PndmWithSamplePrediction_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => SchedulerFactory.Create("PNDM", Sd15.WithPrediction(PredictionType.Sample), 20));
    }

    [Fact]
    public void Canonical_UnknownOrOverlongName_ReturnsNull()
    {
        Assert.Null(SchedulerFactory.Canonical("Karras"));
        Assert.Null(SchedulerFactory.Canonical(new string('e', 500)));
        Assert.Equal("Heun", SchedulerFactory.Canonical("  HEUN "));
    }
}
