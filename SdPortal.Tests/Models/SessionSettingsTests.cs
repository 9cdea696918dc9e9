using System.ComponentModel.DataAnnotations;
using Microsoft.ML.OnnxRuntime;
using SdPortal.Inference.Models;

namespace SdPortal.Tests.Models;

public class SessionSettingsTests
{
    [Fact]
    public void Defaults_TurnSpinningAndTheMemoryPatternOff_AndLeaveThreadsToOrt()
    {
        using var options = new SessionOptions();
        var ortThreads = options.IntraOpNumThreads;

        new SessionSettings().ApplyTo(options);

        Assert.False(options.EnableMemoryPattern);
        Assert.Equal(ortThreads, options.IntraOpNumThreads);
    }

    [Fact]
    public void ApplyTo_WritesTheConfiguredThreadsAndPattern()
    {
        using var options = new SessionOptions();

        new SessionSettings { IntraOpThreads = 3, MemoryPattern = true, AllowSpinning = true }.ApplyTo(options);

        Assert.Equal(3, options.IntraOpNumThreads);
        Assert.True(options.EnableMemoryPattern);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(257)]
    public void Validation_RefusesThreadCountsOutOfRange_NamingTheSetting(int threads)
    {
        var settings = new SessionSettings { IntraOpThreads = threads };
        var errors = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(settings, new ValidationContext(settings), errors, validateAllProperties: true));
        Assert.Contains("Inference:Sessions:IntraOpThreads", Assert.Single(errors).ErrorMessage);
    }

    [Fact]
    public void Describe_NamesEachSetting()
    {
        Assert.Equal("threads=ort spin=off pattern=off", new SessionSettings().Describe());
        Assert.Equal("threads=2 spin=on pattern=on", new SessionSettings { IntraOpThreads = 2, AllowSpinning = true, MemoryPattern = true }.Describe());
    }
}
