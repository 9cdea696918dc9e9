using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using SdPortal.Inference.Models;

namespace SdPortal.Tests.Models;

/// <summary>The Inference:Cuda settings: what reaches ORT's CUDA provider, and what start-up rejects.</summary>
public sealed class CudaProviderSettingsTests
{
    [Fact]
    public void Defaults_AreValid_AndMapToOrtsOptionNames()
    {
        var settings = new CudaProviderSettings();

        Assert.Empty(Validate(settings));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["device_id"] = "1",
                ["cudnn_conv_algo_search"] = "HEURISTIC",
                ["arena_extend_strategy"] = "kSameAsRequested",
                ["do_copy_in_default_stream"] = "1",
                ["enable_cuda_graph"] = "0",
                ["cudnn_conv_use_max_workspace"] = "1",
                ["prefer_nhwc"] = "0",
            },
            settings.ToProviderOptions(1));
    }

    [Fact]
    public void BoundFromConfiguration_EverySettingReachesItsProviderOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Inference:Cuda:ConvAlgorithmSearch"] = "EXHAUSTIVE",
            ["Inference:Cuda:ArenaExtendStrategy"] = "kNextPowerOfTwo",
            ["Inference:Cuda:GpuMemoryLimitBytes"] = "42949672960",
            ["Inference:Cuda:CopyInDefaultStream"] = "false",
            ["Inference:Cuda:EnableCudaGraph"] = "true",
            ["Inference:Cuda:ConvUseMaxWorkspace"] = "false",
            ["Inference:Cuda:PreferNhwc"] = "true",
        }).Build();
        var settings = configuration.GetSection(CudaProviderSettings.SectionName).Get<CudaProviderSettings>()!;

        var options = settings.ToProviderOptions(0);

        Assert.Empty(Validate(settings));
        Assert.Equal("0", options["device_id"]);
        Assert.Equal("EXHAUSTIVE", options["cudnn_conv_algo_search"]);
        Assert.Equal("kNextPowerOfTwo", options["arena_extend_strategy"]);
        Assert.Equal("42949672960", options["gpu_mem_limit"]);
        Assert.Equal("0", options["do_copy_in_default_stream"]);
        Assert.Equal("1", options["enable_cuda_graph"]);
        Assert.Equal("0", options["cudnn_conv_use_max_workspace"]);
        Assert.Equal("1", options["prefer_nhwc"]);
    }

    [Fact]
    public void WithoutAMemoryLimit_LeavesOrtsDefault() =>
        Assert.DoesNotContain("gpu_mem_limit", new CudaProviderSettings().ToProviderOptions(0).Keys);

    [Theory]
    [InlineData(nameof(CudaProviderSettings.ConvAlgorithmSearch), "exhaustive", "must be EXHAUSTIVE, HEURISTIC or DEFAULT")]
    [InlineData(nameof(CudaProviderSettings.ArenaExtendStrategy), "kPowerOfTwo", "must be kNextPowerOfTwo or kSameAsRequested")]
    public void Validate_RejectsValuesOrtDoesNotKnow_NamingTheSetting(string property, string value, string expected)
    {
        var settings = new CudaProviderSettings();
        typeof(CudaProviderSettings).GetProperty(property)!.SetValue(settings, value);

        var error = Assert.Single(Validate(settings));

        Assert.Equal($"Inference:Cuda:{property} {expected}.", error.ErrorMessage);
        Assert.Equal([property], error.MemberNames);
    }

    [Fact]
    public void Validate_RejectsAMemoryLimitNoModelFitsIn()
    {
        var error = Assert.Single(Validate(new CudaProviderSettings { GpuMemoryLimitBytes = 512L << 20 }));

        Assert.StartsWith("Inference:Cuda:GpuMemoryLimitBytes is 536870912 bytes; leave it unset or give at least 1073741824", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(Validate(new CudaProviderSettings { GpuMemoryLimitBytes = CudaProviderSettings.MinimumMemoryLimitBytes }));
    }

    private static List<ValidationResult> Validate(CudaProviderSettings settings)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true);
        return results;
    }
}
